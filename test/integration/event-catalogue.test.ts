/**
 * The event catalogue (server/platform/events/catalogue.ts) as the rest of the system sees it:
 * every event a ticket's life writes, and every outbox row, matches its definition; a payload that
 * does not is an error with its outbox id and a counted metric, never a silent skip; and a node
 * without Socket.IO (worker/cron) still gets its invalidations to the consoles.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { io as ioClient } from 'socket.io-client';
import { Queue, type Worker } from 'bullmq';
import { useTestEnv, makeUnit, makeUser, TEST_PII_KEY } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { closeOverHttp, makeTicket, type HandlingCrew } from '../helpers/factories';
import { EVENTS, isEventType } from '../../server/platform/events/catalogue';
import { parseOutboxMessage } from '../../server/platform/events/outbox';
import { recordEvent } from '../../server/tickets/events';
import { startEventsWorker } from '../../server/event-handlers';
import { counterValue, invalidOutboxPayloads } from '../../server/platform/metrics';
import { createRealtime } from '../../server/platform/realtime/socket';
import { redisEmitterSink } from '../../server/platform/realtime/invalidations';
import { createRuntime } from '../../server/platform/runtime';
import { EVENTS_QUEUE, producerConnection } from '../../server/platform/queue/queues';

const env = useTestEnv();
let crew: HandlingCrew;

beforeAll(async () => {
  const unit = await makeUnit(env);
  crew = {
    agent: await ApiClient.login(env.baseUrl, (await makeUser(env, 'agent')).user.username),
    dispatcher: await ApiClient.login(env.baseUrl, (await makeUser(env, 'dispatcher')).user.username),
    clerk: await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId: unit.id })).user.username),
    unitId: unit.id,
  };
});

describe('the catalogue against what is written', () => {
  it('every timeline event and outbox row of a ticket taken to closed matches its definition', async () => {
    const t = await makeTicket(env, { kind: 'system', name: 'test' });
    await closeOverHttp(env, t.ticketId, crew);
    const events = (
      await env.rt.db.execute<{ type: string; data: unknown }>(sql`select type, data from ticket_events where ticket_id = ${t.ticketId} order by seq`)
    ).rows;
    expect(events.map((e) => e.type)).toEqual([
      'ticket.registered',
      'ticket.submitted',
      'ticket.dispatched',
      'ticket.signed',
      'ticket.started',
      'ticket.replied',
      'ticket.closed',
    ]);
    for (const e of events) {
      expect(isEventType(e.type), e.type).toBe(true);
      const r = EVENTS[e.type as keyof typeof EVENTS].data.safeParse(e.data);
      expect(r.success, `${e.type}: ${JSON.stringify(e.data)}`).toBe(true);
    }
    const rows = (
      await env.rt.db.execute<{ id: number; topic: string; payload: Record<string, unknown> }>(sql`select id::int as id, topic, payload
      from outbox where payload->>'ticketId' = ${t.ticketId}`)
    ).rows;
    expect(rows.length).toBeGreaterThanOrEqual(events.length);
    for (const r of rows) expect(parseOutboxMessage(r.topic, { ...r.payload, outboxId: r.id, topic: r.topic })).toMatchObject({ ok: true });
  });

  it('recordEvent refuses data that does not match the catalogue, and the transaction writes nothing', async () => {
    const t = await makeTicket(env, { kind: 'system', name: 'test' });
    const ctx = env.ctx({ kind: 'system', name: 'test' });
    const before = (await env.rt.db.execute<{ n: number }>(sql`select count(*)::int as n from ticket_events where ticket_id = ${t.ticketId}`)).rows[0].n;
    await expect(
      env.rt.db.transaction((tx) =>
        // A spread payload the type checker cannot see through: `reasonCode` missing.
        recordEvent(tx, ctx, t.ticketId, { type: 'ticket.declined', data: { ...({} as { reasonCode: string }) } }),
      ),
    ).rejects.toThrow(/reasonCode/);
    const after = (await env.rt.db.execute<{ n: number }>(sql`select count(*)::int as n from ticket_events where ticket_id = ${t.ticketId}`)).rows[0].n;
    expect(after).toBe(before);
  });
});

describe('outbox consumers', () => {
  let worker: Worker;
  afterAll(async () => {
    await worker?.close();
  });

  it('a job whose payload does not parse fails for good with its outbox id, and is counted', async () => {
    worker = startEventsWorker(env.rt, 'redis://127.0.0.1:6379');
    const before = await counterValue(invalidOutboxPayloads, { topic: 'ticket.closed' });
    // A row as a buggy writer would leave it: no version, no units.
    const [{ id }] = (
      await env.rt.db.execute<{ id: number }>(sql`insert into outbox (topic, payload)
      values ('ticket.closed', '{"ticketId": "00000000-0000-0000-0000-000000000000", "cause": "ticket.closed"}'::jsonb) returning id::int as id`)
    ).rows;
    await env.rt.relay.drain();
    const q = new Queue(EVENTS_QUEUE, { connection: producerConnection('redis://127.0.0.1:6379'), prefix: env.prefix });
    try {
      let state = '';
      for (let i = 0; i < 100 && state !== 'failed'; i++) {
        state = (await (await q.getJob(`ob-${id}`))?.getState()) ?? '';
        if (state !== 'failed') await new Promise((r) => setTimeout(r, 100));
      }
      expect(state).toBe('failed');
      const job = await q.getJob(`ob-${id}`);
      expect(job?.failedReason).toContain(`outbox ${id}`);
      expect(job?.attemptsMade).toBe(1); // not retried: no retry can fix a payload
      expect(await counterValue(invalidOutboxPayloads, { topic: 'ticket.closed' })).toBe(before + 1);
      // …and an operator scraping the node sees it.
      const scraped = await (await fetch(`${env.baseUrl}/metrics`)).text();
      expect(scraped).toContain(`rexian_outbox_invalid_payloads_total{topic="ticket.closed"} ${before + 1}`);
    } finally {
      await q.close();
    }
  });
});

describe('a node without Socket.IO (worker / cron)', () => {
  it("sends its own commits' invalidations to the consoles through Redis", async () => {
    // The web node: Socket.IO with the Redis adapter, a unit clerk's console connected.
    const realtime = createRealtime(env.server, { db: env.rt.db, redisUrl: 'redis://127.0.0.1:6379', prefix: env.prefix, log: env.rt.log });
    // The worker node: its own runtime (pool, relay) on the same database and Redis, with the emitter sink only.
    const dbUrl = (env.rt.db.$client as unknown as { options: { connectionString: string } }).options.connectionString;
    const workerNode = createRuntime({ databaseUrl: dbUrl, redisUrl: 'redis://127.0.0.1:6379', queuePrefix: env.prefix, piiKey: TEST_PII_KEY, poolSize: 2 });
    const emitter = redisEmitterSink('redis://127.0.0.1:6379', env.prefix, env.rt.log);
    workerNode.realtimeSinks.push(emitter.publish);
    const sock = ioClient(env.baseUrl, { extraHeaders: { cookie: crew.clerk.cookie }, transports: ['websocket'] });
    try {
      await new Promise<void>((r) => sock.on('connect', () => r()));
      await new Promise((r) => setTimeout(r, 200)); // the adapter's subscription is in place
      const t = await makeTicket(env, { kind: 'system', name: 'test' });
      await env.rt.relay.drain(); // the registration's row is not what we wait for
      const got = new Promise<{ ids: string[]; cause: string }>((r) => sock.on('invalidate', (m) => m.cause === 'dispatch.return_rejected' && r(m)));
      // An event the worker node commits (as its jobs do): addressed to the clerk's unit.
      const ctx = { ...env.ctx({ kind: 'system', name: 'worker' }), db: workerNode.db };
      await workerNode.db.transaction((tx) =>
        recordEvent(tx, ctx, t.ticketId, { type: 'dispatch.return_rejected', unitId: crew.unitId, notifyUnitIds: [crew.unitId], data: { dispatchId: 'd-1' } }),
      );
      expect(await workerNode.relay.drain()).toBeGreaterThan(0);
      const msg = await Promise.race([got, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no invalidate')), 5000))]);
      expect(msg).toMatchObject({ ids: [t.ticketId], cause: 'dispatch.return_rejected' });
    } finally {
      sock.close();
      await emitter.close();
      await workerNode.close();
      await realtime.close();
    }
  });
});
