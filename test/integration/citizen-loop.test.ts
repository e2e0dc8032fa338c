import { extensionDayFor } from '../../server/sla/extension';
/**
 * The citizen's side of the handling loop (issue 15, items 9-15), over HTTP on real PostgreSQL and
 * Redis with the events worker running: what the citizen reads and when (the review gate), the
 * SMS notices rendered through our template texts, declined and merged appeals, archive after the
 * callback, one callback task per ticket and round, real-name bad reviews, rectification rounds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { Worker } from 'bullmq';
import { useTestEnv, makeUnit, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { closeOverHttp, makeTicket, ticketState, type HandlingCrew } from '../helpers/factories';
import { smsMinutePasses } from '../helpers/sms-window';
import { startEventsWorker } from '../../server/event-handlers';
import { setPolicy } from '../../server/callbacks/policy';
import { callbackAttempts, callbacks } from '../../server/callbacks/tables';
import { sendCallbackSurveyLink } from '../../server/callbacks/use-cases/outbound-calls';
import { ratings, rectifications } from '../../server/reviews/tables';
import { ticketLookup } from '../../server/channels/ports';
import { DECLINE_TEXTS } from '../../server/citizen/public-reply';
import { EVENTS, noticeFor, type EventType } from '../../server/platform/events/catalogue';
import type { DevSmsSender, SmsSender } from '../../server/citizen/sms-sender';
import { SmsDispatcher } from '../../integrations/sms/dispatcher';
import { LogSmsProvider } from '../../integrations/sms/log-provider';
import { SERVER_TEMPLATE_MAP, smsSenderFrom } from '../../integrations/sms/server-bridge';
import { TEMPLATE_TEXTS } from '../../integrations/sms/types';
import type { Actor } from '../../server/platform/context';

const env = useTestEnv();
const BASE = 'https://12345.example.gov.cn';
let agent: ApiClient, dispatcher: ApiClient, supervisor: ApiClient, clerk: ApiClient, anon: ApiClient;
let crew: HandlingCrew, unitId: string, agentActor: Actor, worker: Worker, devSms: DevSmsSender;

/** Every SMS the server asked for (template + params), and the text our template rendered from them. */
const asked: { phone: string; template: string; params: Record<string, string> }[] = [];
const rendered: { to: string; text: string }[] = [];

beforeAll(async () => {
  const unit = await makeUnit(env, { name: '市城管局' });
  unitId = unit.id;
  const a = await makeUser(env, 'agent');
  agentActor = a.actor;
  agent = await ApiClient.login(env.baseUrl, a.user.username);
  dispatcher = await ApiClient.login(env.baseUrl, (await makeUser(env, 'dispatcher')).user.username);
  supervisor = await ApiClient.login(env.baseUrl, (await makeUser(env, 'supervisor')).user.username);
  clerk = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId })).user.username);
  anon = new ApiClient(env.baseUrl);
  crew = { agent, dispatcher, clerk, unitId };
  // Notices go through the real bridge and dispatcher to the log provider, which renders our
  // template texts (what the vendors were given for approval) from the params the server sends.
  const seen = new Set<string>();
  const bridge = smsSenderFrom(
    new SmsDispatcher({
      providers: [new LogSmsProvider((m) => rendered.push({ to: m.to, text: m.text }))],
      log: {
        claim: async (id) => !seen.has(id) && !!seen.add(id),
        release: async (id) => {
          seen.delete(id);
        },
        record: async () => {},
      },
    }),
  );
  const sender: SmsSender = {
    async send(phone, template, params, notificationId) {
      asked.push({ phone, template, params });
      await bridge.send(phone, template, params, notificationId as never);
    },
  };
  devSms = env.rt.sms as unknown as DevSmsSender;
  (env.rt as { sms: SmsSender }).sms = sender;
  worker = startEventsWorker(env.rt, 'redis://127.0.0.1:6379', undefined, { publicBaseUrl: BASE });
});

afterAll(async () => {
  await worker?.close();
});

async function ok(p: Promise<{ status: number; body: any }>, status = 200) {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body.data;
}

async function code(phone: string, purpose: 'submit' | 'track') {
  await smsMinutePasses(env.prefix);
  expect((await anon.post('/api/public/sms-codes', { phone, purpose })).status).toBe(202);
  return (await anon.get(`/api/dev/sms?phone=${phone}`)).body.data.code as string;
}

/** An appeal from the portal: the phone is proven by its SMS code. */
async function portalTicket(phone: string, content = '人行道上的井盖缺失，夜间行人容易踩空') {
  const r = await ok(anon.post('/api/public/appeals', { phone, code: await code(phone, 'submit'), content }), 201);
  const id = (await agent.get(`/api/tickets?number=${r.number}`)).body.data[0].id as string;
  return { id, number: r.number as string, trackToken: r.trackToken as string };
}

const track = (t: { number: string; trackToken: string }) => ok(anon.post('/api/public/track', { number: t.number, trackToken: t.trackToken }));
const policy = (p: Parameters<typeof setPolicy>[1]) => setPolicy(env.rt.db, p, null);
const callbacksOf = (ticketId: string) => env.rt.db.select().from(callbacks).where(eq(callbacks.ticketId, ticketId));

async function until<T>(what: string, f: () => T | undefined | Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the review gate: what the citizen reads, and when (item 9)', () => {
  it('shows the unit reply only after the centre accepts it, never the one sent back, on the tracking page and the channel views', async () => {
    const t = await portalTicket('13700000001');
    await ok(agent.action(t.id, 'submit', { appealType: 'complaint' }));
    await ok(dispatcher.action(t.id, 'dispatch', { leadUnitId: unitId }));
    await ok(clerk.action(t.id, 'sign'));
    await ok(clerk.action(t.id, 'start'));
    await ok(clerk.action(t.id, 'reply', { text: '初稿：已派人查看' }));

    const underReview = await track(t);
    expect(underReview.replyText).toBeNull();
    expect(underReview.status).toBe('in_progress');
    expect(underReview.timeline.map((e: { type: string }) => e.type)).not.toContain('ticket.replied');
    // WeChat page and menu, Open311 and the CTI screen pop read the same view.
    expect((await ticketLookup(env.rt).byNumber(t.number))?.statusNotes).toBeUndefined();

    await ok(dispatcher.action(t.id, 'send-back', { note: '答复未说明处理结果' }));
    await ok(clerk.action(t.id, 'reply', { text: '已补齐井盖并设置警示标志' }));
    expect((await track(t)).replyText).toBeNull();
    await ok(dispatcher.action(t.id, 'accept-reply'));

    const closed = await track(t);
    expect(closed.status).toBe('closed');
    expect(closed.replyText).toBe('已补齐井盖并设置警示标志');
    expect(JSON.stringify(closed)).not.toContain('初稿');
    expect((await ticketLookup(env.rt).byNumber(t.number))?.statusNotes).toBe('已补齐井盖并设置警示标志');
  });
});

describe('SMS notices (item 10)', () => {
  it('fills every variable of every template the server sends: the received SMS carries the tracking link, the closed SMS the rating link', async () => {
    await policy({ sampleRate: 1 });
    const phone = '13700000002';
    const t = await portalTicket(phone);
    await closeOverHttp(env, t.id, crew);
    const link = `${BASE}/track?number=${t.number}&token=${t.trackToken}`;
    const received = await until('the received SMS', () => rendered.find((m) => m.to === phone && m.text.includes('已受理')));
    expect(received.text).toBe(`您反映的诉求已受理，工单号${t.number}，可通过${link}查询进度。`);
    const closed = await until('the closed SMS', () => rendered.find((m) => m.to === phone && m.text.includes('办结')));
    expect(closed.text).toBe(`您的工单${t.number}已答复办结，详情及评价：${link}`);

    // The callback's SMS survey link (回访短信), sent by the callback job.
    const [cb] = await callbacksOf(t.id);
    const now = new Date();
    const [attempt] = await env.rt.db
      .insert(callbackAttempts)
      .values({ callbackId: cb.id, attempt: 1, channel: 'sms', requestedAt: now, updatedAt: now })
      .returning();
    await sendCallbackSurveyLink(env.rt, attempt.id, 900_001, BASE);
    // 延期: a second appeal whose unit gets more time; the citizen hears the new due date.
    const x = await portalTicket('13700000012');
    for (const [who, action, body] of [
      [agent, 'submit', { appealType: 'complaint' }],
      [dispatcher, 'dispatch', { leadUnitId: unitId }],
      [clerk, 'sign', {}],
      [clerk, 'start', {}],
    ] as const)
      await ok(who.action(x.id, action, body));
    await ok(clerk.action(x.id, 'request-extension', { newDueDate: await extensionDayFor(env.rt.db, x.id), reason: '需协调多部门' }));
    await ok(dispatcher.action(x.id, 'approve-extension', {}));
    await until('the extension SMS', () => asked.find((m) => m.template === 'ticket_extended'));
    // Walk every template the server can send: each was sent above, with every variable its text needs, none empty.
    const sent = new Map(asked.map((m) => [m.template, m.params]));
    // The portal's verification codes went out through the app's own (development) sender, which keeps what it sent.
    const code = devSms.sent.find((m) => m.template === 'verification_code');
    if (code) sent.set('verification_code', code.params);
    for (const [server, key] of Object.entries(SERVER_TEMPLATE_MAP)) {
      // An agent's knowledge answer by SMS is not a notice of this flow; knowledge-desk.test.ts checks its variables.
      if (server === 'knowledge_answer') continue;
      const params = sent.get(server);
      expect(params, `${server} was never sent in this flow`).toBeDefined();
      for (const name of TEMPLATE_TEXTS[key].params) expect(params![name], `${server} → ${key}: \${${name}}`).toMatch(/\S/);
    }
    for (const m of rendered) expect(m.text, 'an empty variable').not.toMatch(/\$\{|工单号?[，已]|：$/);
    // Each template text uses exactly the variables it declares (what a vendor binding sends, in order).
    for (const [key, t] of Object.entries(TEMPLATE_TEXTS)) {
      expect([...t.text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]).sort(), key).toEqual([...t.params].sort());
    }
    // Every notice the catalogue names has a vendor template.
    const notices = new Set((Object.keys(EVENTS) as EventType[]).map(noticeFor).filter(Boolean));
    for (const n of notices) expect(Object.keys(SERVER_TEMPLATE_MAP)).toContain(n);
  });
});

describe('declined and merged appeals (item 11)', () => {
  it("tells the citizen why an appeal was declined, in the rule's words, not the agent's note", async () => {
    const t = await portalTicket('13700000003', '请帮我查一下邻居家的收入情况');
    await ok(agent.action(t.id, 'decline', { reasonCode: 'secret_or_privacy', note: '内部备注：来电人情绪激动' }));
    const seen = await track(t);
    expect(seen.status).toBe('declined');
    expect(seen.declineReason).toEqual({ code: 'secret_or_privacy', text: DECLINE_TEXTS.secret_or_privacy.zh });
    expect(JSON.stringify(seen)).not.toContain('内部备注');
    expect((await ticketLookup(env.rt).byNumber(t.number))?.statusNotes).toBe(DECLINE_TEXTS.secret_or_privacy.zh);
  });

  it('tells a merged caller and calls them back when the main ticket closes; their dissatisfied answer reopens the main ticket', async () => {
    await policy({ sampleRate: 0, onDissatisfied: 'reopen' });
    const main = await portalTicket('13700000004', '路灯不亮已经一周了，晚上很危险');
    const dup = await portalTicket('13700000005', '同一条路的路灯坏了很久');
    await ok(agent.action(dup.id, 'merge', { intoTicketNumber: main.number }));
    await closeOverHttp(env, main.id, crew);

    const [task] = await callbacksOf(dup.id);
    expect(task).toMatchObject({ reason: 'merged', status: 'pending', unitId });
    const timeline = (await ok(agent.get(`/api/tickets/${dup.id}`))).timeline.map((e: { type: string }) => e.type);
    expect(timeline).toContain('ticket.main_closed');
    const sms = await until("the merged caller's closed SMS", () => rendered.find((m) => m.to === '13700000005' && m.text.includes('办结')));
    expect(sms.text).toContain(dup.number);
    const dupSeen = await track(dup);
    expect(dupSeen.replyText).toBe('已处理'); // the main ticket's accepted answer
    expect(dupSeen.timeline.map((e: { label: string }) => e.label)).toContain('合并办理的工单已办结');

    const done = await ok(agent.post(`/api/callbacks/${task.id}/outcome`, { reached: true, result: 'unsolved', score: 2 }));
    expect(done.decision).toBe('reopened');
    expect((await ticketState(env, main.id)).ticket.status).toBe('reopened');
    const [rating] = await env.rt.db.select().from(ratings).where(eq(ratings.ticketId, dup.id));
    expect(rating).toMatchObject({ score: 2, unitId, realName: true });
  });
});

describe('archive after the callback (item 12)', () => {
  it('refuses to archive while the callback is open; the dissatisfied answer then reopens the ticket', async () => {
    await policy({ sampleRate: 1, onDissatisfied: 'reopen' });
    const { ticketId } = await makeTicket(env, agentActor);
    await closeOverHttp(env, ticketId, crew);
    const r = await supervisor.action(ticketId, 'archive');
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('CALLBACK_PENDING');
    const [cb] = await callbacksOf(ticketId);
    expect((await ok(agent.post(`/api/callbacks/${cb.id}/outcome`, { reached: true, result: 'unsolved', score: 1 }))).decision).toBe('reopened');
    expect((await ticketState(env, ticketId)).ticket.status).toBe('reopened');
  });

  it('archives once the callback is past its limit, and a late dissatisfied answer still reopens the archived ticket', async () => {
    await policy({ sampleRate: 1, onDissatisfied: 'reopen' });
    const { ticketId } = await makeTicket(env, agentActor);
    await closeOverHttp(env, ticketId, crew);
    await env.rt.db.execute(sql`update callbacks set due_at = now() - interval '1 hour' where ticket_id = ${ticketId}`);
    await ok(supervisor.action(ticketId, 'archive'));
    const [cb] = await callbacksOf(ticketId);
    expect((await ok(agent.post(`/api/callbacks/${cb.id}/outcome`, { reached: true, result: 'unsolved', score: 2 }))).decision).toBe('reopened');
    const after = (await ticketState(env, ticketId)).ticket;
    expect(after.status).toBe('reopened');
    expect(after.reopenCount).toBe(1);
  });
});

describe('callback tasks and real-name bad reviews (items 13, 14)', () => {
  it('keeps one callback task per ticket and round: a bad review after a sampled task adds none, and the database refuses a second', async () => {
    await policy({ sampleRate: 1 });
    const t = await portalTicket('13700000006');
    await closeOverHttp(env, t.id, crew);
    const rated = await ok(anon.post('/api/public/ratings', { number: t.number, trackToken: t.trackToken, score: 1 }), 201);
    expect(rated).toMatchObject({ realName: true, bad: true, callbackPending: true });
    const tasks = await callbacksOf(t.id);
    expect(tasks).toHaveLength(1);
    await expect(env.rt.db.insert(callbacks).values({ ticketId: t.id, round: tasks[0].round, reason: 'bad_review', dueAt: new Date() })).rejects.toMatchObject({
      cause: expect.objectContaining({ code: '23505' }),
    });
  });

  it('a name typed in is not a real name: no callback and none promised; a phone proven by SMS code is', async () => {
    await policy({ sampleRate: 0 });
    const typed = await makeTicket(env, agentActor, { name: '王五', phone: '13700000007' });
    await closeOverHttp(env, typed.ticketId, crew);
    const number = (await ticketState(env, typed.ticketId)).ticket.number;
    const token = env.rt.svc.pii.token('track', number);
    const a = await ok(anon.post('/api/public/ratings', { number, trackToken: token, score: 1 }), 201);
    expect(a).toMatchObject({ realName: false, bad: true, callbackPending: false });
    expect(await callbacksOf(typed.ticketId)).toHaveLength(0);

    const proven = await portalTicket('13700000008');
    await closeOverHttp(env, proven.id, crew);
    const b = await ok(anon.post('/api/public/ratings', { number: proven.number, trackToken: proven.trackToken, score: 2 }), 201);
    expect(b).toMatchObject({ realName: true, callbackPending: true });
    expect((await callbacksOf(proven.id)).map((c) => c.reason)).toEqual(['bad_review']);
  });
});

describe('rectification rounds (item 15)', () => {
  it('still unsatisfied after the fix: a second round with a new limit, then the supervisors; never a silent close', async () => {
    await policy({ sampleRate: 0, rectificationRounds: 2 });
    const { ticketId } = await makeTicket(env, agentActor);
    await closeOverHttp(env, ticketId, crew);
    const number = (await ticketState(env, ticketId)).ticket.number;
    const rating = await ok(anon.post('/api/public/ratings', { number, trackToken: env.rt.svc.pii.token('track', number), score: 2 }), 201);
    const [rect] = await env.rt.db.select().from(rectifications).where(eq(rectifications.ratingId, rating.id));
    const act = (c: ApiClient, action: string, body: unknown) => ok(c.post(`/api/rectifications/${rect.id}/actions/${action}`, body));

    const first = await act(agent, 'verify', { note: '已回访核实' });
    await act(clerk, 'report', { text: '已约谈施工方' });
    const second = await act(agent, 'confirm', { citizenSatisfied: false, note: '夜间仍有噪音' });
    expect(second).toMatchObject({ status: 'rectifying', round: 2, outcome: null, reportText: null });
    expect(new Date(second.dueAt).getTime()).toBeGreaterThanOrEqual(new Date(first.dueAt).getTime());
    await act(clerk, 'report', { text: '已调整作业时间并现场复查' });
    const escalated = await act(agent, 'confirm', { citizenSatisfied: false });
    expect(escalated).toMatchObject({ status: 'escalated', round: 2, outcome: null, closedAt: null });

    const refused = await agent.post(`/api/rectifications/${rect.id}/actions/resolve-escalation`, { note: '结案' });
    expect(refused.status).toBe(403);
    const closed = await act(supervisor, 'resolve-escalation', { note: '经督办，施工已停止，诉求人仍不认可，结案存档' });
    expect(closed).toMatchObject({ status: 'closed', outcome: 'citizen_unsatisfied' });
    const events = (await ok(supervisor.get(`/api/rectifications/${rect.id}`))).events.map((e: { type: string }) => e.type);
    expect(events).toEqual([
      'rectification.opened',
      'rectification.verified',
      'rectification.reported',
      'rectification.next_round',
      'rectification.reported',
      'rectification.escalated',
      'rectification.escalation_resolved',
    ]);
  });
});
