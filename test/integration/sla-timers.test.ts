import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { createTestDatabase, makeUnit, makeUser } from '../helpers/env';
import { startPrivateRedis } from '../helpers/redis-server';
import { createRuntime, type Runtime } from '../../server/platform/runtime';
import { makeCtx, SYSTEM, type Actor } from '../../server/platform/context';
import { registerTicket } from '../../server/tickets/use-cases/register-ticket';
import { submitTicket } from '../../server/tickets/use-cases/intake-dispositions';
import { dispatchTicket } from '../../server/dispatch/use-cases/dispatch-ticket';
import { fireDueTimers, sweepDueTimers } from '../../server/sla/use-cases/fire-due-timers';
import { recomputeProvisionalDeadlines } from '../../server/sla/use-cases/recompute-provisional-deadlines';
import { scheduleTicketWakes, startSla } from '../../server/sla/jobs/sla-wake.job';

let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let rt: Runtime;
let agent: Actor;
let unitId: string;

beforeAll(async () => {
  redis = await startPrivateRedis();
  db = await createTestDatabase();
  rt = createRuntime({
    databaseUrl: db.url,
    redisUrl: redis.url,
    queuePrefix: `rxs-${randomBytes(3).toString('hex')}`,
    piiKey: Buffer.alloc(32, 2).toString('base64'),
  });
  const env = { rt } as never;
  agent = (await makeUser(env, 'dispatcher')).actor;
  unitId = (await makeUnit(env)).id;
});
afterAll(async () => {
  await rt.close();
  await redis.stop();
  await db.drop();
});

const at = (iso: string) => () => new Date(iso);
async function dispatchedAt(iso: string, appealType: 'complaint' | 'consult' = 'complaint') {
  const ctx = makeCtx({ db: rt.db, actor: agent, log: rt.log, svc: rt.svc, now: at(iso) });
  const t = await registerTicket(
    ctx,
    {
      channel: 'phone',
      channelAccount: '',
      externalId: randomBytes(6).toString('hex'),
      citizen: { phone: '13900000001' },
      content: { text: '噪音扰民' },
      attachments: [],
    },
    { appealType },
  );
  await submitTicket(ctx, t.ticketId, {});
  await dispatchTicket(ctx, t.ticketId, { leadUnitId: unitId, assistingUnitIds: [] });
  const [d] = (
    await rt.db.execute<Record<string, string>>(sql`select id, reply_due_at as "replyDueAt", remind_at as "remindAt",
    supervision_due_at as "supervisionDueAt", next_wake_at as "nextWakeAt", policy from dispatches where ticket_id = ${t.ticketId}`)
  ).rows;
  return { ticketId: t.ticketId, d };
}
const sweepAt = (iso: string) => fireDueTimers(makeCtx({ db: rt.db, actor: SYSTEM, log: rt.log, svc: rt.svc, now: at(iso) }));

describe('deadlines stored on dispatch', () => {
  it('counts 15 working days for a Guangdong complaint across National Day and its make-up Saturday', async () => {
    const { d } = await dispatchedAt('2025-09-30T10:00:00+08:00');
    // 10/1–10/8 off, 10/11 (Saturday) worked: due at the end of 2025-10-28, China time.
    expect(new Date(d.replyDueAt).toISOString()).toBe('2025-10-28T16:00:00.000Z');
    expect(new Date(d.nextWakeAt).getTime()).toBe(new Date(d.remindAt).getTime());
    expect((d.policy as unknown as { source: string }).source).toMatch(/Guangdong|广东/i);
  });

  it('dispatches into a year without its notice provisionally, and recomputes when the notice is loaded', async () => {
    const { ticketId, d } = await dispatchedAt('2026-12-20T10:00:00+08:00');
    // Monday–Friday for 2027 until the notice is in: 9 working days left in December, then 1/1, 1/4–1/8.
    expect(new Date(d.replyDueAt).toISOString()).toBe('2027-01-08T16:00:00.000Z');
    const flag = async () =>
      (
        await rt.db.execute<{ p: boolean; reply: Date; wake: Date }>(sql`select deadlines_provisional as p,
      reply_due_at as reply, next_wake_at as wake from dispatches where ticket_id = ${ticketId}`)
      ).rows[0];
    expect((await flag()).p).toBe(true);

    // A test-only notice with New Year's Day (the real 2027 notice is loaded by the administrator).
    const admin = makeCtx({ db: rt.db, actor: agent, log: rt.log, svc: rt.svc, now: at('2026-12-22T09:00:00+08:00') });
    const r = await rt.db.transaction(async (tx) => {
      await tx.execute(sql`insert into holidays (date, kind, name) values ('2027-01-01', 'holiday', '元旦')`);
      return recomputeProvisionalDeadlines(tx, admin);
    });
    expect(r.dispatches).toBeGreaterThanOrEqual(1);
    const after = await flag();
    expect(after.p).toBe(false);
    expect(new Date(after.reply).toISOString()).toBe('2027-01-11T16:00:00.000Z'); // 1/1 off moves it one working day
    expect(new Date(after.wake).getTime()).toBeLessThan(new Date(after.reply).getTime()); // the reminder comes first
    const ev = (
      await rt.db.execute<{ type: string; data: { dispatches: { replyDueAt: { from: string; to: string } }[] } }>(sql`select type, data
      from ticket_events where ticket_id = ${ticketId} order by seq desc limit 1`)
    ).rows[0];
    expect(ev.type).toBe('dispatch.deadlines_recomputed');
    expect(ev.data.dispatches[0].replyDueAt).toEqual({ from: '2027-01-08T16:00:00.000Z', to: '2027-01-11T16:00:00.000Z' });
    // Nothing is left provisional, so loading the notice again changes nothing.
    expect(await rt.db.transaction((tx) => recomputeProvisionalDeadlines(tx, admin))).toEqual({ tickets: 0, dispatches: 0 });
    await rt.db.execute(sql`delete from holidays where date = '2027-01-01'`);
  });
});

describe('timers that cannot be lost', () => {
  it('fires reminder, overdue and supervision exactly once each from the sweeper after Redis lost every timer', async () => {
    const a = await dispatchedAt('2026-03-02T10:00:00+08:00');
    const b = await dispatchedAt('2026-03-03T09:00:00+08:00', 'consult');
    const sla = startSla(rt, redis.url, { worker: false, sweepMs: 2 ** 31 - 1 });
    await scheduleTicketWakes(rt, sla.queue, a.ticketId);
    await scheduleTicketWakes(rt, sla.queue, b.ticketId);
    const pending = async () => {
      const c = await sla.queue.getJobCounts('waiting', 'delayed');
      return c.waiting + c.delayed;
    };
    expect(await pending()).toBe(2);
    const r = new Redis(redis.url);
    await r.flushall(); // every pending wake-up is gone
    r.disconnect();
    expect(await pending()).toBe(0);
    await sla.close();

    const fired = [...(await sweepAt('2026-06-30T12:00:00+08:00')), ...(await sweepAt('2026-06-30T12:00:00+08:00'))];
    const byTicket = async (id: string) =>
      (
        await rt.db.execute<{ type: string }>(sql`select type from ticket_events
      where ticket_id = ${id} and type in ('ticket.reminded','ticket.overdue','ticket.supervised') order by seq`)
      ).rows.map((e) => e.type);
    expect(await byTicket(a.ticketId)).toEqual(['ticket.reminded', 'ticket.overdue', 'ticket.supervised']);
    expect(await byTicket(b.ticketId)).toEqual(['ticket.reminded', 'ticket.overdue', 'ticket.supervised']);
    expect(fired.filter((f) => f.dispatchId === a.d.id || f.dispatchId === b.d.id)).toHaveLength(6);
    const [t] = (
      await rt.db.execute<{ overdue: boolean; supervised: boolean; escalated: boolean }>(sql`select overdue, supervised, escalated
      from tickets where id = ${a.ticketId}`)
    ).rows;
    expect(t).toEqual({ overdue: true, supervised: true, escalated: true });
    const [d] = (await rt.db.execute<{ n: string | null }>(sql`select next_wake_at as n from dispatches where ticket_id = ${a.ticketId}`)).rows;
    expect(d.n).toBeNull();
    // The overdue stages of this unit (a, b and the first test's dispatch) fired in one batch and each
    // counts for the unit on the sweep's day (the batch sums its report deltas per dimension value).
    const [counted] = (
      await rt.db.execute<{ n: number; events: number }>(sql`select (select coalesce(sum(overdue), 0)::int from (
        select overdue from report_rollup_deltas where dim = 'unit' and key = ${unitId} and day = '2026-06-30'
        union all select overdue from report_rollups where dim = 'unit' and key = ${unitId} and day = '2026-06-30') x) as n,
        (select count(*)::int from ticket_events where type = 'ticket.overdue' and unit_id = ${unitId}) as events`)
    ).rows;
    expect(counted.events).toBeGreaterThanOrEqual(2);
    expect(counted.n).toBe(counted.events);
  });

  it('fires only what is due: at the reminder instant, the reminder alone', async () => {
    const { ticketId, d } = await dispatchedAt('2026-04-07T10:00:00+08:00');
    const justAfter = new Date(new Date(d.remindAt).getTime() + 1000).toISOString();
    expect((await sweepAt(justAfter)).filter((f) => f.dispatchId === d.id).map((f) => f.stage)).toEqual(['reminder']);
    const [t] = (await rt.db.execute<{ reminded: boolean; overdue: boolean }>(sql`select reminded, overdue from tickets where id = ${ticketId}`)).rows;
    expect(t).toEqual({ reminded: true, overdue: false });
  });
});

/** n dispatched tickets numbered `<letter><tag>-i`, written directly (their dispatches are each test's own). */
async function insertDispatchedTickets(tag: string, letter: string, n: number) {
  const lower = letter.toLowerCase();
  await rt.db.execute(sql`insert into tickets (id, number, status, channel, external_id, title, content, region_code, appeal_type, current_round)
    select md5(${tag} || i)::uuid, ${`${letter}${tag}-`} || i, 'dispatched', 'phone', ${`${lower}-${tag}-`} || i, ${lower}, ${lower}, '440106', 'complaint', 1
    from generate_series(1, ${n}::int) i`);
}

describe('a sweep in slices side by side (SLA_SWEEP_CONCURRENCY)', () => {
  it('fires every stage exactly once, with one event, audit and outbox row each, when two sweeps of three slices run at once', async () => {
    // 90 tickets with a lead and two assisting dispatches each, every stage long due (2020, before
    // anything the other tests dispatched), written directly so that a few hundred are due at once.
    const tag = randomBytes(3).toString('hex');
    const tickets = 90;
    await insertDispatchedTickets(tag, 'C', tickets);
    await rt.db.execute(sql`insert into dispatches (ticket_id, unit_id, role, status, dispatched_at, sign_due_at, reply_due_at, remind_at,
        return_window_ends_at, supervision_due_at, next_wake_at)
      select md5(${tag} || i)::uuid, ${unitId}, case when r = 0 then 'lead' else 'assisting' end, 'in_progress', '2020-01-02T02:00:00Z',
        '2020-01-03T16:00:00Z', '2020-01-20T16:00:00Z', '2020-01-15T00:00:00Z', '2020-01-27T16:00:00Z', '2020-02-10T16:00:00Z', '2020-01-15T00:00:00Z'
      from generate_series(1, ${tickets}) i cross join generate_series(0, 2) r`);
    const ours = sql`(select id from tickets where number like ${`C${tag}-%`})`;
    const before = new Map(
      (await rt.db.execute<{ id: string; version: number }>(sql`select id, version from tickets where id in ${ours}`)).rows.map((t) => [t.id, t.version]),
    );

    // Batches of 7 over 270 dispatches in 3 slices: dozens of transactions from the two sweeps interleave.
    const ctx = () => makeCtx({ db: rt.db, actor: SYSTEM, log: rt.log, svc: rt.svc, now: at('2020-06-01T00:00:00Z') });
    const [a, b] = await Promise.all([sweepDueTimers(ctx, { concurrency: 3, batch: 7 }), sweepDueTimers(ctx, { concurrency: 3, batch: 7 })]);
    expect(a.failed + b.failed).toBe(0);
    expect(a.fired + b.fired).toBe(tickets * 3 * 3);
    expect(a.batches + b.batches).toBeGreaterThan(6);

    const [counts] = (
      await rt.db.execute<Record<string, number>>(sql`select
        (select count(*)::int from ticket_events where ticket_id in ${ours} and type in ('ticket.reminded', 'ticket.overdue', 'ticket.supervised')) as events,
        (select count(distinct (data->>'dispatchId', type))::int from ticket_events where ticket_id in ${ours}
          and type in ('ticket.reminded', 'ticket.overdue', 'ticket.supervised')) as "distinctStages",
        (select count(*)::int from audit_log where entity_type = 'ticket' and entity_id in (select id::text from tickets where id in ${ours})
          and action in ('ticket.reminded', 'ticket.overdue', 'ticket.supervised')) as audits,
        (select count(*)::int from outbox where payload->>'ticketId' in (select id::text from tickets where id in ${ours})
          and topic in ('ticket.reminded', 'ticket.overdue', 'ticket.supervised')) as outbox,
        (select count(*)::int from supervision_cases where ticket_id in ${ours}) as cases,
        (select count(*)::int from dispatches where ticket_id in ${ours} and next_wake_at is not null) as "stillWaking"`)
    ).rows;
    expect(counts).toEqual({ events: 810, distinctStages: 810, audits: 810, outbox: 810, cases: 270, stillWaking: 0 });

    // Each ticket's timeline: nine new events numbered on from its version, no gap, no repeat.
    const timelines = (
      await rt.db.execute<{ id: string; version: number; seqs: number[] }>(sql`select t.id, t.version, array_agg(e.seq order by e.seq) as seqs
        from tickets t join ticket_events e on e.ticket_id = t.id and e.type in ('ticket.reminded', 'ticket.overdue', 'ticket.supervised')
        where t.id in ${ours} group by t.id, t.version`)
    ).rows;
    expect(timelines).toHaveLength(tickets);
    for (const t of timelines) {
      const v0 = before.get(t.id)!;
      expect(t.version).toBe(v0 + 9);
      expect(t.seqs).toEqual(Array.from({ length: 9 }, (_, i) => v0 + 1 + i));
    }
  });
  it('reports a slice that fails, with its slice, and the other slices still fire theirs', async () => {
    const tag = randomBytes(3).toString('hex');
    await insertDispatchedTickets(tag, 'F', 40);
    await rt.db.execute(sql`insert into dispatches (ticket_id, unit_id, role, status, dispatched_at, sign_due_at, reply_due_at, remind_at,
        return_window_ends_at, supervision_due_at, next_wake_at)
      select md5(${tag} || i)::uuid, ${unitId}, 'lead', 'in_progress', '2018-01-02T02:00:00Z', '2018-01-03T16:00:00Z', '2018-12-20T16:00:00Z',
        '2018-01-15T00:00:00Z', '2018-12-27T16:00:00Z', '2018-12-30T16:00:00Z', '2018-01-15T00:00:00Z'
      from generate_series(1, 40) i`);
    const ours = sql`(select id from tickets where number like ${`F${tag}-%`})`;
    // Slice 1's first batch meets a broken connection (the second context handed out: slice 0 asks first).
    let calls = 0;
    const broken = { execute: async () => Promise.reject(new Error('connection lost')) };
    const ctx = () => makeCtx({ db: ++calls === 2 ? (broken as never) : rt.db, actor: SYSTEM, log: rt.log, svc: rt.svc, now: at('2018-02-01T00:00:00Z') });
    const failures: { message: string; slice: string }[] = [];
    const r = await sweepDueTimers(ctx, {
      concurrency: 2,
      batch: 1000,
      onFailure: (err, slice) => failures.push({ message: (err as Error).message, slice: `${slice.index}/${slice.of}` }),
    });
    expect(failures).toEqual([{ message: 'connection lost', slice: '1/2' }]);
    expect(r.failed).toBe(1);
    const [counts] = (
      await rt.db.execute<{ fired: number; waiting: number }>(sql`select
        (select count(*)::int from dispatches where ticket_id in ${ours} and reminded_at is not null) as fired,
        (select count(*)::int from dispatches where ticket_id in ${ours} and reminded_at is null) as waiting`)
    ).rows;
    // Slice 0's share fired; slice 1's waits for the next sweep, which fires it.
    expect(counts.fired).toBe(r.fired);
    expect(counts.fired).toBeGreaterThan(0);
    expect(counts.waiting).toBeGreaterThan(0);
    await sweepDueTimers(() => makeCtx({ db: rt.db, actor: SYSTEM, log: rt.log, svc: rt.svc, now: at('2018-02-01T00:00:00Z') }), { concurrency: 2 });
    const [after] = (
      await rt.db.execute<{ waiting: number }>(sql`select count(*)::int as waiting from dispatches where ticket_id in ${ours} and reminded_at is null`)
    ).rows;
    expect(after.waiting).toBe(0);
  });
});

describe('a ticket an agent holds', () => {
  it('is skipped without waiting, the other due dispatches fire, and it fires at the next sweep after the agent commits', async () => {
    const tag = randomBytes(3).toString('hex');
    await insertDispatchedTickets(tag, 'L', 3);
    // Reminders only (reply and supervision far ahead); ticket 1's is the earliest, so every batch meets it first.
    await rt.db.execute(sql`insert into dispatches (ticket_id, unit_id, role, status, dispatched_at, sign_due_at, reply_due_at, remind_at,
        return_window_ends_at, supervision_due_at, next_wake_at)
      select md5(${tag} || i)::uuid, ${unitId}, 'lead', 'in_progress', '2019-01-02T02:00:00Z', '2019-01-03T16:00:00Z', '2019-12-20T16:00:00Z',
        '2019-01-15T00:00:00Z'::timestamptz + i * interval '1 minute', '2019-12-27T16:00:00Z', '2019-12-30T16:00:00Z',
        '2019-01-15T00:00:00Z'::timestamptz + i * interval '1 minute'
      from generate_series(1, 3) i`);
    const ids = (await rt.db.execute<{ id: string }>(sql`select id from tickets where number like ${`L${tag}-%`} order by number`)).rows.map((t) => t.id);
    const reminded = async () =>
      (
        await rt.db.execute<{ ticketId: string }>(sql`select ticket_id as "ticketId" from ticket_events
          where type = 'ticket.reminded' and ticket_id in (select id from tickets where number like ${`L${tag}-%`}) order by ticket_id`)
      ).rows.map((e) => e.ticketId);
    const ctx = () => makeCtx({ db: rt.db, actor: SYSTEM, log: rt.log, svc: rt.svc, now: at('2019-02-01T00:00:00Z') });

    // An agent's transaction holds ticket 1 while the sweep runs (batches of 2, so each batch meets it).
    let release!: () => void;
    let locked!: () => void;
    const held = new Promise<void>((r) => (locked = r));
    const agent = rt.db.transaction(async (tx) => {
      await tx.execute(sql`select id from tickets where id = ${ids[0]} for update`);
      locked();
      await new Promise<void>((r) => (release = r));
    });
    await held;
    const during = await sweepDueTimers(ctx, { concurrency: 1, batch: 2 });
    expect(during.failed).toBe(0);
    expect(await reminded()).toEqual([ids[1], ids[2]].sort());
    release();
    await agent;

    await sweepDueTimers(ctx, { concurrency: 1, batch: 2 });
    expect(await reminded()).toEqual([...ids].sort());
  });
});
