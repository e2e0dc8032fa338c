import { beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { useTestEnv, makeUnit, makeUser } from '../../test/helpers/env';
import { ApiClient } from '../../test/helpers/http';
import { makeTicket } from '../../test/helpers/factories';
import { setPolicy } from '../callbacks/policy';
import { callbacks } from '../callbacks/tables';
import { rectifications, ratings } from '../reviews/tables';
import type { Actor } from '../platform/context';
import { recordEvent } from '../tickets/events';
import { extensionDayFor } from '../sla/extension';

const env = useTestEnv();
let agent: ApiClient, dispatcher: ApiClient, supervisor: ApiClient, admin: ApiClient, clerkU: ApiClient, clerkV: ApiClient;
let U: { id: string }, V: { id: string };
let agentActor: Actor;
const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const day = (d: number) => new Date(Date.now() + 8 * 3600_000 + d * 86400_000).toISOString().slice(0, 10);
const range = `from=${day(-1)}&to=${day(1)}`;

async function ok(p: Promise<{ status: number; body: any }>, status = 200) {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body.data;
}
const setDue = (id: string, col: 'sign_due_at' | 'reply_due_at', past: boolean) =>
  env.rt.db.execute(
    sql`update dispatches set ${sql.identifier(col)} = now() + ${past ? sql`interval '-1 day'` : sql`interval '10 days'`} where ticket_id = ${id}`,
  );

async function dispatched(unit: { id: string }, clerk: ApiClient, o: { lateSign?: boolean; lateReply?: boolean } = {}) {
  const { ticketId } = await makeTicket(env, agentActor);
  await ok(agent.action(ticketId, 'submit', {}));
  await ok(dispatcher.action(ticketId, 'dispatch', { leadUnitId: unit.id }));
  await setDue(ticketId, 'sign_due_at', !!o.lateSign);
  await setDue(ticketId, 'reply_due_at', false);
  return { id: ticketId, clerk };
}
async function handleAndClose(t: { id: string; clerk: ApiClient }, o: { lateReply?: boolean; extend?: boolean; signed?: boolean } = {}) {
  if (!o.signed) await ok(t.clerk.action(t.id, 'sign'));
  await ok(t.clerk.action(t.id, 'start'));
  if (o.extend) {
    await ok(t.clerk.action(t.id, 'request-extension', { newDueDate: await extensionDayFor(env.rt.db, t.id), reason: '需协调' }));
    await ok(dispatcher.action(t.id, 'approve-extension', {}));
  }
  if (o.lateReply) await setDue(t.id, 'reply_due_at', true);
  await ok(t.clerk.action(t.id, 'reply', { text: '已处理' }));
  await ok(dispatcher.action(t.id, 'accept-reply'));
}
async function callback(ticketId: string, result: string, score: number) {
  const [cb] = await env.rt.db.select().from(callbacks).where(eq(callbacks.ticketId, ticketId));
  return ok(agent.post(`/api/callbacks/${cb.id}/outcome`, { reached: true, result, score }));
}
const figuresFor = async (unitId: string) => {
  const rep = await ok(supervisor.get(`/api/reports/measures?${range}&by=unit&key=${unitId}`));
  expect(rep.rows).toHaveLength(1);
  return rep.rows[0] as { counters: Record<string, number>; figures: Record<string, number | null> };
};

let t3: string;
beforeAll(async () => {
  U = await makeUnit(env, { name: '区城管局' });
  V = await makeUnit(env, { name: '区水务局' });
  const a = await makeUser(env, 'agent');
  agentActor = a.actor;
  agent = await ApiClient.login(env.baseUrl, a.user.username);
  dispatcher = await ApiClient.login(env.baseUrl, (await makeUser(env, 'dispatcher')).user.username);
  supervisor = await ApiClient.login(env.baseUrl, (await makeUser(env, 'supervisor')).user.username);
  admin = await ApiClient.login(env.baseUrl, (await makeUser(env, 'admin')).user.username);
  clerkU = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId: U.id })).user.username);
  clerkV = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId: V.id })).user.username);
  await setPolicy(env.rt.db, { sampleRate: 1, onDissatisfied: 'reopen' }, null);

  // The fixture, by hand (unit U): 4 dispatched; 3 signed, 2 of them on time, the first also reached the citizen; 1 returned
  // before its sign-for limit (an answer in time: 响应);
  // 3 closed, 1 of them late; 1 extension; callbacks solved/5, partly/3, unsolved/1 (→ reopened, bad review).
  const t1 = await dispatched(U, clerkU);
  await ok(clerkU.action(t1.id, 'sign'));
  const req = await ok(clerkU.post(`/api/tickets/${t1.id}/contact-requests`, { callbackNumber: '02088886666' }), 201);
  await ok(dispatcher.post(`/api/contact-requests/${req.id}/outcome`, { outcome: 'connected' }));
  await handleAndClose(t1, { signed: true });
  await callback(t1.id, 'solved', 5);
  const t2 = await dispatched(U, clerkU, { lateSign: true });
  await handleAndClose(t2, { lateReply: true });
  await callback(t2.id, 'partly', 3);
  const t3r = await dispatched(U, clerkU);
  t3 = t3r.id;
  await handleAndClose(t3r, { extend: true });
  await callback(t3, 'unsolved', 1);
  const t4 = await dispatched(U, clerkU);
  await ok(clerkU.action(t4.id, 'request-return', { reasonCode: 'not_our_duty', note: '不属本单位' }));
  // Unit V: one ticket, closed on time, rated 5.
  const v1 = await dispatched(V, clerkV);
  await handleAndClose(v1);
  await callback(v1.id, 'solved', 4);
  // A direct answer (no unit).
  const d = await makeTicket(env, agentActor);
  await ok(agent.action(d.ticketId, 'answer-directly', { answer: '可在政务服务网办理' }));
});

describe('三率 and the other measures, from the rollup', () => {
  it('match the hand-computed figures for the fixture, each with its definition', async () => {
    const { counters: c, figures: f } = await figuresFor(U.id);
    expect(c).toMatchObject({
      dispatched: 4,
      signed: 3,
      signed_on_time: 2,
      closed: 3,
      closed_on_time: 2,
      overdue: 0,
      returns: 1,
      extensions: 1,
      reopens: 1,
      callbacks_answered: 3,
      callbacks_solved: 1,
      callbacks_partly: 1,
      rated: 3,
      r5: 1,
      r3: 1,
      r1: 1,
      bad_reviews: 1,
    });
    // 响应率 (domain.md §5): signed for and citizen reached in time (t1), or returned within the sign-for limit (t4): 2 of 4.
    // t3 signed on time but never reached the citizen, so it no longer counts as it did when the rate was sign-for only.
    expect(c).toMatchObject({ responded_on_time: 2, recalled: 0 });
    expect(f.response_rate).toBe(0.5);
    expect(f.on_time_sign_rate).toBeCloseTo(2 / 3, 5);
    expect(f.on_time_close_rate).toBeCloseTo(2 / 3, 5);
    expect(f.resolution_rate).toBeCloseTo(1 / 3, 5);
    expect(f.satisfaction_rate).toBeCloseTo(2 / 3, 5);
    expect(f.return_rate).toBe(0.25);
    expect(f.extension_rate).toBe(0.25);
    expect(f.reopen_rate).toBeCloseTo(1 / 3, 5);
    expect(f.closed_late_count).toBe(1);
    expect(f.overdue_count).toBe(0); // no SLA timer fired in this fixture (deadlines were moved by hand)
    expect(f.bad_review_count).toBe(1);
    expect(f.avg_handling_hours).toBeCloseTo(c.handling_seconds / 3 / 3600, 5);
    const rep = await ok(supervisor.get(`/api/reports/measures?${range}&by=unit`));
    const sat = rep.measures.find((m: { code: string }) => m.code === 'satisfaction_rate');
    expect(sat.definition).toContain('满意率 = (非常满意 + 满意 + 基本满意)');
    // The English console reads every shipped measure's definition in English.
    for (const m of rep.measures as { code: string; definitionEn: string | null }[]) {
      expect(m.definitionEn, m.code).toMatch(/^[\x20-\x7e×÷Σ−]+$/);
    }
    expect(sat.definitionEn).toContain('Satisfaction rate = (very satisfied + satisfied + fairly satisfied)');
    // Direct-answer rate over all tickets registered in the fixture: 1 of 6.
    expect(rep.total.counters.received).toBe(6);
    expect(rep.total.figures.direct_answer_rate).toBeCloseTo(1 / 6, 5);
  });

  it('reports by channel, region and category, and by period', async () => {
    const ch = await ok(supervisor.get(`/api/reports/measures?${range}&by=channel`));
    expect(ch.rows.map((r: { key: string }) => r.key)).toEqual(['phone']);
    expect(ch.rows[0].counters.closed).toBe(4);
    const reg = await ok(supervisor.get(`/api/reports/measures?${range}&by=region`));
    expect(reg.total.counters.closed).toBe(4);
    const byDay = await ok(supervisor.get(`/api/reports/measures?${range}&by=unit&period=day&key=${U.id}`));
    expect(byDay.rows[0].period).toBe(today);
  });

  it('a formula change changes the figures at once', async () => {
    await ok(
      admin.request('PUT', '/api/reports/measures/satisfaction_rate', {
        numerator: { r5: 1, r4: 1, r3: 0.5 },
        definition: '满意率 = (非常满意 + 满意 + 0.5 × 基本满意) ÷ 有效评价数',
      }),
    );
    await ok(admin.request('PUT', '/api/reports/measures/resolution_rate', { numerator: { callbacks_solved: 1, callbacks_partly: 0.5 } }));
    const { figures: f } = await figuresFor(U.id);
    expect(f.satisfaction_rate).toBe(0.5);
    expect(f.resolution_rate).toBe(0.5);
    const bad = await admin.request('PUT', '/api/reports/measures/satisfaction_rate', { numerator: { r6: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('MEASURE_INVALID');
    expect((await admin.request('PUT', '/api/reports/measures/nope', { definition: 'x' })).body.code).toBe('MEASURE_NOT_FOUND');
    const defs = await ok(supervisor.get('/api/reports/definitions'));
    expect(defs.find((m: { code: string }) => m.code === 'satisfaction_rate').definition).toContain('0.5 × 基本满意');
    // A definition the centre rewrote is its own text: no stale shipped English beside it (the console shows the centre's text).
    expect(defs.find((m: { code: string }) => m.code === 'satisfaction_rate').definitionEn).toBeNull();
    expect(defs.find((m: { code: string }) => m.code === 'resolution_rate').definitionEn).toContain('Resolution rate =');
  });

  it('an excluded (contested and upheld) bad review leaves the satisfaction figures', async () => {
    const [rating] = await env.rt.db.select().from(ratings).where(eq(ratings.ticketId, t3));
    const [rect] = await env.rt.db.select().from(rectifications).where(eq(rectifications.ratingId, rating.id));
    await ok(clerkU.post(`/api/rectifications/${rect.id}/actions/contest`, { reason: '恶意差评' }));
    await ok(supervisor.post(`/api/rectifications/${rect.id}/actions/uphold-contest`, { note: '经复核予以剔除' }));
    const { counters: c, figures: f } = await figuresFor(U.id);
    expect(c).toMatchObject({ rated: 2, r1: 0, bad_reviews: 0, excluded_reviews: 1 });
    expect(f.satisfaction_rate).toBe(0.75); // (1 + 0.5) / 2 with the edited formula
  });

  it('ranks units in a league table, and exports every table to Excel', async () => {
    const league = await ok(supervisor.get(`/api/reports/league?${range}&measure=on_time_close_rate`));
    expect(league.rows.map((r: { unitId: string; rank: number }) => [r.unitId, r.rank])).toEqual([
      [V.id, 1],
      [U.id, 2],
    ]);
    const overdue = await ok(supervisor.get(`/api/reports/league?${range}&measure=closed_late_count`));
    expect(overdue.rows[0].unitId).toBe(V.id); // lower is better
    for (const path of [
      `/api/reports/measures?${range}&by=unit&format=xlsx`,
      `/api/reports/league?${range}&format=xlsx`,
      `/api/reports/hotspots?${range}&format=xlsx`,
    ]) {
      const res = await fetch(env.baseUrl + path, { headers: { cookie: supervisor.cookie } });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toContain('spreadsheetml');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
      expect(wb.worksheets.length).toBeGreaterThan(0);
      if (path.includes('measures')) {
        const values = wb.worksheets[0].getSheetValues().flat().map(String);
        expect(values).toContain('区城管局');
      }
    }
  });

  it("counts the SLA sweeper's overdue flag (ticket.overdue) for the dispatch's unit", async () => {
    const sys = env.ctx({ kind: 'system', name: 'sla' });
    await env.rt.db.transaction((tx) =>
      recordEvent(tx, sys, t3, {
        type: 'ticket.overdue',
        unitId: U.id,
        data: { dispatchId: 'd-test', role: 'lead', replyDueAt: null, stage: 'overdue', escalateToSupervisors: true },
      }),
    );
    const { figures: f } = await figuresFor(U.id);
    expect(f.overdue_count).toBe(1);
  });

  it('is for supervisors and admins only; bad ranges are refused', async () => {
    expect((await clerkU.get(`/api/reports/measures?${range}`)).status).toBe(403);
    expect((await agent.get(`/api/reports/league?${range}`)).status).toBe(403);
    expect((await supervisor.get(`/api/reports/measures?from=${day(1)}&to=${day(-1)}`)).body.code).toBe('VALIDATION_FAILED');
    expect((await supervisor.get(`/api/reports/league?${range}&measure=nope`)).body.code).toBe('MEASURE_NOT_FOUND');
  });
});

describe('hotspots', () => {
  it('clusters similar appeals of the period and ranks them by growth, with representative messages', async () => {
    const texts = [
      '幸福路小区旁搅拌站夜间施工噪音扰民严重',
      '幸福路小区附近搅拌站夜间施工噪音扰民',
      '投诉幸福路小区旁搅拌站夜间施工噪音很大',
      '幸福路小区边上搅拌站夜间施工噪音扰民严重',
    ];
    for (const content of texts) await makeTicket(env, agentActor, { content });
    const h = await ok(supervisor.get(`/api/reports/hotspots?${range}&minSize=3`));
    // Two clusters: the fixture's identical default complaints (6) and the four 搅拌站 ones.
    expect(h.clusters.map((c: { count: number }) => c.count)).toEqual([6, 4]);
    const top = h.clusters[1];
    expect(top.terms.join('')).toMatch(/搅拌|幸福/);
    expect(top.representatives.length).toBe(3);
  });
});
