import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, makeUser } from '../helpers/env';
import { startPrivateRedis } from '../helpers/redis-server';
import { createRuntime, type Runtime } from '../../server/platform/runtime';
import { makeCtx, type Actor } from '../../server/platform/context';
import { registerTicket } from '../../server/tickets/use-cases/register-ticket';
import { submitTicket } from '../../server/tickets/use-cases/intake-dispositions';
import { EVENTS_QUEUE } from '../../server/platform/queue/queues';

let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let rt: Runtime;
let agent: Actor;
const prefix = `rxo-${randomBytes(3).toString('hex')}`;

beforeAll(async () => {
  redis = await startPrivateRedis();
  db = await createTestDatabase();
  rt = createRuntime({ databaseUrl: db.url, redisUrl: redis.url, queuePrefix: prefix, piiKey: Buffer.alloc(32, 1).toString('base64') });
  agent = (await makeUser({ rt } as never, 'agent')).actor;
});
afterAll(async () => {
  await rt.close();
  await redis.stop();
  await db.drop();
});

const ctx = () => makeCtx({ db: rt.db, actor: agent, log: rt.log, svc: rt.svc });
const register = (text = '路灯不亮') =>
  registerTicket(ctx(), {
    channel: 'phone',
    channelAccount: '',
    externalId: randomBytes(8).toString('hex'),
    citizen: { phone: '13900139000' },
    content: { text },
    attachments: [],
  });
const unsent = async () => (await rt.db.execute<{ n: number }>(sql`select count(*)::int as n from outbox where sent_at is null`)).rows[0].n;

describe('outbox', () => {
  it('keeps accepting transitions while Redis is down and delivers every row once it is back', async () => {
    await rt.relay.drain();
    expect(await unsent()).toBe(0);
    await redis.stop();
    const t = await register('Redis 停机期间登记的工单');
    await submitTicket(ctx(), t.ticketId, {});
    await rt.relay.drain(); // fails quietly: nothing is lost, rows stay unsent
    expect(await unsent()).toBe(2);
    const [{ status }] = (await rt.db.execute<{ status: string }>(sql`select status from tickets where id = ${t.ticketId}`)).rows;
    expect(status).toBe('pending_dispatch');

    await redis.start();
    for (let i = 0; i < 100 && (await unsent()) > 0; i++) {
      await rt.relay.drain();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await unsent()).toBe(0);
    const ids = (await rt.db.execute<{ id: number }>(sql`select id::int from outbox where payload->>'ticketId' = ${t.ticketId} order by id`)).rows;
    const q = new Queue(EVENTS_QUEUE, { connection: { port: redis.port }, prefix });
    const jobs = await Promise.all(ids.map((r) => q.getJob(`ob-${r.id}`)));
    expect(jobs.map((j) => j?.name)).toEqual(['ticket.registered', 'ticket.submitted']);
    await q.close();
  });

  it('makes no second job when a row is relayed twice (jobId = outbox id)', async () => {
    const t = await register();
    await rt.relay.drain();
    await rt.db.execute(sql`update outbox set sent_at = null where payload->>'ticketId' = ${t.ticketId}`);
    await rt.relay.drain();
    const q = new Queue(EVENTS_QUEUE, { connection: { port: redis.port }, prefix });
    const all = await q.getJobs(['waiting', 'delayed', 'completed', 'active', 'failed']);
    expect(all.filter((j) => j.data.ticketId === t.ticketId)).toHaveLength(1);
    await q.close();
  });
});

describe('atomicity', () => {
  it('leaves nothing behind when a transition fails half-way (status, event, audit, outbox all or none)', async () => {
    const t = await register();
    const before = await snapshot(t.ticketId);
    // Make the last write of the transaction (the outbox row) fail, after status, event and audit were written.
    await rt.db.execute(
      sql.raw(`create or replace function fail_outbox() returns trigger as $$ begin
      if new.topic = 'ticket.submitted' then raise exception 'injected failure'; end if; return new; end $$ language plpgsql;
      create trigger fail_outbox before insert on outbox for each row execute function fail_outbox();`),
    );
    await expect(submitTicket(ctx(), t.ticketId, {})).rejects.toThrow();
    await rt.db.execute(sql.raw('drop trigger fail_outbox on outbox'));
    expect(await snapshot(t.ticketId)).toEqual(before);
  });

  it('registers one ticket for a retried push with the same external id, even concurrently', async () => {
    const appeal = {
      channel: 'wechat' as const,
      channelAccount: 'wx1',
      externalId: 'msg-42',
      citizen: { openId: 'o-abc' },
      content: { text: '重复推送' },
      attachments: [],
    };
    const results = await Promise.all([1, 2, 3, 4].map(() => registerTicket(ctx(), appeal)));
    expect(new Set(results.map((r) => r.ticketId)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate).length).toBeLessThanOrEqual(1);
    const n = (await rt.db.execute<{ n: number }>(sql`select count(*)::int as n from tickets where external_id = 'msg-42'`)).rows[0].n;
    expect(n).toBe(1);
  });
});

async function snapshot(id: string) {
  return (
    await rt.db.execute(sql`select t.status, t.version,
    (select count(*)::int from ticket_events where ticket_id = t.id) as events,
    (select count(*)::int from audit_log where entity_id = t.id::text) as audits,
    (select count(*)::int from outbox where payload->>'ticketId' = t.id::text) as outbox from tickets t where t.id = ${id}`)
  ).rows[0];
}
