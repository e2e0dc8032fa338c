/**
 * IVR satisfaction key (满意度按键) → 好差评, end to end over HTTP: signed CallEvents posted to
 * /channels/phone/events make real ratings (source ivr) through createRating, a bad one opens a
 * rectification, a replay makes nothing new, an unmapped key makes no rating, and a ticket that
 * is not closed is recorded as ignored with a reason while the CTI gets its 202.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { useTestEnv, makeUnit, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { closeOverHttp, makeTicket } from '../helpers/factories';
import { signRequest } from '../../integrations/shared/hmac';
import { ratings, rectifications } from '../../server/reviews/tables';
import { callbacks } from '../../server/callbacks/tables';
import { createCallbackTask } from '../../server/callbacks/use-cases/schedule-callback';
import { setPolicy } from '../../server/callbacks/policy';
import type { Actor } from '../../server/platform/context';

const env = useTestEnv({ app: { channels: { ctiKeys: 'cti1:cti-secret-1', open311ApiKeys: '', open311Jurisdiction: 'rexian.test' } } });
let agent: ApiClient, dispatcher: ApiClient, clerk: ApiClient;
let agentActor: Actor;
let unit: { id: string };

beforeAll(async () => {
  unit = await makeUnit(env, { name: '市城管局' });
  const a = await makeUser(env, 'agent');
  agentActor = a.actor;
  agent = await ApiClient.login(env.baseUrl, a.user.username);
  dispatcher = await ApiClient.login(env.baseUrl, (await makeUser(env, 'dispatcher')).user.username);
  clerk = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId: unit.id })).user.username);
  await setPolicy(env.rt.db, { sampleRate: 0 }, null); // no callback tasks unless a test makes one
});

async function send(events: unknown[]) {
  const body = JSON.stringify(events);
  const res = await fetch(`${env.baseUrl}/channels/phone/events`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      ...signRequest({ keyId: 'cti1', secret: 'cti-secret-1', method: 'POST', path: '/channels/phone/events', body }),
    },
  });
  return { status: res.status, body: (await res.json()) as { accepted: number; duplicates: number } };
}

const survey = (callId: string, eventId: string, digit: string, extra: Record<string, unknown> = {}) => ({
  eventId,
  callId,
  type: 'survey_result',
  at: new Date().toISOString(),
  direction: 'inbound',
  caller: '13911112222',
  callee: '12345',
  surveyDigit: digit,
  ...extra,
});

/** A ticket registered for call `callId` and taken through the real lifecycle to closed (unless `open`). */
async function callTicket(callId: string, o: { open?: boolean } = {}) {
  const { ticketId } = await makeTicket(env, agentActor, { externalId: `call-${callId}` });
  if (o.open) return ticketId;
  await closeOverHttp(env, ticketId, { agent, dispatcher, clerk, unitId: unit.id });
  return ticketId;
}

const ratingsOf = (ticketId: string) => env.rt.db.select().from(ratings).where(eq(ratings.ticketId, ticketId));
const rectsOf = (ticketId: string) => env.rt.db.select().from(rectifications).where(eq(rectifications.ticketId, ticketId));
const surveyRecord = async (eventId: string) =>
  (
    await env.rt.db.execute<{ type: string; data: Record<string, unknown> }>(
      sql`select type, data from channel_events where channel_account = 'rating' and external_id = ${eventId}`,
    )
  ).rows;

describe('IVR satisfaction → 好差评', () => {
  it('key 2 rates the closed ticket of the call 4 (source ivr), with the unit, and no rectification', async () => {
    const ticketId = await callTicket('ivr-a');
    const r = await send([survey('ivr-a', 'sv-a1', '2')]);
    expect(r).toEqual({ status: 202, body: { accepted: 1, duplicates: 0 } });
    const [rating] = await ratingsOf(ticketId);
    expect(rating).toMatchObject({ score: 4, source: 'ivr', bad: false, unitId: unit.id });
    expect(await rectsOf(ticketId)).toHaveLength(0);
    const detail = await agent.get(`/api/tickets/${ticketId}`);
    expect(detail.body.data.timeline.some((e: { type: string; data: { score?: number } }) => e.type === 'rating.submitted' && e.data.score === 4)).toBe(true);
  });

  it('key 4 rates 2, a bad review that opens a rectification; a replay of the event makes nothing new', async () => {
    const ticketId = await callTicket('ivr-b');
    expect((await send([survey('ivr-b', 'sv-b1', '4')])).status).toBe(202);
    expect((await ratingsOf(ticketId)).map((x) => [x.score, x.bad])).toEqual([[2, true]]);
    const [rect] = await rectsOf(ticketId);
    expect(rect.status).toBe('verifying');

    const events = async () =>
      (await env.rt.db.execute<{ n: number }>(sql`select count(*)::int as n from ticket_events where ticket_id = ${ticketId}`)).rows[0].n;
    const before = await events();
    const replay = await send([survey('ivr-b', 'sv-b1', '4')]);
    expect(replay).toEqual({ status: 202, body: { accepted: 0, duplicates: 1 } });
    expect(await ratingsOf(ticketId)).toHaveLength(1);
    expect(await rectsOf(ticketId)).toHaveLength(1);
    expect(await events()).toBe(before);
  });

  it('an unmapped key (9) or a later different key makes no rating', async () => {
    const ticketId = await callTicket('ivr-c');
    expect((await send([survey('ivr-c', 'sv-c1', '9')])).status).toBe(202);
    expect(await ratingsOf(ticketId)).toHaveLength(0);
    expect(await surveyRecord('sv-c1')).toHaveLength(0); // 未评价: nothing reached the rating port
    // The call event itself is kept, marked unrated.
    const [ev] = (
      await env.rt.db.execute<{ data: { rating: unknown } }>(sql`select data from channel_events where external_id = 'sv-c1' and type = 'call.survey_result'`)
    ).rows;
    expect(ev.data.rating).toBeNull();

    await send([survey('ivr-c', 'sv-c2', '1')]);
    await send([survey('ivr-c', 'sv-c3', '5')]); // a second press of the same round: the first rating stands
    expect((await ratingsOf(ticketId)).map((x) => x.score)).toEqual([5]);
    expect((await surveyRecord('sv-c3'))[0]).toMatchObject({
      type: 'rating.survey.ignored',
      data: { tickets: [{ outcome: 'ignored', reason: 'ALREADY_RATED' }] },
    });
  });

  it('a ticket not yet closed gets no rating: recorded as ignored with the reason, not an error to the CTI', async () => {
    const ticketId = await callTicket('ivr-d', { open: true });
    const r = await send([survey('ivr-d', 'sv-d1', '1')]);
    expect(r).toEqual({ status: 202, body: { accepted: 1, duplicates: 0 } });
    expect(await ratingsOf(ticketId)).toHaveLength(0);
    const [rec] = await surveyRecord('sv-d1');
    expect(rec).toMatchObject({ type: 'rating.survey.ignored', data: { score: 5, tickets: [{ ticketId, outcome: 'ignored', reason: 'TICKET_NOT_CLOSED' }] } });
    const detail = await agent.get(`/api/tickets/${ticketId}`);
    expect(detail.body.data.timeline.find((e: { type: string }) => e.type === 'rating.ignored')?.reason).toBe('TICKET_NOT_CLOSED');
    // A call nobody registered a ticket for: still a 202, kept as ignored (no ticket).
    expect((await send([survey('ivr-nobody', 'sv-x1', '1')])).status).toBe(202);
    expect((await surveyRecord('sv-x1'))[0].data).toMatchObject({ reason: 'NO_TICKET', tickets: [] });
  });

  it("an outbound callback call: the key rates the callback task's ticket and the task records the answer", async () => {
    const ticketId = await callTicket('ivr-e-origin');
    const [t] = (await env.rt.db.execute<{ round: number }>(sql`select current_round as round from tickets where id = ${ticketId}`)).rows;
    const taskId = await env.rt.db.transaction((tx) =>
      createCallbackTask(tx, { ticketId, round: t.round, unitId: unit.id, reason: 'sample', dueAt: new Date(Date.now() + 3600_000) }),
    );
    // The outbound call has its own callId, with no ticket registered for it.
    const r = await send([survey('out-77', 'sv-e1', '3', { direction: 'outbound', caller: '12345', callee: '13911112222', callbackTaskId: taskId })]);
    expect(r.status).toBe(202);
    expect((await ratingsOf(ticketId)).map((x) => [x.score, x.source, x.callbackId])).toEqual([[3, 'ivr', taskId]]);
    const [cb] = await env.rt.db.select().from(callbacks).where(eq(callbacks.id, taskId!));
    expect(cb).toMatchObject({ status: 'done', score: 3, channel: 'ivr', attempts: 1, result: null });
  });
});
