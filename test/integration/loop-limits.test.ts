/**
 * Time limits a centre runs on (issue 15, items 5–8): extensions (延期) within the policy's
 * maximum, on working days, with reminder and supervision re-armed and the extension SMS; the
 * critical tickets' first-response stage and hour-based supervision; supervision (督办) and
 * urging (催办) as cases; reopen (重办) and callback (回访) limits from the policy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Worker } from 'bullmq';
import { useTestEnv, makeUnit, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { makeTicket } from '../helpers/factories';
import { makeCtx, SYSTEM, type Actor } from '../../server/platform/context';
import { fireDueTimers } from '../../server/sla/use-cases/fire-due-timers';
import { centreCalendar } from '../../server/sla/centre-calendar';
import type { WorkCalendar } from '../../server/sla/calendar';
import { startEventsWorker } from '../../server/event-handlers';
import { registerTicket } from '../../server/tickets/use-cases/register-ticket';
import { submitTicket } from '../../server/tickets/use-cases/intake-dispositions';
import { dispatchTicket } from '../../server/dispatch/use-cases/dispatch-ticket';

const env = useTestEnv();
let agent: ApiClient, dispatcher: ApiClient, supervisor: ApiClient, clerk: ApiClient, otherClerk: ApiClient;
let agentActor: Actor, dispatcherActor: Actor;
let unitId: string;
let cal: WorkCalendar;
let worker: Worker | undefined;

beforeAll(async () => {
  const unit = await makeUnit(env, { name: '市城管局' });
  const other = await makeUnit(env, { name: '市水务局' });
  unitId = unit.id;
  const a = await makeUser(env, 'agent');
  const d = await makeUser(env, 'dispatcher');
  agentActor = a.actor;
  dispatcherActor = d.actor;
  const s = await makeUser(env, 'supervisor');
  const c = await makeUser(env, 'unit_clerk', { unitId });
  const o = await makeUser(env, 'unit_clerk', { unitId: other.id });
  agent = await ApiClient.login(env.baseUrl, a.user.username);
  dispatcher = await ApiClient.login(env.baseUrl, d.user.username);
  supervisor = await ApiClient.login(env.baseUrl, s.user.username);
  clerk = await ApiClient.login(env.baseUrl, c.user.username);
  otherClerk = await ApiClient.login(env.baseUrl, o.user.username);
  const rows = (await env.rt.db.execute<{ date: string; kind: 'holiday' | 'workday'; name: string }>(sql`select date::text as date, kind, name from holidays`))
    .rows;
  cal = centreCalendar(rows);
});
afterAll(async () => {
  await worker?.close();
});

async function ok(p: Promise<{ status: number; body: any }>, status = 200) {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
}

/** A complaint taken over HTTP to in_progress at the unit. */
async function inProgress(over: { urgency?: 'normal' | 'urgent' | 'critical'; appealType?: string } = {}) {
  const id = (await makeTicket(env, agentActor)).ticketId;
  await ok(agent.action(id, 'submit', { appealType: over.appealType ?? 'complaint', urgency: over.urgency ?? 'normal' }));
  await ok(dispatcher.action(id, 'dispatch', { leadUnitId: unitId }));
  await ok(clerk.action(id, 'sign'));
  await ok(clerk.action(id, 'start'));
  return id;
}

type DispatchRow = {
  id: string;
  dispatchedAt: Date;
  replyDueAt: Date;
  remindAt: Date | null;
  remindedAt: Date | null;
  supervisionDueAt: Date | null;
  nextWakeAt: Date | null;
  firstResponseDueAt: Date | null;
  round: number;
  policy: Record<string, unknown>;
};
async function lead(ticketId: string): Promise<DispatchRow> {
  const r = await env.rt.db.execute<DispatchRow>(sql`select id, dispatched_at as "dispatchedAt", reply_due_at as "replyDueAt",
    remind_at as "remindAt", reminded_at as "remindedAt", supervision_due_at as "supervisionDueAt", next_wake_at as "nextWakeAt",
    first_response_due_at as "firstResponseDueAt", round, policy
    from dispatches where ticket_id = ${ticketId} and role = 'lead' order by round desc, dispatched_at desc limit 1`);
  return r.rows[0];
}
const sweepAt = (at: Date) => fireDueTimers(makeCtx({ db: env.rt.db, actor: SYSTEM, log: env.rt.log, svc: env.rt.svc, now: () => at }));
const eventTypes = async (ticketId: string) =>
  (
    await env.rt.db.execute<{ type: string }>(sql`select type from ticket_events
  where ticket_id = ${ticketId} order by seq`)
  ).rows.map((e) => e.type);
/** `YYYY-MM-DD` in China of the day an instant belongs to (24:00 belongs to the day before). */
const chinaDay = (d: Date) => new Date(d.getTime() - 1 + 8 * 3600_000).toISOString().slice(0, 10);
const endOfDay = (day: string) => new Date(Date.parse(`${day}T00:00:00+08:00`) + 24 * 3600_000);
function nextDay(day: string, pred: (d: string) => boolean) {
  let t = Date.parse(`${day}T12:00:00Z`);
  for (;;) {
    t += 24 * 3600_000;
    const d = new Date(t).toISOString().slice(0, 10);
    if (pred(d)) return d;
  }
}

describe('extensions (延期)', () => {
  it('refuses a day off with a clear 422 naming the next working day, and a date beyond the policy maximum', async () => {
    const id = await inProgress();
    const d = await lead(id);
    const due = chinaDay(new Date(d.replyDueAt));
    const saturday = nextDay(due, (x) => new Date(`${x}T12:00:00Z`).getUTCDay() === 6 && !cal.isWorkingDay(x));
    const r = await clerk.action(id, 'request-extension', { newDueDate: saturday, reason: '需协调多部门' });
    expect(r.status, JSON.stringify(r.body)).toBe(422);
    expect(r.body.code).toBe('EXTENSION_DATE_NOT_WORKING_DAY');
    expect(r.body.nextWorkingDay).toBe(cal.rollForward(saturday));

    // Guangdong preset: no extendedReplyLimit, so an extension may at most double the reply time from dispatch.
    const max = chinaDay(cal.computeDeadline(new Date(d.dispatchedAt), { unit: 'working_days', value: 30 }));
    const beyond = nextDay(max, (x) => cal.isWorkingDay(x));
    const far = await clerk.action(id, 'request-extension', { newDueDate: beyond, reason: '需协调多部门' });
    expect(far.status, JSON.stringify(far.body)).toBe(422);
    expect(far.body.code).toBe('EXTENSION_BEYOND_MAXIMUM');
    expect(far.body.maxDueDate).toBe(max);
    expect((await env.rt.db.execute<{ status: string }>(sql`select status from tickets where id = ${id}`)).rows[0].status).toBe('in_progress');
    await ok(clerk.action(id, 'reply', { text: '已处理' })); // its clock stops: the later sweeps here concern other tickets
  });

  it('approval sets the new deadline, keeps reminder and supervision for it, and sends the extension SMS', async () => {
    worker = startEventsWorker(env.rt, 'redis://127.0.0.1:6379');
    const id = await inProgress();
    const before = await lead(id);
    const newDay = cal.addWorkingDays(chinaDay(new Date(before.replyDueAt)), 5);
    await ok(clerk.action(id, 'request-extension', { newDueDate: newDay, reason: '需协调多部门现场核查' }));
    await ok(dispatcher.action(id, 'approve-extension', { note: '同意' }));
    const d = await lead(id);
    expect(new Date(d.replyDueAt).toISOString()).toBe(endOfDay(newDay).toISOString());
    // Supervision is re-armed: 3 working days after the new due day (the Guangdong preset).
    expect(d.supervisionDueAt).not.toBeNull();
    expect(new Date(d.supervisionDueAt!).toISOString()).toBe(endOfDay(cal.addWorkingDays(newDay, 3)).toISOString());
    // The reminder is armed for the new deadline and is the next wake-up.
    expect(d.remindedAt).toBeNull();
    expect(new Date(d.remindAt!).getTime()).toBeGreaterThan(Date.now());
    expect(new Date(d.remindAt!).getTime()).toBeLessThan(new Date(d.replyDueAt).getTime());
    expect(new Date(d.nextWakeAt!).getTime()).toBe(new Date(d.remindAt!).getTime());

    // The citizen gets the extension template with its variables, not the "closed" one.
    const number = (await env.rt.db.execute<{ number: string }>(sql`select number from tickets where id = ${id}`)).rows[0].number;
    const sent = env.rt.sms.sent!;
    // Wait for the extension notice itself: the receipt (受理) for this ticket can arrive first, and stopping at it
    // read the list before the extension SMS was sent (one fresh-clone run failed so).
    for (let i = 0; i < 100 && !sent.some((m) => m.params.ticketNo === number && m.template === 'ticket_extended'); i++) {
      await env.rt.relay.drain();
      await new Promise((r) => setTimeout(r, 100));
    }
    const mine = sent.filter((m) => m.params.ticketNo === number || m.params.number === number);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.map((m) => m.template).filter((t) => t !== 'ticket_received')).toEqual(['ticket_extended']);
    const [y, m, day] = newDay.split('-').map(Number);
    expect(mine.find((x) => x.template === 'ticket_extended')!.params).toEqual({ ticketNo: number, dueDate: `${y}年${m}月${day}日` });

    // Missing the new date: overdue at it, then a supervision case raised by the sweep.
    const fired = await sweepAt(new Date(new Date(d.supervisionDueAt!).getTime() + 1000));
    expect(fired.filter((f) => f.dispatchId === d.id).map((f) => f.stage)).toEqual(['reminder', 'overdue', 'supervision']);
    const cases = await ok(supervisor.get(`/api/tickets/${id}/supervision-cases`));
    expect(cases.data).toHaveLength(1);
    expect(cases.data[0]).toMatchObject({ kind: 'supervision', source: 'system', status: 'open', unitId });
    expect(cases.data[0].responseDueAt).toBeTruthy();
  });
});

describe('hour limits and the first-response stage', () => {
  it('gives a critical ticket a first response due 2 hours after dispatch: overdue recorded and counted, feedback stops it', async () => {
    const late = await inProgress({ urgency: 'critical' });
    const d = await lead(late);
    expect(new Date(d.firstResponseDueAt!).getTime() - new Date(d.dispatchedAt).getTime()).toBe(2 * 3600_000);
    expect(new Date(d.nextWakeAt!).getTime()).toBe(new Date(d.firstResponseDueAt!).getTime());

    const answered = await inProgress({ urgency: 'critical' });
    const fb = await clerk.post(`/api/tickets/${answered}/feedback`, { text: '已到现场，正在抢修' });
    expect(fb.status, JSON.stringify(fb.body)).toBe(201);
    expect((await otherClerk.post(`/api/tickets/${answered}/feedback`, { text: '不是我们的' })).status).toBe(404);

    const at = new Date(new Date(d.dispatchedAt).getTime() + 2 * 3600_000 + 60_000);
    await sweepAt(at);
    expect(await eventTypes(late)).toContain('ticket.first_response_overdue');
    const ev = await eventTypes(answered);
    expect(ev).toContain('dispatch.feedback_given');
    expect(ev).not.toContain('ticket.first_response_overdue');

    const rep = await ok(supervisor.get('/api/reports/supervision'));
    const row = rep.data.find((x: { unitId: string }) => x.unitId === unitId);
    expect(row.firstResponseDue).toBeGreaterThanOrEqual(2);
    expect(row.firstResponseOverdue).toBe(1);
  });

  it('supervises an hour-limit ticket hours after its deadline, not working days (due 22:30 on a holiday)', async () => {
    // Dispatched 2026-02-14 22:30 (a make-up Saturday) critical: due 2026-02-15 22:30, inside the Spring Festival.
    const now = new Date('2026-02-14T22:30:00+08:00');
    const ctx = makeCtx({ db: env.rt.db, actor: dispatcherActor, log: env.rt.log, svc: env.rt.svc, now: () => now });
    const t = await registerTicket(
      ctx,
      { channel: 'phone', channelAccount: '', externalId: 'hours-1', citizen: { phone: '13900000002' }, content: { text: '停水' }, attachments: [] },
      { appealType: 'help' },
    );
    await submitTicket(ctx, t.ticketId, { urgency: 'critical' });
    await dispatchTicket(ctx, t.ticketId, { leadUnitId: unitId, assistingUnitIds: [] });
    const d = await lead(t.ticketId);
    expect(new Date(d.replyDueAt).toISOString()).toBe('2026-02-15T14:30:00.000Z');
    const hours = (new Date(d.supervisionDueAt!).getTime() - new Date(d.replyDueAt).getTime()) / 3600_000;
    expect(hours).toBe(Number((d.policy as { supervisionAfterHours?: number }).supervisionAfterHours));
    expect(hours).toBeLessThanOrEqual(24);
  });
});

describe('supervision (督办) and urging (催办) as cases', () => {
  it('a supervisor urges and supervises from the console; the unit responds; the centre closes; reports count each', async () => {
    const id = await inProgress();
    expect((await agent.post(`/api/tickets/${id}/supervise`, { note: '请加快' })).status).toBe(403);
    const urge = await ok(dispatcher.post(`/api/tickets/${id}/urge`, { note: '请尽快联系诉求人' }), 201);
    expect(urge.data).toMatchObject({ kind: 'urge', source: 'supervisor', status: 'open', unitId });
    const sup = await ok(supervisor.post(`/api/tickets/${id}/supervise`, { note: '群众反映强烈，请限期办结' }), 201);
    expect(sup.data).toMatchObject({ kind: 'supervision', source: 'supervisor', status: 'open', unitId });
    expect(sup.data.raisedBy).toBeTruthy();
    const d = await lead(id);
    expect(new Date(sup.data.responseDueAt).toISOString()).toBe(endOfDay(cal.addWorkingDays(chinaDay(new Date()), 3)).toISOString());
    const t = await ok(supervisor.get(`/api/tickets/${id}`));
    expect(t.data.flags.supervised).toBe(true);
    expect(d).toBeTruthy();

    // The unit sees its open cases and answers; another unit cannot.
    const queue = await ok(clerk.get('/api/supervision-cases?status=open'));
    expect(queue.data.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining([urge.data.id, sup.data.id]));
    expect((await otherClerk.post(`/api/supervision-cases/${sup.data.id}/respond`, { text: '已处理' })).status).toBe(404);
    const resp = await ok(clerk.post(`/api/supervision-cases/${sup.data.id}/respond`, { text: '已约谈施工方，周五前完成整改' }));
    expect(resp.data).toMatchObject({ status: 'responded', responseText: '已约谈施工方，周五前完成整改', late: false });
    await ok(clerk.post(`/api/supervision-cases/${urge.data.id}/respond`, { text: '已联系' }));
    const closed = await ok(supervisor.post(`/api/supervision-cases/${sup.data.id}/close`, { note: '整改到位' }));
    expect(closed.data.status).toBe('closed');
    expect((await ok(supervisor.get(`/api/tickets/${id}`))).data.flags.supervised).toBe(false);
    expect(await eventTypes(id)).toEqual(expect.arrayContaining(['ticket.urged', 'supervision.opened', 'supervision.responded', 'supervision.closed']));

    const rep = await ok(supervisor.get('/api/reports/supervision'));
    const row = rep.data.find((x: { unitId: string }) => x.unitId === unitId);
    expect(row).toMatchObject({ urges: 1, supervisionsBySupervisor: 1, supervisionsBySystem: 1 });
    expect(row.responded).toBeGreaterThanOrEqual(2);
    expect((await clerk.get('/api/reports/supervision')).status).toBe(403);
  });

  it('refuses a response without text, and a second response', async () => {
    const id = await inProgress();
    const sup = await ok(supervisor.post(`/api/tickets/${id}/supervise`, { note: '请说明进展' }), 201);
    expect((await clerk.post(`/api/supervision-cases/${sup.data.id}/respond`, {})).status).toBe(400);
    await ok(clerk.post(`/api/supervision-cases/${sup.data.id}/respond`, { text: '进展如下' }));
    expect((await clerk.post(`/api/supervision-cases/${sup.data.id}/respond`, { text: '再说一次' })).status).toBe(409);
  });
});

describe('reopen (重办) and callback (回访) limits from the policy', () => {
  it('a reopened round takes the reopen limit, and the callback is due per the policy callbackLimit', async () => {
    await env.rt.db.execute(sql`insert into feedback_settings (key, value) values ('feedback_policy', '{"sampleRate": 1}'::jsonb)
      on conflict (key) do update set value = excluded.value`);
    const id = await inProgress();
    const first = await lead(id);
    await ok(clerk.action(id, 'reply', { text: '已处理' }));
    await ok(dispatcher.action(id, 'accept-reply'));
    const cb = (
      await env.rt.db.execute<{ dueAt: Date; createdAt: Date }>(sql`select due_at as "dueAt", created_at as "createdAt"
      from callbacks where ticket_id = ${id}`)
    ).rows[0];
    const closedAt = (await env.rt.db.execute<{ at: Date }>(sql`select closed_at as at from tickets where id = ${id}`)).rows[0].at;
    // Guangdong preset callbackLimit: 3 working days after close, not a flat 72 hours.
    expect(new Date(cb.dueAt).toISOString()).toBe(cal.computeDeadline(new Date(closedAt), { unit: 'working_days', value: 3 }).toISOString());

    await ok(supervisor.action(id, 'reopen', { reason: '回访不满意' }));
    await ok(dispatcher.action(id, 'dispatch', { leadUnitId: unitId }));
    const second = await lead(id);
    expect(second.round).toBe(2);
    const limit = (second.policy as { reopenReplyLimit?: { unit: 'working_days'; value: number } }).reopenReplyLimit!;
    expect(limit.value).toBeLessThan(15);
    expect(new Date(second.replyDueAt).toISOString()).toBe(cal.computeDeadline(new Date(second.dispatchedAt), limit).toISOString());
    expect(new Date(second.replyDueAt).getTime() - new Date(second.dispatchedAt).getTime()).toBeLessThan(
      new Date(first.replyDueAt).getTime() - new Date(first.dispatchedAt).getTime(),
    );
  });
});
