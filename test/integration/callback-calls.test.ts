/**
 * Callback calls by the CTI (回访外呼), end to end: the dialer sweep makes an attempt, the outbox +
 * BullMQ worker pushes it to a local HTTP server standing in for the CTI (which checks the §0.3
 * HMAC itself, computed here from the spec's formula, not with our verifier), the CTI's signed
 * CallEvents come back over /channels/phone/events; no answer / busy → the next attempt ≥ 2 h
 * later inside working hours; after 3 calls the SMS survey link; an answered call rated by key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, createHmac } from 'node:crypto';
import { eq, asc } from 'drizzle-orm';
import type { Worker } from 'bullmq';
import { useTestEnv, makeUnit, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { closeOverHttp, makeTicket } from '../helpers/factories';
import { signRequest } from '../../integrations/shared/hmac';
import { CtiOutboundClient } from '../../integrations/phone-cti/outbound-client';
import { startEventsWorker } from '../../server/event-handlers';
import { callbackAttempts, callbacks } from '../../server/callbacks/tables';
import { ratings } from '../../server/reviews/tables';
import { setPolicy } from '../../server/callbacks/policy';
import { dialDueCallbacks } from '../../server/callbacks/use-cases/outbound-calls';
import { nextDialSlot } from '../../server/callbacks/dial-window';
import { holidays } from '../../server/dispatch/tables';
import { createCalendar, type WorkCalendar } from '../../server/sla/calendar';
import type { HolidayRow } from '../../server/sla/holiday-rows';
import { SYSTEM, type Actor } from '../../server/platform/context';
import type { DevSmsSender } from '../../server/citizen/sms-sender';

const env = useTestEnv({ app: { channels: { ctiKeys: 'cti1:cti-secret-1', open311ApiKeys: '', open311Jurisdiction: 'rexian.test' } } });
const OUR_KEY = { id: 'rexian-out', secret: 'outbound-secret-9' };
let agent: ApiClient, dispatcher: ApiClient, clerk: ApiClient, agentActor: Actor, unit: { id: string };
let worker: Worker, cal: WorkCalendar;

/** The stand-in CTI: records each request and whether its signature checks out; answers 503 to the first one. */
const cti = { requests: [] as { path: string; body: Record<string, unknown>; keyId: string; signatureOk: boolean }[], refuseNext: 1 };
let ctiServer: http.Server, ctiUrl: string;

function expectedSignature(secret: string, method: string, path: string, ts: string, nonce: string, body: Buffer) {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  return createHmac('sha256', secret).update(`${method}\n${path}\n${ts}\n${nonce}\n${bodyHash}`).digest('hex');
}

beforeAll(async () => {
  ctiServer = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const h = (n: string) => String(req.headers[n] ?? '');
      const sig = expectedSignature(OUR_KEY.secret, req.method!, req.url!, h('x-rexian-timestamp'), h('x-rexian-nonce'), body);
      const fresh = Math.abs(Date.now() / 1000 - Number(h('x-rexian-timestamp'))) <= 300;
      cti.requests.push({
        path: req.url!,
        body: JSON.parse(body.toString('utf8')),
        keyId: h('x-rexian-key-id'),
        signatureOk: fresh && h('x-rexian-signature') === sig && h('x-rexian-nonce').length >= 16,
      });
      if (cti.refuseNext > 0) {
        cti.refuseNext--;
        res.writeHead(503).end();
        return;
      }
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":true}');
    });
  });
  await new Promise<void>((r) => ctiServer.listen(0, '127.0.0.1', r));
  ctiUrl = `http://127.0.0.1:${(ctiServer.address() as AddressInfo).port}/cti`;

  unit = await makeUnit(env, { name: '市水务局' });
  const a = await makeUser(env, 'agent');
  agentActor = a.actor;
  agent = await ApiClient.login(env.baseUrl, a.user.username);
  dispatcher = await ApiClient.login(env.baseUrl, (await makeUser(env, 'dispatcher')).user.username);
  clerk = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId: unit.id })).user.username);
  await setPolicy(env.rt.db, { sampleRate: 1, callbackBy: 'cti', maxAttempts: 3, dialRetryHours: 2, dialStartHour: 9, dialEndHour: 18 }, null);
  cal = createCalendar((await env.rt.db.select({ date: holidays.date, kind: holidays.kind, name: holidays.name }).from(holidays)) as HolidayRow[]);
  worker = startEventsWorker(env.rt, 'redis://127.0.0.1:6379', undefined, {
    cti: new CtiOutboundClient({ baseUrl: ctiUrl, keyId: OUR_KEY.id, secret: OUR_KEY.secret }),
    publicBaseUrl: 'https://12345.example.gov.cn',
  });
});

afterAll(async () => {
  await worker?.close();
  await new Promise((r) => ctiServer.close(r));
});

async function closedTicket(phone: string) {
  const { ticketId } = await makeTicket(env, agentActor, { phone });
  await closeOverHttp(env, ticketId, { agent, dispatcher, clerk, unitId: unit.id });
  const [cb] = await env.rt.db.select().from(callbacks).where(eq(callbacks.ticketId, ticketId));
  return { ticketId, cb };
}

async function sendEvents(events: unknown[]) {
  const body = JSON.stringify(events);
  const res = await fetch(`${env.baseUrl}/channels/phone/events`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      ...signRequest({ keyId: 'cti1', secret: 'cti-secret-1', method: 'POST', path: '/channels/phone/events', body }),
    },
  });
  expect(res.status).toBe(202);
}

const attemptsOf = (callbackId: string) =>
  env.rt.db.select().from(callbackAttempts).where(eq(callbackAttempts.callbackId, callbackId)).orderBy(asc(callbackAttempts.attempt));
const taskOf = async (id: string) => (await env.rt.db.select().from(callbacks).where(eq(callbacks.id, id)))[0];
async function until<T>(what: string, f: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const dial = (now: Date) => dialDueCallbacks(env.ctx(SYSTEM, now));
const placed = (callbackId: string, n: number) =>
  until(`attempt ${n} placed`, async () => {
    const a = (await attemptsOf(callbackId))[n - 1];
    return a?.status === 'placed' && a;
  });
const call = (callbackId: string, callId: string, at: Date) => ({
  callId,
  direction: 'outbound',
  caller: '12345',
  callee: '13800138000',
  callbackTaskId: callbackId,
  at: at.toISOString(),
});
const chinaHour = (d: Date) => new Date(d.getTime() + 8 * 3600_000).getUTCHours();

describe('callback calls (回访外呼)', () => {
  it('pushes the task to the CTI signed, retries no answer / busy ≥ 2 h apart in working hours, then sends the SMS survey link', async () => {
    const { ticketId, cb } = await closedTicket('13800138000');
    expect(cb.nextDialAt).not.toBeNull(); // due for the CTI, not only on an agent's list
    const t0 = nextDialSlot(new Date(Date.now() + 3600_000), cal, 10, 17);

    // Attempt 1: the CTI refuses once (503), the job retries, then the call is placed.
    expect(await dial(t0)).toBe(1);
    await placed(cb.id, 1);
    expect(cti.requests).toHaveLength(2);
    for (const r of cti.requests) {
      expect(r).toMatchObject({ path: '/cti/outbound-calls', keyId: OUR_KEY.id, signatureOk: true, body: { taskId: cb.id, to: '13800138000', survey: true } });
    }
    const end1 = new Date(t0.getTime() + 60_000);
    await sendEvents([
      { ...call(cb.id, 'ob-1', t0), eventId: 'ob-1-r', type: 'ringing' },
      { ...call(cb.id, 'ob-1', end1), eventId: 'ob-1-e', type: 'ended', hangupCause: 'NO_ANSWER' },
    ]);
    let task = await taskOf(cb.id);
    expect((await attemptsOf(cb.id)).map((a) => [a.attempt, a.channel, a.status, a.callId])).toEqual([[1, 'phone', 'no_answer', 'ob-1']]);
    expect(task).toMatchObject({ status: 'pending', attempts: 1 });
    const next2 = task.nextDialAt!;
    expect(next2.getTime()).toBeGreaterThanOrEqual(end1.getTime() + 2 * 3600_000);
    expect(cal.isWorkingDay(next2)).toBe(true);
    expect(chinaHour(next2)).toBeGreaterThanOrEqual(9);
    expect(chinaHour(next2)).toBeLessThan(18);

    // Not before its time; then attempt 2, busy.
    expect(await dial(new Date(end1.getTime() + 3600_000))).toBe(0);
    expect(await dial(next2)).toBe(1);
    await placed(cb.id, 2);
    const end2 = new Date(next2.getTime() + 30_000);
    await sendEvents([{ ...call(cb.id, 'ob-2', end2), eventId: 'ob-2-e', type: 'ended', hangupCause: 'USER_BUSY' }]);
    task = await taskOf(cb.id);
    expect(task.attempts).toBe(2);

    // Attempt 3, no answer: that was the last call; the SMS survey link goes out instead.
    expect(await dial(task.nextDialAt!)).toBe(1);
    await placed(cb.id, 3);
    const lastEnded = { ...call(cb.id, 'ob-3', new Date(task.nextDialAt!.getTime() + 40_000)), eventId: 'ob-3-e', type: 'ended' };
    await sendEvents([lastEnded]);
    const sms = await until('SMS link sent', async () => {
      const a = (await attemptsOf(cb.id))[3];
      return a?.status === 'sent' && a;
    });
    expect(sms).toMatchObject({ attempt: 4, channel: 'sms' });
    expect((await attemptsOf(cb.id)).map((a) => a.status)).toEqual(['no_answer', 'busy', 'no_answer', 'sent']);
    task = await taskOf(cb.id);
    expect(task).toMatchObject({ status: 'pending', attempts: 3, channel: 'sms', nextDialAt: null });
    const sent = (env.rt.sms as unknown as DevSmsSender).sent.filter((m) => m.template === 'callback_link');
    expect(sent).toHaveLength(1);
    expect(sent[0].phone).toBe('13800138000');
    expect(sent[0].params.link).toMatch(new RegExp(`^https://12345\\.example\\.gov\\.cn/track\\?callback=${cb.id}&token=[0-9a-f]{32}$`));

    // A replayed CallEvent and another sweep change nothing; the timeline shows each failed call.
    await sendEvents([lastEnded]);
    expect(await dial(new Date(task.nextDialAt?.getTime() ?? Date.now() + 30 * 86400_000))).toBe(0);
    expect(await attemptsOf(cb.id)).toHaveLength(4);
    expect(cti.requests).toHaveLength(4);
    const timeline = (await agent.get(`/api/tickets/${ticketId}`)).body.data.timeline as { type: string; data: { via?: string; outcome?: string } }[];
    expect(timeline.filter((e) => e.type === 'callback.completed' && e.data.via === 'cti').map((e) => e.data.outcome)).toEqual([
      'no_answer',
      'busy',
      'no_answer',
    ]);
    // The agent's task detail lists every attempt.
    const detail = (await agent.get(`/api/callbacks/${cb.id}`)).body.data;
    expect(detail.dialAttempts.map((a: { channel: string; status: string }) => `${a.channel}:${a.status}`)).toEqual([
      'phone:no_answer',
      'phone:busy',
      'phone:no_answer',
      'sms:sent',
    ]);
  });

  it('an answered callback call: the survey key rates the ticket and completes the task', async () => {
    const { ticketId, cb } = await closedTicket('13900139000');
    const t0 = nextDialSlot(new Date(Date.now() + 3600_000), cal, 10, 17);
    expect(await dial(t0)).toBe(1);
    await placed(cb.id, 1);
    const c = { ...call(cb.id, 'ob-9', t0), callee: '13900139000' };
    await sendEvents([
      { ...c, eventId: 'ob-9-a', type: 'answered' },
      { ...c, eventId: 'ob-9-s', type: 'survey_result', surveyDigit: '1' },
      { ...c, eventId: 'ob-9-e', type: 'ended', durationSec: 50 },
    ]);
    expect((await attemptsOf(cb.id)).map((a) => a.status)).toEqual(['answered']);
    expect(await taskOf(cb.id)).toMatchObject({ status: 'done', score: 5, channel: 'ivr' });
    expect((await env.rt.db.select().from(ratings).where(eq(ratings.ticketId, ticketId))).map((r) => [r.score, r.source])).toEqual([[5, 'ivr']]);
  });

  it("a centre that goes back to agents' calls: due tasks are not dialled and stay on the agents' list", async () => {
    const { cb } = await closedTicket('13700137000');
    await setPolicy(env.rt.db, { callbackBy: 'agent' }, null);
    const requests = cti.requests.length;
    expect(await dial(nextDialSlot(new Date(Date.now() + 3600_000), cal, 10, 17))).toBe(0);
    expect(await taskOf(cb.id)).toMatchObject({ status: 'pending', nextDialAt: null });
    expect(await attemptsOf(cb.id)).toHaveLength(0);
    expect(cti.requests).toHaveLength(requests);
    const list = (await agent.get('/api/callbacks')).body.data as { id: string }[];
    expect(list.map((x) => x.id)).toContain(cb.id);
  });
});
