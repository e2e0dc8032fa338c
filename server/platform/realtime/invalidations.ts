import { Emitter } from '@socket.io/redis-emitter';
import Redis from 'ioredis';
import type { Logger } from '../log/logger';
import type { OutboxRow } from '../outbox/relay';
import { eventDefinition } from '../events/catalogue';
import { parseOutboxMessage } from '../events/outbox';
import { invalidOutboxPayloads } from '../metrics';
import { reportFailure } from '../background';

export interface Invalidation {
  rooms: string[];
  message: { topic: 'ticket'; ids: string[]; cause: string; version: number | null };
}

/**
 * The invalidations a batch of relayed outbox rows causes: for each event the catalogue marks as
 * invalidating, everyone who may see that ticket (agents, dispatchers, supervisors, its viewers,
 * the units named). A row whose payload does not match the catalogue is logged with its id and
 * counted, never silently skipped.
 */
export function invalidationsFor(rows: OutboxRow[], log: Logger): Invalidation[] {
  const out: Invalidation[] = [];
  for (const row of rows) {
    const parsed = parseOutboxMessage(row.topic, { ...row.payload, outboxId: Number(row.id), topic: row.topic });
    if (!parsed.ok) {
      invalidOutboxPayloads.inc({ topic: row.topic });
      log.error({ outboxId: row.id, topic: row.topic, err: parsed.error }, 'outbox payload does not match the event catalogue; no invalidation sent');
      continue;
    }
    if (parsed.kind === 'admin') continue; // the set-up's screens reload on their own; no ticket room cares
    const m = parsed.message;
    if (!eventDefinition(m.topic).invalidates) continue;
    out.push({
      rooms: ['supervisors', 'role:agent', 'role:dispatcher', `ticket:${m.ticketId}`, ...m.unitIds.map((u) => `unit:${u}`)],
      message: { topic: 'ticket', ids: [m.ticketId], cause: m.topic, version: m.version ?? null },
    });
  }
  return out;
}

/**
 * The realtime sink of a node that serves no Socket.IO (a worker or cron node): its relay still
 * drains the outbox rows its own commits wrote, so it emits their invalidations through Redis into
 * the rooms the web nodes share (the same key as their Redis adapter). Without it a worker's
 * events reached BullMQ but no console refetched.
 */
export function redisEmitterSink(redisUrl: string, prefix: string, log: Logger) {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: (n) => Math.min(n * 200, 2000) });
  redis.on('error', (err) => log.warn({ err: err.message }, 'realtime emitter: Redis unavailable'));
  const emitter = new Emitter(redis, { key: `${prefix}:socket.io` });
  return {
    publish(rows: OutboxRow[]) {
      try {
        for (const inv of invalidationsFor(rows, log)) emitter.to(inv.rooms).emit('invalidate', inv.message);
      } catch (err) {
        // Best effort like every invalidation (the console also refetches on reconnect), but seen and counted.
        reportFailure(log, 'realtime-emitter', err, { rows: rows.length });
      }
    },
    close: async () => {
      redis.disconnect();
    },
  };
}
