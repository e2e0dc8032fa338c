/**
 * Found by the fault suite (a server process died by itself during `kill -9` of Redis, with
 * "MaxRetriesPerRequestError … Node.js v20"): the Socket.IO Redis adapter calls pub.publish()
 * without handling its promise, so an invalidation in flight when Redis goes away became an
 * unhandled rejection and Node ended the process. A lost invalidation is harmless (the console
 * refetches); a dead process is not.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import http from 'node:http';
import pg from 'pg';
import { createRealtime } from '../../server/platform/realtime/socket';
import { createDb } from '../../server/platform/db/client';
import { logger } from '../../server/platform/log/logger';
import { startRedisProcess } from '../helpers/server-process';

let redis: Awaited<ReturnType<typeof startRedisProcess>>;
beforeAll(async () => {
  redis = await startRedisProcess();
});
afterAll(async () => {
  await redis?.kill();
});

it('survives Redis dying with invalidations in flight (no unhandled rejection)', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  const db = createDb('postgres://postgres@127.0.0.1:5432/postgres', 1);
  const server = http.createServer();
  const rt = createRealtime(server, { db, redisUrl: redis.url, prefix: 'rx-rl', log: logger });
  try {
    await new Promise((r) => setTimeout(r, 300));
    const emitMany = () => {
      for (let i = 0; i < 200; i++)
        rt.publish([{ id: i, topic: 'ticket.registered', payload: { ticketId: `t-${i}`, version: 1, cause: 'ticket.registered', unitIds: [], unitId: null } }]);
    };
    emitMany();
    const dying = redis.kill();
    emitMany(); // queued while the connection drops
    await dying;
    emitMany(); // queued while reconnecting
    await new Promise((r) => setTimeout(r, 3000)); // past ioredis' retry: the queue is flushed with errors
    expect(unhandled.map((e) => String((e as Error)?.message ?? e))).toEqual([]);
  } finally {
    process.off('unhandledRejection', onUnhandled);
    await rt.close().catch(() => {});
    await (db.$client as pg.Pool).end();
  }
}, 30_000);
