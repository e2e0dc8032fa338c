/**
 * The centre's routing of a ticket beyond the first dispatch: recall and reassignment (撤回/改派)
 * counted so response rates stay ≤ 100 %, copies (抄送) that are notices and not dispatches, and
 * assisting units (协办) with their own limit.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { useTestEnv, makeUnit, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';

const env = useTestEnv();
let agent: ApiClient, dispatcher: ApiClient, supervisor: ApiClient, clerkU: ApiClient, clerkV: ApiClient, clerkW: ApiClient;
let U: { id: string }, V: { id: string }, W: { id: string };
const day = (d: number) => new Date(Date.now() + 8 * 3600_000 + d * 86400_000).toISOString().slice(0, 10);

async function ok(p: Promise<{ status: number; body: any }>, status = 200) {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body.data;
}

async function dispatched(lead: { id: string }, assistingUnitIds: string[] = []) {
  const id = (await ok(agent.post('/api/tickets', { callerPhone: '13800138000', content: '小区门口路灯损坏', regionCode: '440106' }), 201)).id as string;
  await ok(agent.action(id, 'submit', {}));
  await ok(dispatcher.action(id, 'dispatch', { leadUnitId: lead.id, assistingUnitIds }));
  return id;
}

async function unitFigures(unit: { id: string }) {
  const rep = await ok(supervisor.get(`/api/reports/measures?by=unit&from=${day(-1)}&to=${day(1)}`));
  return rep.rows.find((r: { key: string }) => r.key === unit.id) as { counters: Record<string, number>; figures: Record<string, number | null> };
}

beforeAll(async () => {
  U = await makeUnit(env, { name: '区住建局' });
  V = await makeUnit(env, { name: '区城管局' });
  W = await makeUnit(env, { name: '街道办' });
  agent = await ApiClient.login(env.baseUrl, (await makeUser(env, 'agent')).user.username);
  dispatcher = await ApiClient.login(env.baseUrl, (await makeUser(env, 'dispatcher')).user.username);
  supervisor = await ApiClient.login(env.baseUrl, (await makeUser(env, 'supervisor')).user.username);
  clerkU = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId: U.id })).user.username);
  clerkV = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId: V.id })).user.username);
  clerkW = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId: W.id })).user.username);
});

describe('recall and reassignment by the centre (撤回/改派)', () => {
  it('reassigns before sign-for with a reason: the first unit loses the ticket, the new one gets a fresh clock', async () => {
    const id = await dispatched(U);
    expect((await dispatcher.action(id, 'reassign', { leadUnitId: V.id })).status).toBe(400); // no reason
    await ok(dispatcher.action(id, 'reassign', { leadUnitId: V.id, reasonCode: 'other', note: '属城管职责' }));
    const t = await ok(dispatcher.get(`/api/tickets/${id}`));
    expect(t.status).toBe('dispatched');
    const rows = t.dispatches as { unitId: string; status: string; role: string }[];
    expect(rows.find((d) => d.unitId === U.id)?.status).toBe('recalled');
    expect(rows.find((d) => d.unitId === V.id)?.status).toBe('dispatched');
    expect(t.timeline.some((e: { type: string; reason: string }) => e.type === 'dispatch.reassigned' && e.reason === '属城管职责')).toBe(true);
    expect((await clerkU.action(id, 'sign')).status).toBe(404);
    // Not in the first unit's work list any more (its history still opens by link).
    expect((await ok(clerkU.get('/api/tickets?status=dispatched'))).map((x: { id: string }) => x.id)).not.toContain(id);
    expect((await clerkU.get(`/api/tickets/${id}`)).status).toBe(200);
    await ok(clerkV.action(id, 'sign'));
  });

  it('after sign-for, takes it back only for a wrong dispatch (422 with a code otherwise)', async () => {
    const id = await dispatched(U);
    await ok(clerkU.action(id, 'sign'));
    const r = await dispatcher.action(id, 'recall', { reasonCode: 'other', note: '再看看' });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('RECALL_AFTER_SIGN_NEEDS_WRONG_DISPATCH');
    await ok(dispatcher.action(id, 'recall', { reasonCode: 'wrong_dispatch', note: '派错单位' }));
    expect((await ok(dispatcher.get(`/api/tickets/${id}`))).status).toBe('pending_dispatch');
    await ok(dispatcher.action(id, 'dispatch', { leadUnitId: V.id }));
    await ok(clerkV.action(id, 'sign'));
    expect((await clerkU.action(id, 'start')).status).toBe(404);
  });

  it('counts a reassignment (centre or approved return) as a dispatch for the new unit: no response rate above 100 %', async () => {
    // 响应率 counts a dispatch once the unit signed for it and reached the citizen (domain.md §5).
    const reach = async (id: string) => {
      const req = await ok(clerkW.post(`/api/tickets/${id}/contact-requests`, { callbackNumber: '02088886666' }), 201);
      await ok(agent.post(`/api/contact-requests/${req.id}/outcome`, { outcome: 'connected' }));
    };
    const a = await dispatched(U);
    await ok(clerkU.action(a, 'sign'));
    await ok(clerkU.action(a, 'request-return', { reasonCode: 'not_our_duty', note: '非本单位职责' }));
    await ok(dispatcher.action(a, 'approve-return', { leadUnitId: W.id }));
    await ok(clerkW.action(a, 'sign'));
    await reach(a);
    const b = await dispatched(U);
    await ok(clerkU.action(b, 'sign'));
    await ok(dispatcher.action(b, 'reassign', { leadUnitId: W.id, reasonCode: 'wrong_dispatch', note: '派错' }));
    await ok(clerkW.action(b, 'sign'));
    await reach(b);
    const w = await unitFigures(W);
    expect(w.counters.dispatched).toBe(2);
    expect(w.figures.response_rate).toBe(1);
    const rep = await ok(supervisor.get(`/api/reports/measures?by=unit&from=${day(-1)}&to=${day(1)}`));
    for (const row of rep.rows as { figures: { response_rate: number | null } }[]) expect(row.figures.response_rate ?? 0).toBeLessThanOrEqual(1);
    expect(rep.total.figures.response_rate).toBeLessThanOrEqual(1);
  });
});

describe('copies (抄送): a notice with a read receipt, not a dispatch', () => {
  it('copies at dispatch and later; the copied unit lists, opens and marks read, owes nothing and counts in no KPI', async () => {
    const id = await dispatched(U);
    // Copy while dispatching a second ticket, and copy the first one afterwards.
    const id2 = (await ok(agent.post('/api/tickets', { callerPhone: '13800138000', content: '占道经营', regionCode: '440106' }), 201)).id as string;
    await ok(agent.action(id2, 'submit', {}));
    await ok(dispatcher.action(id2, 'dispatch', { leadUnitId: U.id, copyUnitIds: [W.id] }));
    const made = await ok(dispatcher.post(`/api/tickets/${id}/copies`, { unitIds: [W.id], note: '请街道知悉' }), 201);
    expect(made).toHaveLength(1);
    expect(await ok(dispatcher.post(`/api/tickets/${id}/copies`, { unitIds: [W.id] }), 201)).toHaveLength(0); // once per unit

    const t = await ok(dispatcher.get(`/api/tickets/${id}`));
    expect((t.dispatches as { unitId: string }[]).map((d) => d.unitId)).toEqual([U.id]); // no dispatch for W
    expect(t.timeline.some((e: { type: string }) => e.type === 'ticket.copied')).toBe(true);

    const list = await ok(clerkW.get('/api/unit/copies?unread=true'));
    expect(list.map((c: { ticketId: string }) => c.ticketId).sort()).toEqual([id, id2].sort());
    expect(list.find((c: { ticketId: string }) => c.ticketId === id)).toMatchObject({ note: '请街道知悉', leadUnitName: '区住建局', readAt: null });
    // Not in its working list, but it may open the ticket, read-only.
    expect((await ok(clerkW.get('/api/tickets'))).map((x: { id: string }) => x.id)).not.toContain(id);
    const seen = await ok(clerkW.get(`/api/tickets/${id}`));
    expect(seen.allowedActions ?? []).toEqual([]);
    expect((await clerkW.action(id, 'sign')).status).toBe(404);
    expect((await clerkV.get('/api/unit/copies')).body.data).toEqual([]);

    const copyId = made[0].id as string;
    expect((await clerkV.post(`/api/copies/${copyId}/read`)).status).toBe(404);
    await ok(clerkW.post(`/api/copies/${copyId}/read`));
    await ok(clerkW.post(`/api/copies/${copyId}/read`)); // a second receipt changes nothing
    expect((await ok(clerkW.get('/api/unit/copies?unread=true'))).map((c: { ticketId: string }) => c.ticketId)).toEqual([id2]);
    const after = await ok(dispatcher.get(`/api/tickets/${id}`));
    expect(after.timeline.filter((e: { type: string }) => e.type === 'copy.read')).toHaveLength(1);
    expect(await unitFigures(W).then((w) => w?.counters.dispatched ?? 0)).toBe(2); // only the two reassignments above
  });
});

describe('assisting units (协办): their own limit, and the lead answers before them only with a reason', () => {
  it('gives an assisting unit the policy default of 3 working days, not the lead deadline', async () => {
    const id = await dispatched(U, [V.id]);
    const t = await ok(dispatcher.get(`/api/tickets/${id}`));
    const lead = t.dispatches.find((d: { role: string }) => d.role === 'lead');
    const assist = t.dispatches.find((d: { role: string }) => d.role === 'assisting');
    expect(new Date(assist.replyDueAt).getTime()).toBeLessThan(new Date(lead.replyDueAt).getTime());
    // At most 3 working days (+ weekends/holidays in between): never more than 10 calendar days away.
    expect(new Date(assist.replyDueAt).getTime() - Date.now()).toBeLessThan(10 * 86400_000);
  });

  it('refuses the lead reply while an assisting unit has not reported (422), accepts it with a reason on the timeline', async () => {
    const id = await dispatched(U, [V.id]);
    await ok(clerkU.action(id, 'sign'));
    await ok(clerkU.action(id, 'start'));
    const r = await clerkU.action(id, 'reply', { text: '已处理' });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('ASSISTING_UNITS_PENDING');
    await ok(clerkU.action(id, 'reply', { text: '已处理', earlyReplyReason: '协办单位无法联系，诉求人要求尽快答复' }));
    const t = await ok(dispatcher.get(`/api/tickets/${id}`));
    const ev = t.timeline.find((e: { type: string }) => e.type === 'ticket.replied');
    expect(ev.reason).toBe('协办单位无法联系，诉求人要求尽快答复');
  });

  it('lets the lead reply without a reason once the assisting unit has reported', async () => {
    const id = await dispatched(U, [V.id]);
    await ok(clerkV.action(id, 'sign'));
    await ok(clerkV.action(id, 'reply', { text: '已配合核查' }));
    await ok(clerkU.action(id, 'sign'));
    await ok(clerkU.action(id, 'start'));
    await ok(clerkU.action(id, 'reply', { text: '已处理' }));
  });
});

describe('三率 and KPIs', () => {
  it('does not count a direct answer (直办) as closed dispatched work', async () => {
    const before = (await ok(supervisor.get(`/api/reports/measures?by=unit&from=${day(-1)}&to=${day(1)}`))).total.counters.closed;
    const id = (await ok(agent.post('/api/tickets', { callerPhone: '13800138000', content: '社保卡怎么补办', regionCode: '440106' }), 201)).id as string;
    await ok(agent.action(id, 'answer-directly', { answer: '携带身份证到社保窗口办理。' }));
    await ok(agent.action(id, 'close-direct', {}));
    const rep = await ok(supervisor.get(`/api/reports/measures?by=unit&from=${day(-1)}&to=${day(1)}`));
    expect(rep.total.counters.closed).toBe(before);
    expect(rep.total.counters.direct_answered).toBeGreaterThan(0);
  });

  it('lets a unit reach the citizen through the centre without seeing the number, and counts it (先联系后办理)', async () => {
    const id = await dispatched(V);
    expect((await clerkV.post(`/api/tickets/${id}/contact-requests`, { callbackNumber: '02088886666' })).status).toBe(409); // sign first
    await ok(clerkV.action(id, 'sign'));
    expect((await clerkU.post(`/api/tickets/${id}/contact-requests`, { callbackNumber: '02088886666' })).status).toBe(404);
    const req = await ok(clerkV.post(`/api/tickets/${id}/contact-requests`, { callbackNumber: '02088886666' }), 201);
    expect(JSON.stringify(req)).not.toContain('13800138000');
    expect((await clerkV.post(`/api/contact-requests/${req.id}/outcome`, { outcome: 'connected' })).status).toBe(403);
    await ok(agent.post(`/api/contact-requests/${req.id}/outcome`, { outcome: 'connected', note: '已接通，约定明日上门' }));
    expect((await agent.post(`/api/contact-requests/${req.id}/outcome`, { outcome: 'failed' })).status).toBe(409);
    const t = await ok(clerkV.get(`/api/tickets/${id}`));
    expect(t.timeline.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['citizen.contact_requested', 'citizen.contact_completed']));
    expect(JSON.stringify(t)).not.toContain('13800138000');
    const v = await unitFigures(V);
    expect(v.counters.contacted).toBe(1);
    expect(v.counters.contacted_on_time).toBe(1);
    expect(v.counters.responded_on_time).toBe(1);
    expect(v.figures.response_rate).toBeGreaterThan(0);
    expect(v.figures.response_rate).toBeLessThanOrEqual(1);
  });

  it('exports name units, dimensions and counters in Chinese, and the unit × category table defaults to dispatched work', async () => {
    await env.rt.db.execute(sql`select 1`);
    const res = await supervisor.download(`/api/reports/measures?by=unit&from=${day(-1)}&to=${day(1)}&format=xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.bytes as never);
    const text = JSON.stringify(wb.worksheets.map((ws) => ws.getSheetValues()));
    expect(text).toContain('承办单位');
    expect(text).toContain('区城管局');
    expect(text).toContain('派单量');
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    expect(text).not.toContain('"signed_on_time"');
    const cross = await supervisor.download(`/api/reports/cross?from=${day(-1)}&to=${day(1)}&rows=unit&cols=category&format=xlsx`);
    const cb = new ExcelJS.Workbook();
    await cb.xlsx.load(cross.bytes as never);
    expect(cb.worksheets[0].name).toContain('派单量');
    const rows = cb.worksheets[0]
      .getSheetValues()
      .filter(Boolean)
      .map((r) => (r as unknown[]).slice(1));
    expect(rows.find((r) => r[0] === '区城管局')).toBeTruthy();
  });
});
