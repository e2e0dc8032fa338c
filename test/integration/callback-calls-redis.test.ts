/**
 * A callback call (回访外呼) decided while Redis is down is not lost: the attempt and its outbox row
 * commit in PostgreSQL, and once a private redis-server is back the relay makes the job and the
 * worker places the call, once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import type { Worker } from 'bullmq';
import { createTestDatabase, makeUser } from '../helpers/env';
import { startPrivateRedis } from '../helpers/redis-server';
import { createRuntime, type Runtime } from '../../server/platform/runtime';
import { makeCtx, SYSTEM, type Actor } from '../../server/platform/context';
import { registerTicket } from '../../server/tickets/use-cases/register-ticket';
import { startEventsWorker } from '../../server/event-handlers';
import { setPolicy } from '../../server/callbacks/policy';
import { createCallbackTask } from '../../server/callbacks/use-cases/schedule-callback';
import { dialDueCallbacks } from '../../server/callbacks/use-cases/outbound-calls';
import { nextDialSlot } from '../../server/callbacks/dial-window';
import { createCalendar } from '../../server/sla/calendar';
import { callbackAttempts } from '../../server/callbacks/tables';
import type { OutboundCallRequest } from '../../integrations/phone-cti/outbound-client';

let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let rt: Runtime;
let agent: Actor;
let worker: Worker | undefined;
const prefix = `rxc-${randomBytes(3).toString('hex')}`;
const placed: OutboundCallRequest[] = [];

beforeAll(async () => {
  redis = await startPrivateRedis();
  db = await createTestDatabase();
  rt = createRuntime({ databaseUrl: db.url, redisUrl: redis.url, queuePrefix: prefix, piiKey: Buffer.alloc(32, 1).toString('base64') });
  agent = (await makeUser({ rt } as never, 'agent')).actor;
  await setPolicy(rt.db, { callbackBy: 'cti' }, null);
});
afterAll(async () => {
  await worker?.close();
  await rt.close();
  await redis.stop();
  await db.drop();
});

const unsentDials = async () =>
  (await rt.db.execute<{ n: number }>(sql`select count(*)::int as n from outbox where sent_at is null and topic = 'callback.dial'`)).rows[0].n;

describe('callback calls and a Redis outage', () => {
  it('keeps the attempt while Redis is down and places the call once it is back', async () => {
    const ctx = makeCtx({ db: rt.db, actor: agent, log: rt.log, svc: rt.svc });
    const t = await registerTicket(ctx, {
      channel: 'phone',
      channelAccount: '',
      externalId: 'x-1',
      citizen: { phone: '13900139000' },
      content: { text: '回访测试' },
      attachments: [],
    });
    const taskId = (await rt.db.transaction((tx) =>
      createCallbackTask(tx, { ticketId: t.ticketId, round: 0, unitId: null, reason: 'sample', dueAt: new Date(Date.now() + 86400_000) }),
    ))!;
    await rt.relay.drain();

    await redis.stop();
    const hol = (await rt.db.execute<{ date: string; kind: 'holiday' | 'workday'; name: string }>(sql`select date, kind, name from holidays`)).rows;
    const at = nextDialSlot(new Date(Date.now() + 3600_000), createCalendar(hol), 10, 17);
    expect(await dialDueCallbacks(makeCtx({ db: rt.db, actor: SYSTEM, log: rt.log, svc: rt.svc, now: () => at }))).toBe(1);
    await rt.relay.drain(); // fails quietly: the row stays unsent
    expect(await unsentDials()).toBe(1);
    expect((await rt.db.select().from(callbackAttempts).where(eq(callbackAttempts.callbackId, taskId))).map((a) => a.status)).toEqual(['requested']);

    await redis.start();
    worker = startEventsWorker(rt, redis.url, undefined, {
      cti: {
        placeCall: async (req) => {
          placed.push(req);
          return { ok: true, status: 202 };
        },
      },
    });
    for (let i = 0; i < 100 && (placed.length === 0 || (await unsentDials()) > 0); i++) {
      await rt.relay.drain();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(placed).toEqual([{ taskId, to: '13900139000', survey: true }]);
    for (let i = 0; i < 50; i++) {
      const [a] = await rt.db.select().from(callbackAttempts).where(eq(callbackAttempts.callbackId, taskId));
      if (a.status === 'placed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await rt.db.select().from(callbackAttempts).where(eq(callbackAttempts.callbackId, taskId))).map((a) => a.status)).toEqual(['placed']);
    // A relay of the same row again makes no second call (job id = outbox id; the attempt is no longer `requested`).
    await rt.db.execute(sql`update outbox set sent_at = null where topic = 'callback.dial'`);
    await rt.relay.drain();
    await new Promise((r) => setTimeout(r, 1000));
    expect(placed).toHaveLength(1);
  });
});
