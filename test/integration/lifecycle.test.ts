import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { useTestEnv, makeUnit, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { makeTicket, ticketState } from '../helpers/factories';
import { TRANSITIONS } from '../../server/tickets/states';
import { calendarOf, chinaDayOf } from '../../server/sla/extension';

const env = useTestEnv();
let agent: ApiClient, dispatcher: ApiClient, supervisor: ApiClient, clerkA: ApiClient, clerkB: ApiClient, clerkAssist: ApiClient;
let unitA: { id: string }, unitB: { id: string }, unitC: { id: string };
let agentActor: Awaited<ReturnType<typeof makeUser>>['actor'];

beforeAll(async () => {
  unitA = await makeUnit(env, { name: '市住建局' });
  unitB = await makeUnit(env, { name: '天河区政府' });
  unitC = await makeUnit(env, { name: '市生态环境局' });
  const a = await makeUser(env, 'agent');
  agentActor = a.actor;
  const users = {
    dispatcher: await makeUser(env, 'dispatcher'),
    supervisor: await makeUser(env, 'supervisor'),
    clerkA: await makeUser(env, 'unit_clerk', { unitId: unitA.id }),
    clerkB: await makeUser(env, 'unit_clerk', { unitId: unitB.id }),
    clerkC: await makeUser(env, 'unit_clerk', { unitId: unitC.id }),
  };
  agent = await ApiClient.login(env.baseUrl, a.user.username);
  dispatcher = await ApiClient.login(env.baseUrl, users.dispatcher.user.username);
  supervisor = await ApiClient.login(env.baseUrl, users.supervisor.user.username);
  clerkA = await ApiClient.login(env.baseUrl, users.clerkA.user.username);
  clerkB = await ApiClient.login(env.baseUrl, users.clerkB.user.username);
  clerkAssist = await ApiClient.login(env.baseUrl, users.clerkC.user.username);
});

/** Each transition must move the status and leave exactly one more event, audit row and outbox row. */
async function step(c: ApiClient, id: string, action: string, body: unknown, expectStatus: string) {
  const before = await ticketState(env, id);
  const r = await c.action(id, action, body);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const after = await ticketState(env, id);
  expect(after.ticket.status).toBe(expectStatus);
  expect(after.events).toBeGreaterThan(before.events);
  expect(after.audits - before.audits).toBe(after.events - before.events);
  expect(after.outbox - before.outbox).toBe(after.events - before.events);
  expect(after.ticket.version).toBe(after.events);
  return r.body.data;
}

async function newTicket() {
  return (await makeTicket(env, agentActor)).ticketId;
}

describe('ticket lifecycle over HTTP', () => {
  it('runs the main path: register → submit → dispatch (lead + assisting) → sign → start → reply → close → reopen → redispatch → archive', async () => {
    const id = await newTicket();
    await step(agent, id, 'submit', { appealType: 'complaint' }, 'pending_dispatch');
    const d = await step(dispatcher, id, 'dispatch', { leadUnitId: unitA.id, assistingUnitIds: [unitC.id] }, 'dispatched');
    expect(d.dispatches.map((x: { role: string }) => x.role).sort()).toEqual(['assisting', 'lead']);
    // The assisting unit signs and reports to the lead without moving the ticket.
    const r1 = await clerkAssist.action(id, 'sign');
    expect(r1.status).toBe(200);
    expect((await ticketState(env, id)).ticket.status).toBe('dispatched');
    await step(clerkA, id, 'sign', {}, 'signed');
    await step(clerkA, id, 'start', {}, 'in_progress');
    const r2 = await clerkAssist.action(id, 'reply', { text: '协办意见：已现场核查' });
    expect(r2.status).toBe(200);
    expect((await ticketState(env, id)).ticket.status).toBe('in_progress');
    const replied = await step(clerkA, id, 'reply', { text: '已责令施工单位停止夜间施工' }, 'replied');
    expect(replied.replyText).toBe('已责令施工单位停止夜间施工');
    await step(dispatcher, id, 'send-back', { note: '答复未说明整改时限' }, 'in_progress');
    await step(clerkA, id, 'reply', { text: '已责令停工，三日内整改完毕' }, 'replied');
    await step(agent, id, 'accept-reply', {}, 'closed');
    await step(supervisor, id, 'reopen', { reason: '回访不满意' }, 'reopened');
    const again = await step(dispatcher, id, 'dispatch', { leadUnitId: unitB.id }, 'dispatched');
    expect(again.currentRound).toBe(2);
    expect(again.dispatches.filter((x: { round: number }) => x.round === 1).every((x: { status: string }) => x.status === 'closed')).toBe(true);
    await step(clerkB, id, 'sign', {}, 'signed');
    await step(clerkB, id, 'start', {}, 'in_progress');
    await step(clerkB, id, 'reply', { text: '已处理' }, 'replied');
    await step(dispatcher, id, 'accept-reply', {}, 'closed');
    // Archive waits for this round's callback, when the close made one (sampled or overdue).
    const [cb] = (
      await env.rt.db.execute<{ id: string }>(sql`select c.id from callbacks c join tickets t on t.id = c.ticket_id
      where c.ticket_id = ${id} and c.round = t.current_round and c.status = 'pending'`)
    ).rows;
    if (cb) {
      expect((await supervisor.action(id, 'archive')).body.code).toBe('CALLBACK_PENDING');
      expect((await agent.post(`/api/callbacks/${cb.id}/outcome`, { reached: true, result: 'solved', score: 5 })).status).toBe(200);
    }
    await step(supervisor, id, 'archive', {}, 'archived');
  });

  it('handles return: rejected goes back to where it was and counts as improper; approved reassigns', async () => {
    const id = await newTicket();
    await step(agent, id, 'submit', {}, 'pending_dispatch');
    await step(dispatcher, id, 'dispatch', { leadUnitId: unitA.id }, 'dispatched');
    await step(clerkA, id, 'sign', {}, 'signed');
    await step(clerkA, id, 'request-return', { reasonCode: 'not_our_duty', note: '属区政府职责' }, 'return_requested');
    const rejected = await step(dispatcher, id, 'reject-return', { note: '属于住建职责' }, 'signed');
    expect(rejected.dispatches[0].status).toBe('signed');
    await step(clerkA, id, 'request-return', { reasonCode: 'wrong_area', note: '地址不在本市' }, 'return_requested');
    const moved = await step(dispatcher, id, 'approve-return', { leadUnitId: unitB.id }, 'dispatched');
    expect(moved.leadUnit.id).toBe(unitB.id);
    // The old unit no longer acts on it.
    expect((await clerkA.action(id, 'sign')).status).toBe(404);
    await step(clerkB, id, 'sign', {}, 'signed');
  });

  it('handles extension: approved sets the new deadline, denied keeps the old one', async () => {
    const id = await newTicket();
    await step(agent, id, 'submit', {}, 'pending_dispatch');
    await step(dispatcher, id, 'dispatch', { leadUnitId: unitA.id }, 'dispatched');
    await step(clerkA, id, 'sign', {}, 'signed');
    const started = await step(clerkA, id, 'start', {}, 'in_progress');
    // Working days after the current deadline, within the policy's maximum (the extension rules: test/integration/loop-limits.test.ts).
    const cal = await calendarOf(env.rt.db);
    const due = chinaDayOf(new Date(started.dispatches[0].replyDueAt));
    await step(clerkA, id, 'request-extension', { newDueDate: cal.addWorkingDays(due, 3), reason: '需协调多部门' }, 'extension_requested');
    await step(dispatcher, id, 'deny-extension', { note: '理由不充分' }, 'in_progress');
    await step(clerkA, id, 'request-extension', { newDueDate: cal.addWorkingDays(due, 2), reason: '需协调多部门' }, 'extension_requested');
    const ok = await step(dispatcher, id, 'approve-extension', {}, 'in_progress');
    expect(chinaDayOf(new Date(ok.dispatches[0].replyDueAt))).toBe(cal.addWorkingDays(due, 2));
  });

  it('handles intake dispositions: direct answer, emergency, decline, merge', async () => {
    const a = await newTicket();
    await step(agent, a, 'answer-directly', { answer: '可在政务服务网办理' }, 'answered_directly');
    await step(agent, a, 'close-direct', {}, 'closed');
    const b = await newTicket();
    const em = await step(agent, b, 'transfer-emergency', { line: '119' }, 'transferred_emergency');
    expect(em.emergency).toBe('119');
    const c = await newTicket();
    await step(agent, c, 'decline', { reasonCode: 'statutory_route', note: '属诉讼程序，请向法院起诉' }, 'declined');
    const target = await newTicket();
    const dup = await newTicket();
    const targetNumber = (await ticketState(env, target)).ticket.number;
    await step(agent, dup, 'merge', { intoTicketNumber: targetNumber }, 'merged');
    const t = await agent.get(`/api/tickets/${target}`);
    expect(t.body.data.timeline.map((e: { type: string }) => e.type)).toContain('ticket.duplicate_attached');
    // A closed ticket cannot take merges.
    const e = await newTicket();
    expect((await agent.action(e, 'merge', { intoTicketNumber: (await ticketState(env, a)).ticket.number })).body.code).toBe('MERGE_TARGET_INVALID');
  });

  it('walks every row of the transition table: each declared role can reach each target from each source state', () => {
    // The table itself is data the console reads; this checks it covers domain.md §2.
    const targets = new Set(TRANSITIONS.map((t) => t.to));
    for (const s of [
      'answered_directly',
      'transferred_emergency',
      'declined',
      'merged',
      'pending_dispatch',
      'dispatched',
      'signed',
      'in_progress',
      'return_requested',
      'extension_requested',
      'replied',
      'closed',
      'reopened',
      'archived',
    ]) {
      expect(targets.has(s as never), s).toBe(true);
    }
  });
});

describe('forbidden moves', () => {
  it('refuses an out-of-order action with 409 and changes nothing', async () => {
    const id = await newTicket();
    const before = await ticketState(env, id);
    const r = await dispatcher.action(id, 'accept-reply');
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('TICKET_STATE_CONFLICT');
    expect(r.body.message).toBe('工单状态已变化，请刷新后重试');
    const after = await ticketState(env, id);
    expect(after).toEqual(before);
  });

  it('refuses a role that may not act with 403, in the caller language', async () => {
    const id = await newTicket();
    clerkA.lang = 'en';
    const r = await clerkA.action(id, 'submit');
    clerkA.lang = 'zh-CN';
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('FORBIDDEN');
    expect(r.body.message).toBe('You are not allowed to do this');
  });

  it('refuses an assisting unit replying for the lead before it signed, and a clerk of another unit entirely', async () => {
    const id = await newTicket();
    await step(agent, id, 'submit', {}, 'pending_dispatch');
    await step(dispatcher, id, 'dispatch', { leadUnitId: unitA.id, assistingUnitIds: [unitC.id] }, 'dispatched');
    expect((await clerkAssist.action(id, 'start')).body.code).toBe('NOT_LEAD_UNIT');
    expect((await clerkAssist.action(id, 'reply', { text: 'x' })).status).toBe(409);
    expect((await clerkB.action(id, 'sign')).status).toBe(404);
  });

  it('rejects unknown fields, bad types, unknown actions and non-JSON bodies', async () => {
    const id = await newTicket();
    const r1 = await agent.action(id, 'decline', { reasonCode: 'statutory_route', note: 'x', extra: 1 });
    expect(r1.status).toBe(400);
    expect(r1.body.code).toBe('VALIDATION_FAILED');
    expect((await agent.action(id, 'decline', { reasonCode: 'whatever', note: 'x' })).status).toBe(400);
    expect((await agent.action(id, 'fly-away')).status).toBe(404);
    const r4 = await agent.request('POST', `/api/tickets/${id}/actions/submit`, 'not json', { 'content-type': 'text/plain' });
    expect(r4.status).toBe(415);
    const r5 = await agent.request('POST', `/api/tickets/${id}/actions/submit`, '{bad', { 'content-type': 'application/json' });
    expect(r5.body.code).toBe('BAD_JSON');
    const big = await agent.post('/api/tickets', { callerPhone: '13800138000', content: 'x'.repeat(300_000) });
    expect(big.status).toBe(413);
    expect((await ticketState(env, id)).ticket.status).toBe('received');
  });

  it('refuses writes without the CSRF token and requests without a session', async () => {
    const id = await newTicket();
    const saved = agent.csrf;
    agent.csrf = '';
    const r = await agent.action(id, 'submit');
    agent.csrf = saved;
    expect(r.body.code).toBe('CSRF_FAILED');
    const anon = new ApiClient(env.baseUrl);
    expect((await anon.get('/api/tickets')).status).toBe(401);
  });
});

describe('registration response', () => {
  it('answers with exactly what a read of the stored ticket returns', async () => {
    const r = await agent.post('/api/tickets', {
      callerPhone: '+86 139-1111-2222',
      callerName: '王五',
      content: '路灯坏了',
      address: '天河区某路1号',
      appealType: 'help',
      urgency: 'urgent',
    });
    expect(r.status).toBe(201);
    const read = await agent.get(`/api/tickets/${r.body.data.id}`);
    expect(r.body.data).toEqual(read.body.data);
  });
});
