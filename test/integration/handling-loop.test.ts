/**
 * The handling loop's open items, over HTTP on real PostgreSQL and Redis: a manual reopen (重办)
 * supersedes the earlier round's open callback task, and the new round gets its own task; the
 * response rate (响应率) counts a dispatch once the unit signed for it and reached the citizen in time; a
 * unit clerk calls the citizen through the masked-number bridge (隐私号) without seeing the number.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { useTestEnv, makeUnit, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { closeOverHttp, makeTicket, type HandlingCrew } from '../helpers/factories';
import { setPolicy } from '../../server/callbacks/policy';
import type { Actor } from '../../server/platform/context';

const env = useTestEnv();
let agent: ApiClient, dispatcher: ApiClient, clerk: ApiClient;
let crew: HandlingCrew, unitId: string, agentActor: Actor;
let supervisor: ApiClient;

beforeAll(async () => {
  const unit = await makeUnit(env, { name: '市水务局' });
  unitId = unit.id;
  const a = await makeUser(env, 'agent');
  agentActor = a.actor;
  agent = await ApiClient.login(env.baseUrl, a.user.username);
  dispatcher = await ApiClient.login(env.baseUrl, (await makeUser(env, 'dispatcher')).user.username);
  clerk = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId })).user.username);
  crew = { agent, dispatcher, clerk, unitId };
  supervisor = await ApiClient.login(env.baseUrl, (await makeUser(env, 'supervisor')).user.username);
});

async function ok(p: Promise<{ status: number; body: any }>, status = 200) {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body?.data;
}
const chinaDay = (d: number) => new Date(Date.now() + 8 * 3600_000 + d * 86400_000).toISOString().slice(0, 10);
async function figuresOf(unit: string) {
  const rep = await ok(supervisor.get(`/api/reports/measures?from=${chinaDay(-1)}&to=${chinaDay(1)}&by=unit&key=${unit}`));
  return { rep, row: rep.rows[0] as { counters: Record<string, number>; figures: Record<string, number | null> } };
}

async function callbacksOf(ticketId: string) {
  return (
    await env.rt.db.execute<{ id: string; round: number; status: string; reason: string }>(sql`
    select id, round, status, reason from callbacks where ticket_id = ${ticketId} order by round`)
  ).rows;
}

describe('manual reopen (重办) and the open callback task', () => {
  it("supersedes the earlier round's pending callback, with its event, audit and outbox rows, and calls back the new round", async () => {
    await setPolicy(env.rt.db, { sampleRate: 1, callbackBy: 'agent' }, null);
    const { ticketId } = await makeTicket(env, agentActor);
    await closeOverHttp(env, ticketId, crew);
    const [first] = await callbacksOf(ticketId);
    expect(first).toMatchObject({ round: 1, status: 'pending' });

    // Staff reopen by hand while the callback is still open.
    const r = await dispatcher.action(ticketId, 'reopen', { reason: '诉求人来电反映问题仍未解决' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);

    const [after] = await callbacksOf(ticketId);
    expect(after).toMatchObject({ id: first.id, status: 'superseded' });
    // The agent's open task list no longer offers it; the superseded list does.
    const open = (await agent.get('/api/callbacks')).body.data as { id: string }[];
    expect(open.map((c) => c.id)).not.toContain(first.id);
    const superseded = await agent.get('/api/callbacks?status=superseded');
    expect(superseded.status).toBe(200);
    expect((superseded.body.data as { id: string; status: string }[]).find((c) => c.id === first.id)?.status).toBe('superseded');
    // Recording an answer on it is refused: it asks about a reply that has been replaced.
    const late = await agent.post(`/api/callbacks/${first.id}/outcome`, { reached: true, result: 'solved', score: 5 });
    expect(late.status).toBe(409);

    // The timeline says so, in the reopen's transaction: event + audit + outbox rows.
    const ev = (
      await env.rt.db.execute<{ seq: number; data: { callbackId: string } }>(sql`
      select seq, data from ticket_events where ticket_id = ${ticketId} and type = 'callback.superseded'`)
    ).rows;
    expect(ev).toHaveLength(1);
    expect(ev[0].data.callbackId).toBe(first.id);
    const reopenSeq = (
      await env.rt.db.execute<{ seq: number; txid: string }>(sql`
      select seq from ticket_events where ticket_id = ${ticketId} and type = 'ticket.reopened'`)
    ).rows[0].seq;
    expect(Math.abs(ev[0].seq - reopenSeq)).toBe(1);
    const rows = (
      await env.rt.db.execute<{ audits: number; outbox: number }>(sql`select
      (select count(*)::int from audit_log where entity_type = 'ticket' and entity_id = ${ticketId} and action = 'callback.superseded') as audits,
      (select count(*)::int from outbox where payload->>'ticketId' = ${ticketId} and topic = 'callback.superseded') as outbox`)
    ).rows[0];
    expect(rows).toEqual({ audits: 1, outbox: 1 });

    // The new round closes: the citizen is called back about the new answer (reason: reopened), even outside the sample.
    await setPolicy(env.rt.db, { sampleRate: 0 }, null);
    for (const [who, action, body] of [
      [dispatcher, 'dispatch', { leadUnitId: unitId }],
      [clerk, 'sign', {}],
      [clerk, 'start', {}],
      [clerk, 'reply', { text: '已重新处理' }],
      [dispatcher, 'accept-reply', {}],
    ] as const) {
      if (action === 'sign') await env.rt.db.execute(sql`update dispatches set reply_due_at = now() + interval '10 days' where ticket_id = ${ticketId}`);
      const s = await who.action(ticketId, action, body);
      expect(s.status, `${action}: ${JSON.stringify(s.body)}`).toBe(200);
    }
    const all = await callbacksOf(ticketId);
    expect(all).toHaveLength(2);
    expect(all[1]).toMatchObject({ round: 2, status: 'pending', reason: 'reopened' });
    expect(((await agent.get('/api/callbacks')).body.data as { id: string }[]).map((c) => c.id)).toContain(all[1].id);
  });
});

describe('response rate (响应率): signed for and citizen contacted within the limit', () => {
  it('counts signed-and-contacted or returned-in-time dispatches over dispatches not withdrawn before the unit answered', async () => {
    const W = await makeUnit(env, { name: '区市场监管局' });
    const X = await makeUnit(env, { name: '区住建局' });
    const clerkW = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId: W.id })).user.username);
    const dueIn = (id: string, col: 'sign_due_at' | 'reply_due_at', past: boolean) =>
      env.rt.db.execute(sql`update dispatches set ${sql.identifier(col)} = now() + ${past ? sql`interval '-1 day'` : sql`interval '10 days'`}
        where ticket_id = ${id}`);
    const dispatchedToW = async (lateSign = false) => {
      const { ticketId } = await makeTicket(env, agentActor);
      await ok(agent.action(ticketId, 'submit', {}));
      await ok(dispatcher.action(ticketId, 'dispatch', { leadUnitId: W.id }));
      await dueIn(ticketId, 'reply_due_at', false);
      await dueIn(ticketId, 'sign_due_at', lateSign);
      return ticketId;
    };
    const contact = async (id: string) => {
      const req = await ok(clerkW.post(`/api/tickets/${id}/contact-requests`, { callbackNumber: '02088886666' }), 201);
      await ok(dispatcher.post(`/api/contact-requests/${req.id}/outcome`, { outcome: 'connected' }));
    };
    // d1 signed on time and reached the citizen: responded.
    const d1 = await dispatchedToW();
    await ok(clerkW.action(d1, 'sign'));
    await contact(d1);
    // d2 signed on time, never reached the citizen: not responded.
    const d2 = await dispatchedToW();
    await ok(clerkW.action(d2, 'sign'));
    // d3 withdrawn (撤回) before the unit did anything: out of the denominator.
    const d3 = await dispatchedToW();
    await ok(dispatcher.action(d3, 'recall', { reasonCode: 'other', note: '派错区' }));
    // d4 returned before the sign-for limit: the unit answered in time ("not ours").
    const d4 = await dispatchedToW();
    await ok(clerkW.action(d4, 'request-return', { reasonCode: 'not_our_duty', note: '不属本单位' }));
    // d5 signed late, then reached the citizen: not responded in time.
    const d5 = await dispatchedToW(true);
    await ok(clerkW.action(d5, 'sign'));
    await contact(d5);
    // d6 reached the citizen, then recalled as a wrong dispatch: the unit had answered, it stays counted.
    const d6 = await dispatchedToW();
    await ok(clerkW.action(d6, 'sign'));
    await contact(d6);
    await ok(dispatcher.action(d6, 'recall', { reasonCode: 'wrong_dispatch', note: '应由区住建局办理' }));
    // d7 reassigned (改派) to X before W signed: withdrawn from W, a new dispatch for X.
    const d7 = await dispatchedToW();
    await ok(dispatcher.action(d7, 'reassign', { leadUnitId: X.id, reasonCode: 'wrong_dispatch', note: '应由区住建局办理' }));

    const { rep, row: w } = await figuresOf(W.id);
    expect(w.counters).toMatchObject({ dispatched: 7, recalled: 2, responded_on_time: 3, signed: 4, signed_on_time: 3 });
    expect(w.figures.response_rate).toBeCloseTo(3 / 5, 5);
    // The sign-for-only figure stays visible under its own name.
    expect(w.figures.on_time_sign_rate).toBeCloseTo(3 / 4, 5);
    // One measure per definition: the separate "signed and contacted" measure is gone.
    expect(rep.measures.map((m: { code: string }) => m.code)).not.toContain('contact_response_rate');
    expect(w.figures).not.toHaveProperty('contact_response_rate');
    const def = rep.measures.find((m: { code: string }) => m.code === 'response_rate');
    expect(def.definition).toContain('联系');
    expect(def.denominator).toEqual({ dispatched: 1, recalled: -1 });
    const { row: x } = await figuresOf(X.id);
    expect(x.counters).toMatchObject({ dispatched: 1, recalled: 0, responded_on_time: 0 });
    expect(x.figures.response_rate).toBe(0);
  });
});

describe('masked-number call (隐私号): the clerk reaches the citizen without seeing the number', () => {
  it("places the call through the bridge for the request's unit only, records it on the timeline and counts it as contact", async () => {
    const M = await makeUnit(env, { name: '街道办事处' });
    const N = await makeUnit(env, { name: '区民政局' });
    const clerkM = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId: M.id })).user.username);
    const clerkN = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId: N.id })).user.username);
    const phone = '13912345678';
    const { ticketId } = await makeTicket(env, agentActor, { phone });
    await ok(agent.action(ticketId, 'submit', {}));
    await ok(dispatcher.action(ticketId, 'dispatch', { leadUnitId: M.id }));
    await env.rt.db.execute(sql`update dispatches set sign_due_at = now() + interval '1 day', reply_due_at = now() + interval '10 days'
      where ticket_id = ${ticketId}`);
    await ok(clerkM.action(ticketId, 'sign'));
    const req = await ok(clerkM.post(`/api/tickets/${ticketId}/contact-requests`, { callbackNumber: '02088886666' }), 201);

    // Only the clerk of the request's unit places it: another unit does not see it, the centre is not a clerk.
    expect((await clerkN.post(`/api/contact-requests/${req.id}/call`, {})).status).toBe(404);
    expect((await dispatcher.post(`/api/contact-requests/${req.id}/call`, {})).status).toBe(403);

    const call = await clerkM.post(`/api/contact-requests/${req.id}/call`, {});
    expect(call.status, JSON.stringify(call.body)).toBe(200);
    expect(call.body.data).toMatchObject({ id: req.id, status: 'connected', via: 'bridge', talkSeconds: 42 });
    expect(JSON.stringify(call.body)).not.toContain(phone);
    expect(JSON.stringify(call.body)).not.toContain(phone.slice(3));
    // Once: the request is answered.
    expect((await clerkM.post(`/api/contact-requests/${req.id}/call`, {})).status).toBe(409);

    // The clerk's ticket view shows the call, never the number.
    const t = await ok(clerkM.get(`/api/tickets/${ticketId}`));
    const ev = (t.timeline as { type: string; data?: Record<string, unknown> }[]).find((e) => e.type === 'citizen.contact_completed');
    expect(ev?.data).toMatchObject({ outcome: 'connected', via: 'bridge', talkSeconds: 42 });
    expect(JSON.stringify(t)).not.toContain(phone);
    // Event, audit and outbox rows of the outcome; the server-side read of the number for the bridge is audited.
    const rows = (
      await env.rt.db.execute<{ events: number; audits: number; outbox: number; piiReads: number }>(sql`select
      (select count(*)::int from ticket_events where ticket_id = ${ticketId} and type = 'citizen.contact_completed') as events,
      (select count(*)::int from audit_log where entity_id = ${ticketId} and action = 'citizen.contact_completed') as audits,
      (select count(*)::int from outbox where payload->>'ticketId' = ${ticketId} and topic = 'citizen.contact_completed') as outbox,
      (select count(*)::int from audit_log where entity_id = ${ticketId} and action = 'pii.read' and data->>'purpose' = 'masked_call') as "piiReads"`)
    ).rows[0];
    expect(rows).toEqual({ events: 1, audits: 1, outbox: 1, piiReads: 1 });
    // It counts as "citizen contacted" for the response rate.
    const { row } = await figuresOf(M.id);
    expect(row.counters).toMatchObject({ contacted: 1, responded_on_time: 1 });
    expect(row.figures.response_rate).toBe(1);
  });

  it('records a bridge failure as a failed call, and refuses with a message when no bridge is configured', async () => {
    const { setMaskedCallBridge } = await import('../../server/dispatch/masked-call');
    const { counterValue, maskedCallFailures } = await import('../../server/platform/metrics');
    const P = await makeUnit(env, { name: '区卫健委' });
    const clerkP = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId: P.id })).user.username);
    const { ticketId } = await makeTicket(env, agentActor);
    await ok(agent.action(ticketId, 'submit', {}));
    await ok(dispatcher.action(ticketId, 'dispatch', { leadUnitId: P.id }));
    await ok(clerkP.action(ticketId, 'sign'));
    const ask = async () => (await ok(clerkP.post(`/api/tickets/${ticketId}/contact-requests`, { callbackNumber: '02088886666' }), 201)).id as string;
    try {
      const before = await counterValue(maskedCallFailures, { bridge: 'broken' });
      setMaskedCallBridge({
        name: 'broken',
        placeCall: async () => {
          throw new Error('carrier unreachable');
        },
      });
      const failed = await ok(clerkP.post(`/api/contact-requests/${await ask()}/call`, {}));
      expect(failed).toMatchObject({ status: 'failed', via: 'bridge', talkSeconds: null });
      expect(await counterValue(maskedCallFailures, { bridge: 'broken' })).toBe(before + 1);
      setMaskedCallBridge(null);
      const off = await clerkP.post(`/api/contact-requests/${await ask()}/call`, {});
      expect(off.status).toBe(503);
      expect(off.body.code).toBe('MASKED_CALL_UNAVAILABLE');
      expect(JSON.stringify(off.body)).toContain('隐私号');
    } finally {
      setMaskedCallBridge(undefined);
    }
    const { row } = await figuresOf(P.id);
    expect(row.counters).toMatchObject({ contacted: 0, responded_on_time: 0 });
  });
  it('counts a call left "calling" past the bound (the process died mid-call) as failed, interrupted', async () => {
    const { setMaskedCallBridge } = await import('../../server/dispatch/masked-call');
    const { failInterruptedCalls, INTERRUPTED_CALL_MINUTES } = await import('../../server/dispatch/use-cases/contact-citizen');
    const { SYSTEM } = await import('../../server/platform/context');
    const Q = await makeUnit(env, { name: '区市场监管局' });
    const clerkQ = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId: Q.id })).user.username);
    const { ticketId } = await makeTicket(env, agentActor);
    await ok(agent.action(ticketId, 'submit', {}));
    await ok(dispatcher.action(ticketId, 'dispatch', { leadUnitId: Q.id }));
    await ok(clerkQ.action(ticketId, 'sign'));
    const req = await ok(clerkQ.post(`/api/tickets/${ticketId}/contact-requests`, { callbackNumber: '02088886666' }), 201);
    // The bridge never answers while we look: as far as the database knows, the call is in progress (`calling`).
    let hangUp: (r: { outcome: 'connected'; talkSeconds: number; callId: string }) => void = () => {};
    let placed: () => void = () => {};
    const ringing = new Promise<void>((res) => {
      placed = res;
    });
    setMaskedCallBridge({
      name: 'stuck',
      placeCall: () =>
        new Promise((res) => {
          hangUp = res;
          placed();
        }),
    });
    const sweep = (minutes: number) => failInterruptedCalls(env.ctx(SYSTEM, new Date(Date.now() + minutes * 60_000)));
    let call: Promise<{ status: number; body: any }> | undefined;
    try {
      call = clerkQ.post(`/api/contact-requests/${req.id}/call`, {});
      await ringing;
      // A call within the bound may still be going on: left alone.
      expect(await sweep(INTERRUPTED_CALL_MINUTES - 1)).toBe(0);
      // Past the bound nobody is on that call any more: failed, reason interrupted; once.
      expect(await sweep(INTERRUPTED_CALL_MINUTES + 1)).toBe(1);
      expect(await sweep(INTERRUPTED_CALL_MINUTES + 2)).toBe(0);
      // A bridge answer arriving after that does not overwrite it.
      hangUp({ outcome: 'connected', talkSeconds: 30, callId: 'late' });
      expect((await call).status).toBe(409);
    } finally {
      setMaskedCallBridge(undefined);
      hangUp({ outcome: 'connected', talkSeconds: 0, callId: 'cleanup' });
      await call;
    }
    // The clerk sees it on the timeline as a failed call and may place it again with a new request.
    const t = await ok(clerkQ.get(`/api/tickets/${ticketId}`));
    const ev = (t.timeline as { type: string; reason?: string | null; data?: Record<string, unknown> }[]).filter((e) => e.type === 'citizen.contact_completed');
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ reason: 'interrupted', data: { requestId: req.id, outcome: 'failed' } });
    const again = await clerkQ.post(`/api/contact-requests/${req.id}/call`, {});
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain('failed');
    const rows = (
      await env.rt.db.execute<{ status: string; note: string; events: number; audits: number; outbox: number }>(sql`select
      (select status from citizen_contact_requests where id = ${req.id}) as status,
      (select outcome_note from citizen_contact_requests where id = ${req.id}) as note,
      (select count(*)::int from ticket_events where ticket_id = ${ticketId} and type = 'citizen.contact_completed') as events,
      (select count(*)::int from audit_log where entity_id = ${ticketId} and action = 'citizen.contact_completed') as audits,
      (select count(*)::int from outbox where payload->>'ticketId' = ${ticketId} and topic = 'citizen.contact_completed') as outbox`)
    ).rows[0];
    expect(rows).toEqual({ status: 'failed', note: 'interrupted', events: 1, audits: 1, outbox: 1 });
    const { row } = await figuresOf(Q.id);
    expect(row.counters).toMatchObject({ contacted: 0, responded_on_time: 0 });
  });
});
