/**
 * Callback calls with a polling CTI (CTI_CALLBACK_MODE=poll): the CTI fetches due tasks from the
 * signed GET /channels/phone/callback-tasks; handing a task out is its attempt, so a second poll
 * does not hand it out again; the call's events (callbackTaskId) then move it as a pushed call's do.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { asc, eq, sql } from 'drizzle-orm';
import { useTestEnv, makeUnit, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { closeOverHttp, makeTicket } from '../helpers/factories';
import { signRequest } from '../../integrations/shared/hmac';
import { callbackAttempts, callbacks } from '../../server/callbacks/tables';
import { setPolicy } from '../../server/callbacks/policy';
import { handOutDueCallbacks } from '../../server/callbacks/use-cases/outbound-calls';
import { SYSTEM, type Actor } from '../../server/platform/context';

const env = useTestEnv({
  app: { channels: { ctiKeys: 'cti1:cti-secret-1', open311ApiKeys: '', open311Jurisdiction: 'rexian.test', ctiCallbackMode: 'poll' } },
});
let agent: ApiClient, dispatcher: ApiClient, clerk: ApiClient, agentActor: Actor, unitId: string;

beforeAll(async () => {
  unitId = (await makeUnit(env, { name: '市水务局' })).id;
  const a = await makeUser(env, 'agent');
  agentActor = a.actor;
  agent = await ApiClient.login(env.baseUrl, a.user.username);
  dispatcher = await ApiClient.login(env.baseUrl, (await makeUser(env, 'dispatcher')).user.username);
  clerk = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId })).user.username);
  // Every closed ticket gets a callback, dialled by the CTI at any hour of a working day.
  await setPolicy(env.rt.db, { sampleRate: 1, callbackBy: 'cti', maxAttempts: 3, dialRetryHours: 2, dialStartHour: 0, dialEndHour: 24 }, null);
});

async function closedTicket(phone: string) {
  const { ticketId } = await makeTicket(env, agentActor, { phone });
  await closeOverHttp(env, ticketId, { agent, dispatcher, clerk, unitId });
  const [cb] = await env.rt.db.select().from(callbacks).where(eq(callbacks.ticketId, ticketId));
  return cb;
}

const signed = (method: string, path: string, body = '') => ({
  ...signRequest({ keyId: 'cti1', secret: 'cti-secret-1', method, path, body }),
  'content-type': 'application/json',
});
const attemptsOf = (id: string) => env.rt.db.select().from(callbackAttempts).where(eq(callbackAttempts.callbackId, id)).orderBy(asc(callbackAttempts.attempt));

describe('callback calls fetched by a polling CTI', () => {
  it('hands a due task out once (the hand-out is the attempt), never a task without a phone number', async () => {
    const cb = await closedTicket('13800138001');
    await env.rt.db
      .update(callbacks)
      .set({ nextDialAt: new Date('2026-11-26T01:00:00Z') })
      .where(eq(callbacks.id, cb.id));
    const thursday = new Date('2026-11-26T02:00:00Z'); // 10:00 China time, a working day
    const tasks = await handOutDueCallbacks(env.ctx(SYSTEM, thursday), 10);
    expect(tasks).toEqual([
      { taskId: cb.id, to: '13800138001', attempts: 1, survey: true, window: { from: thursday.toISOString(), to: '2026-11-26T16:00:00.000Z' } },
    ]);
    expect((await attemptsOf(cb.id)).map((a) => [a.attempt, a.status])).toEqual([[1, 'placed']]);
    expect(await handOutDueCallbacks(env.ctx(SYSTEM, thursday), 10)).toEqual([]);

    const saturday = new Date('2026-11-28T02:00:00Z');
    const cb2 = await closedTicket('13800138002');
    await env.rt.db
      .update(callbacks)
      .set({ nextDialAt: new Date('2026-11-27T01:00:00Z') })
      .where(eq(callbacks.id, cb2.id));
    expect(await handOutDueCallbacks(env.ctx(SYSTEM, saturday), 10)).toEqual([]); // not on a day off: moved to Monday
    expect((await env.rt.db.select().from(callbacks).where(eq(callbacks.id, cb2.id)))[0].nextDialAt).toEqual(new Date('2026-11-29T16:00:00Z'));

    const cb3 = await closedTicket('13800138003');
    await env.rt.db.execute(sql`delete from citizen_contacts where citizen_id = (select citizen_id from tickets where id = ${cb3.ticketId})`);
    await env.rt.db
      .update(callbacks)
      .set({ nextDialAt: new Date('2026-11-26T01:00:00Z') })
      .where(eq(callbacks.id, cb3.id));
    expect(await handOutDueCallbacks(env.ctx(SYSTEM, thursday), 10)).toEqual([]);
    expect((await attemptsOf(cb3.id)).map((a) => [a.status, a.detail])).toEqual([['push_failed', 'NO_PHONE']]);
  });

  it('serves GET /channels/phone/callback-tasks to the signed CTI only; its call events then move the attempt', async () => {
    const path = '/channels/phone/callback-tasks?limit=5';
    expect((await fetch(env.baseUrl + path)).status).toBe(401);

    const cb = await closedTicket('13800138004');
    // Due now, on a day made a working day for this test (the route runs at the wall clock).
    await env.rt.db.execute(sql`delete from holidays where date = (now() at time zone 'Asia/Shanghai')::date`);
    await env.rt.db.execute(sql`insert into holidays (date, kind, name) select (now() at time zone 'Asia/Shanghai')::date, 'workday', '测试'
      where extract(isodow from (now() at time zone 'Asia/Shanghai')::date) >= 6`);
    await env.rt.db
      .update(callbacks)
      .set({ nextDialAt: new Date(Date.now() - 60_000) })
      .where(eq(callbacks.id, cb.id));
    const res = await fetch(env.baseUrl + path, { headers: signed('GET', path) });
    expect(res.status).toBe(200);
    const { tasks } = (await res.json()) as { tasks: { taskId: string; to: string }[] };
    expect(tasks.find((x) => x.taskId === cb.id)).toMatchObject({ to: '13800138004', survey: true });

    // No answer: the attempt closes and the next call is due at least 2 h later.
    const at = new Date();
    const events = JSON.stringify([
      {
        eventId: `ev-${cb.id}`,
        callId: `out-${cb.id}`,
        type: 'ended',
        at: at.toISOString(),
        direction: 'outbound',
        caller: '12345',
        callee: '13800138004',
        callbackTaskId: cb.id,
        hangupCause: 'NO_ANSWER',
      },
    ]);
    const ev = await fetch(`${env.baseUrl}/channels/phone/events`, { method: 'POST', body: events, headers: signed('POST', '/channels/phone/events', events) });
    expect(ev.status).toBe(202);
    expect((await attemptsOf(cb.id)).map((a) => a.status)).toEqual(['no_answer']);
    const [task] = await env.rt.db.select().from(callbacks).where(eq(callbacks.id, cb.id));
    expect(task.attempts).toBe(1);
    expect(task.nextDialAt!.getTime()).toBeGreaterThanOrEqual(at.getTime() + 2 * 3600_000 - 1000);
  });
});
