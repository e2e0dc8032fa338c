import { beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { useTestEnv, makeUnit, makeUser } from '../../test/helpers/env';
import { ApiClient } from '../../test/helpers/http';
import { makeTicket, ticketState } from '../../test/helpers/factories';
import { trackTokenFor } from '../citizen/routes';
import { callbacks } from '../callbacks/tables';
import { setPolicy } from '../callbacks/policy';
import { scheduleCallbackOnClose } from '../callbacks/use-cases/schedule-callback';
import { CALLBACK_SCRIPT } from '../callbacks/present';
import { markOverdueRectifications } from './use-cases/rectification';
import { ratings, rectifications } from './tables';
import { publicReviewId } from './present';
import { rectificationDueAt } from '../callbacks/policy';
import { smsMinutePasses } from '../../test/helpers/sms-window';
import type { Actor } from '../platform/context';

const env = useTestEnv();
let agent: ApiClient, dispatcher: ApiClient, supervisor: ApiClient, clerkA: ApiClient, clerkB: ApiClient, anon: ApiClient;
let unitA: { id: string }, unitB: { id: string };
let agentActor: Actor, supActor: Actor;

beforeAll(async () => {
  unitA = await makeUnit(env, { name: '市住建局' });
  unitB = await makeUnit(env, { name: '天河区政府' });
  const a = await makeUser(env, 'agent');
  agentActor = a.actor;
  const s = await makeUser(env, 'supervisor');
  supActor = s.actor;
  agent = await ApiClient.login(env.baseUrl, a.user.username);
  dispatcher = await ApiClient.login(env.baseUrl, (await makeUser(env, 'dispatcher')).user.username);
  supervisor = await ApiClient.login(env.baseUrl, s.user.username);
  clerkA = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId: unitA.id })).user.username);
  clerkB = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId: unitB.id })).user.username);
  anon = new ApiClient(env.baseUrl);
});

async function ok(p: Promise<{ status: number; body: any }>, status = 200) {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body.data;
}

/** A ticket taken through the real lifecycle to `closed`; `late` puts the lead's deadline in the past first. */
async function closedTicket(o: { late?: boolean; name?: string; phone?: string } = {}) {
  const { ticketId } = await makeTicket(env, agentActor, { name: o.name, phone: o.phone });
  await ok(agent.action(ticketId, 'submit', { appealType: 'complaint' }));
  await ok(dispatcher.action(ticketId, 'dispatch', { leadUnitId: unitA.id }));
  await ok(clerkA.action(ticketId, 'sign'));
  await ok(clerkA.action(ticketId, 'start'));
  // The SLA module computes deadlines; here we set the stored one directly to model an expired limit.
  await env.rt.db.execute(
    sql`update dispatches set reply_due_at = now() + ${o.late ? sql`interval '-1 day'` : sql`interval '10 days'`} where ticket_id = ${ticketId}`,
  );
  await ok(clerkA.action(ticketId, 'reply', { text: '已处理' }));
  await ok(dispatcher.action(ticketId, 'accept-reply'));
  const number = (await ticketState(env, ticketId)).ticket.number;
  return { ticketId, number, trackToken: trackTokenFor(env.ctx(agentActor), number) };
}

const callbacksOf = (ticketId: string) => env.rt.db.select().from(callbacks).where(eq(callbacks.ticketId, ticketId));
const policy = (p: Parameters<typeof setPolicy>[1]) => setPolicy(env.rt.db, p, null);

describe('callbacks (回访)', () => {
  it('creates the task on close: always when the limit expired, sampled otherwise, once per round', async () => {
    await policy({ sampleRate: 0 });
    const onTime = await closedTicket();
    expect(await callbacksOf(onTime.ticketId)).toHaveLength(0);
    const late = await closedTicket({ late: true });
    const [cb] = await callbacksOf(late.ticketId);
    expect(cb.reason).toBe('overdue');
    expect(cb.unitId).toBe(unitA.id);
    expect(cb.dueAt.getTime() - Date.now()).toBeGreaterThan(71 * 3600_000);
    // A replay of the close hook makes no second task.
    await env.rt.db.transaction((tx) => scheduleCallbackOnClose(tx, late.ticketId, new Date()));
    expect(await callbacksOf(late.ticketId)).toHaveLength(1);
    await policy({ sampleRate: 1 });
    const sampled = await closedTicket();
    expect((await callbacksOf(sampled.ticketId))[0].reason).toBe('sample');
  });

  it('lists tasks with the script; an unsolved, dissatisfied answer reopens the ticket and opens a rectification; the dispatcher redispatches', async () => {
    await policy({ sampleRate: 1, onDissatisfied: 'reopen' });
    const t = await closedTicket();
    const [cb] = await callbacksOf(t.ticketId);
    const list = await ok(agent.get('/api/callbacks'));
    expect(list.map((x: { id: string }) => x.id)).toContain(cb.id);
    const detail = await ok(agent.get(`/api/callbacks/${cb.id}`));
    expect(detail.script).toContain(t.number);
    expect(detail.caller.phone).toBe('13800138000');
    // Not reached: stays pending with an attempt counted.
    expect((await ok(agent.post(`/api/callbacks/${cb.id}/outcome`, { reached: false }))).status).toBe('pending');
    const done = await ok(agent.post(`/api/callbacks/${cb.id}/outcome`, { reached: true, result: 'unsolved', score: 2, note: '噪音仍在' }));
    expect(done).toMatchObject({ status: 'done', result: 'unsolved', score: 2, decision: 'reopened' });
    const st = await ticketState(env, t.ticketId);
    expect(st.ticket.status).toBe('reopened');
    expect(st.ticket.reopenCount).toBe(1);
    const [rating] = await env.rt.db.select().from(ratings).where(eq(ratings.ticketId, t.ticketId));
    expect(rating).toMatchObject({ score: 2, bad: true, source: 'callback', unitId: unitA.id, callbackId: cb.id });
    const [rect] = await env.rt.db.select().from(rectifications).where(eq(rectifications.ratingId, rating.id));
    expect(rect.status).toBe('verifying');
    // Recording it twice is refused.
    expect((await agent.post(`/api/callbacks/${cb.id}/outcome`, { reached: true, result: 'solved', score: 5 })).body.code).toBe('CALLBACK_ALREADY_DONE');
    await ok(dispatcher.action(t.ticketId, 'dispatch', { leadUnitId: unitB.id }));
    expect((await ticketState(env, t.ticketId)).ticket.currentRound).toBe(2);
  });

  it('under agent_decides, a dissatisfied answer needs a decision; closing with a reason keeps the ticket closed', async () => {
    await policy({ sampleRate: 1, onDissatisfied: 'agent_decides' });
    const t = await closedTicket();
    const [cb] = await callbacksOf(t.ticketId);
    const before = await ticketState(env, t.ticketId);
    const r = await agent.post(`/api/callbacks/${cb.id}/outcome`, { reached: true, result: 'unsolved', score: 1 });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('CALLBACK_DECISION_REQUIRED');
    expect(await ticketState(env, t.ticketId)).toEqual(before);
    expect((await callbacksOf(t.ticketId))[0].status).toBe('pending');
    const done = await ok(
      agent.post(`/api/callbacks/${cb.id}/outcome`, {
        reached: true,
        result: 'unsolved',
        score: 1,
        decision: 'close',
        decisionReason: '诉求超出政策范围，已解释',
      }),
    );
    expect(done.decision).toBe('closed');
    expect((await ticketState(env, t.ticketId)).ticket.status).toBe('closed');
    await policy({ onDissatisfied: 'reopen' });
  });

  it('the SMS / WeChat link answers the callback with its token; a wrong token is refused', async () => {
    await policy({ sampleRate: 1 });
    const t = await closedTicket();
    const [cb] = await callbacksOf(t.ticketId);
    const token = (await ok(agent.get(`/api/callbacks/${cb.id}`))).link.token;
    const bad = await anon.post('/api/public/ratings', { callbackId: cb.id, token: '0'.repeat(32), score: 5, result: 'solved' });
    expect(bad.body.code).toBe('CALLBACK_NOT_FOUND');
    const r = await ok(anon.post('/api/public/ratings', { callbackId: cb.id, token, score: 4, result: 'solved' }), 201);
    expect(r).toMatchObject({ score: 4, label: '满意', source: 'sms' });
    expect((await callbacksOf(t.ticketId))[0]).toMatchObject({ status: 'done', result: 'solved', channel: 'sms' });
  });
});

describe('好差评 ratings from the portal', () => {
  it('rates a closed ticket once: same rating again → 200 same row; another score → 409; nothing changes', async () => {
    await policy({ sampleRate: 0 });
    const t = await closedTicket();
    const first = await ok(anon.post('/api/public/ratings', { number: t.number, trackToken: t.trackToken, score: 5 }), 201);
    const again = await ok(anon.post('/api/public/ratings', { number: t.number, trackToken: t.trackToken, score: 5 }), 200);
    expect(again.id).toBe(first.id);
    expect(again.duplicate).toBe(true);
    const before = await ticketState(env, t.ticketId);
    const other = await anon.post('/api/public/ratings', { number: t.number, trackToken: t.trackToken, score: 1 });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('RATING_ALREADY_SUBMITTED');
    expect(await ticketState(env, t.ticketId)).toEqual(before);
    expect(await env.rt.db.select().from(ratings).where(eq(ratings.ticketId, t.ticketId))).toHaveLength(1);
  });

  it('refuses out-of-range scores, tickets not closed and bad tokens, writing nothing', async () => {
    const t = await closedTicket();
    for (const score of [0, 6, 3.5, '5']) {
      const r = await anon.post('/api/public/ratings', { number: t.number, trackToken: t.trackToken, score });
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('VALIDATION_FAILED');
    }
    const open = await makeTicket(env, agentActor);
    const number = (await ticketState(env, open.ticketId)).ticket.number;
    const r = await anon.post('/api/public/ratings', { number, trackToken: trackTokenFor(env.ctx(agentActor), number), score: 4 });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('TICKET_NOT_CLOSED');
    expect((await anon.post('/api/public/ratings', { number: t.number, trackToken: 'f'.repeat(32), score: 4 })).body.code).toBe('TICKET_NOT_FOUND');
    const n = await env.rt.db.execute<{ n: number }>(sql`select count(*)::int as n from ratings where ticket_id in (${t.ticketId}, ${open.ticketId})`);
    expect(n.rows[0].n).toBe(0);
  });

  it('a real-name bad review gets a callback (100%) and a rectification case', async () => {
    await policy({ sampleRate: 0 });
    const t = await closedTicket({ name: '李四' });
    // Real-name is a proven identity (issue 15, item 14): here the phone as the CTI's caller number proved it.
    await env.rt.db.execute(sql`update citizen_contacts set verified_at = now()
      where citizen_id = (select citizen_id from tickets where id = ${t.ticketId})`);
    await ok(anon.post('/api/public/ratings', { number: t.number, trackToken: t.trackToken, score: 1, comment: '根本没人来处理，电话13912345678' }), 201);
    const cbs = await callbacksOf(t.ticketId);
    expect(cbs.map((c) => c.reason)).toEqual(['bad_review']);
    const [rating] = await env.rt.db.select().from(ratings).where(eq(ratings.ticketId, t.ticketId));
    expect(rating).toMatchObject({ realName: true, bad: true, source: 'portal' });
    expect(await env.rt.db.select().from(rectifications).where(eq(rectifications.ratingId, rating.id))).toHaveLength(1);
  });
});

async function badReview() {
  await policy({ sampleRate: 0 });
  const t = await closedTicket();
  const rating = await ok(anon.post('/api/public/ratings', { number: t.number, trackToken: t.trackToken, score: 2 }), 201);
  const [rect] = await env.rt.db.select().from(rectifications).where(eq(rectifications.ratingId, rating.id));
  return { ...t, ratingId: rating.id, rectId: rect.id };
}
const act = (c: ApiClient, id: string, action: string, body: unknown = {}) => c.post(`/api/rectifications/${id}/actions/${action}`, body);
async function auditCount(id: string) {
  const r = await env.rt.db.execute<{ a: number; e: number; o: number }>(sql`select
    (select count(*)::int from audit_log where entity_type = 'rectification' and entity_id = ${id}) as a,
    (select count(*)::int from rectification_events where rectification_id = ${id}) as e,
    (select count(*)::int from outbox where payload->>'rectificationId' = ${id}) as o`);
  return r.rows[0];
}

describe('差评整改 rectification', () => {
  it('verify → unit rectifies and reports → citizen asked again → closed rectified; each step leaves event, audit and outbox rows', async () => {
    const b = await badReview();
    const v = await ok(act(agent, b.rectId, 'verify', { note: '已回访核实，诉求清楚合理' }));
    expect(v.status).toBe('rectifying');
    expect(new Date(v.dueAt).getTime()).toBeGreaterThan(Date.now() + 14 * 86400_000);
    // The wrong unit gets a 404 and nothing changes.
    const before = await auditCount(b.rectId);
    const wrong = await act(clerkB, b.rectId, 'report', { text: '已整改' });
    expect(wrong.status).toBe(404);
    expect(wrong.body.code).toBe('RECTIFICATION_NOT_FOUND');
    expect((await clerkB.get(`/api/rectifications/${b.rectId}`)).status).toBe(404);
    expect((await ok(clerkB.get('/api/rectifications'))).map((x: { id: string }) => x.id)).not.toContain(b.rectId);
    expect(await auditCount(b.rectId)).toEqual(before);
    expect((await act(clerkA, b.rectId, 'confirm', { citizenSatisfied: true })).body.code).toBe('FORBIDDEN');
    expect((await ok(act(clerkA, b.rectId, 'report', { text: '已约谈施工方并加装隔音屏' }))).status).toBe('reported');
    expect((await act(clerkA, b.rectId, 'report', { text: '再报' })).body.code).toBe('RECTIFICATION_STATE_CONFLICT');
    const c = await ok(act(agent, b.rectId, 'confirm', { citizenSatisfied: true, note: '群众认可' }));
    expect(c).toMatchObject({ status: 'closed', outcome: 'rectified', overdue: false });
    const d = await ok(supervisor.get(`/api/rectifications/${b.rectId}`));
    expect(d.events.map((e: { type: string }) => e.type)).toEqual([
      'rectification.opened',
      'rectification.verified',
      'rectification.reported',
      'rectification.closed',
    ]);
    expect(await auditCount(b.rectId)).toEqual({ a: 4, e: 4, o: 4 });
  });

  it('runs overdue: the sweeper flags it after the limit, a late report stays marked overdue', async () => {
    const b = await badReview();
    await ok(act(agent, b.rectId, 'verify', { note: '属实' }));
    const [r0] = await env.rt.db.select().from(rectifications).where(eq(rectifications.id, b.rectId));
    const later = new Date(r0.dueAt!.getTime() + 3600_000);
    expect(await markOverdueRectifications(env.ctx(supActor, new Date(r0.dueAt!.getTime() - 3600_000)))).toBe(0);
    expect(await markOverdueRectifications(env.ctx(supActor, later))).toBeGreaterThanOrEqual(1);
    expect(await markOverdueRectifications(env.ctx(supActor, later))).toBe(0);
    const flagged = await ok(clerkA.get('/api/rectifications?overdue=true'));
    expect(flagged.map((x: { id: string }) => x.id)).toContain(b.rectId);
    await ok(act(clerkA, b.rectId, 'report', { text: '逾期整改完成' }));
    // Still unsatisfied after a late fix: not a silent close but a second round with a new limit (issue 15, item 15).
    const next = await ok(act(agent, b.rectId, 'confirm', { citizenSatisfied: false }));
    expect(next).toMatchObject({ status: 'rectifying', round: 2, outcome: null, overdue: false });
    expect(new Date(next.dueAt).getTime()).toBeGreaterThanOrEqual(r0.dueAt!.getTime()); // counted again from the confirm
  });

  it('contested: the unit appeals, the centre upholds; the review stays, marked excluded, and leaves the satisfaction figures', async () => {
    const b = await badReview();
    const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
    const page0 = await ok(anon.get(`/api/public/reviews?unitId=${unitA.id}&month=${month}`));
    expect((await ok(act(clerkA, b.rectId, 'contest', { reason: '诉求人系恶意差评，录音为证' }))).status).toBe('contested');
    expect((await act(agent, b.rectId, 'uphold-contest', { note: 'x' })).body.code).toBe('FORBIDDEN');
    const up = await ok(act(supervisor, b.rectId, 'uphold-contest', { note: '经复核，差评与办理无关，予以剔除' }));
    expect(up).toMatchObject({ status: 'closed', outcome: 'excluded' });
    const [rating] = await env.rt.db.select().from(ratings).where(eq(ratings.id, b.ratingId));
    expect(rating).toMatchObject({ excluded: true, score: 2 });
    const page = await ok(anon.get(`/api/public/reviews?unitId=${unitA.id}&month=${month}`));
    expect(page.summary.ratings).toBe(page0.summary.ratings);
    expect(page.summary.excluded).toBe(page0.summary.excluded + 1);
    const row = page.reviews.find((x: { id: string }) => x.id === publicReviewId(env.ctx(supActor), b.ratingId));
    expect(row).toMatchObject({ excluded: true, rectification: { outcome: 'excluded' } });
  });

  it('a rejected contest sends the case to rectification with its limit', async () => {
    const b = await badReview();
    await ok(act(clerkA, b.rectId, 'contest', { reason: '不属实' }));
    const r = await ok(act(dispatcher, b.rectId, 'reject-contest', { note: '录音显示诉求合理' }));
    expect(r.status).toBe('rectifying');
    expect(r.dueAt).not.toBeNull();
  });
});

describe('public review page', () => {
  it('shows no names, a masked phone and a street-level place', async () => {
    await policy({ sampleRate: 0 });
    const t = await closedTicket({ name: '王五' });
    const rated = await ok(anon.post('/api/public/ratings', { number: t.number, trackToken: t.trackToken, score: 2, comment: '请回电13912345678' }), 201);
    const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
    const page = await ok(anon.get(`/api/public/reviews?unitId=${unitA.id}&month=${month}`));
    const row = page.reviews.find((x: { id: string }) => x.id === publicReviewId(env.ctx(supActor), rated.id));
    expect(row.citizenPhone).toBe('138****8000');
    expect(row.place).toBe('广州市天河区林和街道');
    expect(row.comment).toBe('请回电【电话】');
    expect(JSON.stringify(page)).not.toContain(t.number);
    expect(JSON.stringify(page)).not.toMatch(/王五|13800138000|体育东路/);
    expect((await anon.get(`/api/public/reviews?unitId=${unitA.id}&month=2026-13`)).status).toBe(400);
  });
});

describe('console support', () => {
  async function trackCode(phone: string) {
    await smsMinutePasses(env.prefix);
    expect((await anon.post('/api/public/sms-codes', { phone, purpose: 'track' })).status).toBe(202);
    return (await anon.get(`/api/dev/sms?phone=${phone}`)).body.data.code as string;
  }

  it('a citizen who tracked by SMS code rates with a fresh code; a code for another phone or a wrong code rates nothing', async () => {
    await policy({ sampleRate: 0 });
    const t = await closedTicket({ phone: '13700137011' });
    // A phone merely typed in at the desk proves nothing: as in tracking, it rates nothing.
    const typed = await anon.post('/api/public/ratings', { number: t.number, phone: '13700137011', code: await trackCode('13700137011'), score: 1 });
    expect(typed.body.code).toBe('TICKET_NOT_FOUND');
    // Proven as the CTI's caller number of the call (identity/use-cases/resolve-citizen.ts).
    await env.rt.db.execute(sql`update citizen_contacts set verified_at = now() where citizen_id = (select citizen_id from tickets where id = ${t.ticketId})`);
    // Someone else's verified phone: same answer as an unknown ticket, nothing written.
    const other = await anon.post('/api/public/ratings', { number: t.number, phone: '13700137012', code: await trackCode('13700137012'), score: 1 });
    expect(other.body.code).toBe('TICKET_NOT_FOUND');
    const wrong = await anon.post('/api/public/ratings', { number: t.number, phone: '13700137011', code: '000000', score: 1 });
    expect(wrong.body.code).toBe('SMS_CODE_INVALID');
    expect(await env.rt.db.select().from(ratings).where(eq(ratings.ticketId, t.ticketId))).toHaveLength(0);
    const r = await ok(
      anon.post('/api/public/ratings', { number: t.number, phone: '13700137011', code: await trackCode('13700137011'), score: 2, comment: '没有解决' }),
      201,
    );
    expect(r).toMatchObject({ score: 2, bad: true, source: 'portal' });
    // A code is used once: replaying it is refused, not a second rating.
    const replay = await anon.post('/api/public/ratings', { number: t.number, phone: '13700137011', code: '123456', score: 2 });
    expect(replay.body.code).toBe('SMS_CODE_INVALID');
  });

  it('lists rectification cases with the ticket number, score and scrubbed comment; a clerk sees only their unit', async () => {
    await policy({ sampleRate: 0 });
    const t = await closedTicket();
    await ok(anon.post('/api/public/ratings', { number: t.number, trackToken: t.trackToken, score: 1, comment: '请回电13912345678' }), 201);
    const mine = (await ok(clerkA.get('/api/rectifications'))).find((x: { ticketNumber: string }) => x.ticketNumber === t.number);
    expect(mine).toMatchObject({ status: 'verifying', score: 1, unitName: '市住建局', comment: '请回电【电话】' });
    expect((await ok(clerkB.get('/api/rectifications'))).some((x: { ticketNumber: string }) => x.ticketNumber === t.number)).toBe(false);
  });

  it('reads the reply into the call script once, without a doubled full stop', () => {
    const script = CALLBACK_SCRIPT({ number: '2026112600001', title: '夜间施工', replyText: '已责令停工。' });
    expect(script).toContain('承办单位答复：已责令停工。请问');
    expect(script).not.toContain('。。');
  });

  it('names the rated units for the public page picker, without login', async () => {
    const units = await ok(anon.get('/api/public/review-units'));
    expect(units).toContainEqual({ id: unitA.id, name: '市住建局' });
    expect(units.some((u: { id: string }) => u.id === unitB.id)).toBe(false);
  });
});

describe('rectificationDueAt', () => {
  it('counts working days on the holiday calendar from the day after, ending at 24:00 China time', async () => {
    // Friday 2026-03-06 10:00 +08 + 5 working days → end of Friday 2026-03-13.
    expect((await rectificationDueAt(env.rt.db, new Date('2026-03-06T02:00:00Z'), 5)).toISOString()).toBe('2026-03-13T16:00:00.000Z');
    // 2026-09-30 + 5: 10/1–10/7 off, 10/8, 10/9, Saturday 10/10 (make-up workday), 10/12, 10/13.
    expect((await rectificationDueAt(env.rt.db, new Date('2026-09-30T02:00:00Z'), 5)).toISOString()).toBe('2026-10-13T16:00:00.000Z');
  });
});
