/**
 * Call measures (接通率, 平均等待, 平均通话) from signed CallEvents over HTTP into the rollups and
 * out of GET /api/reports/measures, against figures computed by hand for a four-call fixture.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestEnv, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { signRequest } from '../../integrations/shared/hmac';

const env = useTestEnv({ app: { channels: { ctiKeys: 'cti1:cti-secret-1', open311ApiKeys: '', open311Jurisdiction: 'rexian.test' } } });
let supervisor: ApiClient;
beforeAll(async () => {
  supervisor = await ApiClient.login(env.baseUrl, (await makeUser(env, 'supervisor')).user.username);
});

// Yesterday in China time, so the fixture never sits in the future.
const day = new Date(Date.now() + 8 * 3600_000 - 86400_000).toISOString().slice(0, 10);
const at = (hms: string) => `${day}T${hms}+08:00`;

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
  expect(res.status).toBe(202);
}
const ev = (callId: string, eventId: string, type: string, hms: string, extra: Record<string, unknown> = {}) => ({
  eventId,
  callId,
  type,
  at: at(hms),
  direction: 'inbound',
  caller: '13911112222',
  callee: '12345',
  ...extra,
});
async function phoneFigures() {
  const r = await supervisor.get(`/api/reports/measures?from=${day}&to=${day}&by=channel&key=phone`);
  expect(r.status).toBe(200);
  return r.body.data as {
    rows: { counters: Record<string, number>; figures: Record<string, number | null> }[];
    measures: { code: string; definition: string }[];
  };
}

describe('call measures', () => {
  it('answer rate, average wait and average talk time match the hand-computed fixture, with definitions', async () => {
    // A: rings 10:00:00, answered after 20 s, talks 300 s.
    await send([ev('A', 'A1', 'ringing', '10:00:00'), ev('A', 'A2', 'answered', '10:00:20', { agentExtension: '8001' }), ev('A', 'A3', 'ended', '10:05:20')]);
    // B: rings 10:10:00, answered after 40 s, talks 120 s — its `ended` arrives before its `answered`.
    await send([ev('B', 'B1', 'ringing', '10:10:00'), ev('B', 'B3', 'ended', '10:12:40')]);
    let rep = await phoneFigures();
    expect(rep.rows[0].counters).toMatchObject({ calls_offered: 2, calls_answered: 1 }); // B looks abandoned for now
    await send([ev('B', 'B2', 'answered', '10:10:40', { agentExtension: '8002' })]);
    // C: an IVR then hang-up after 30 s without an agent (放弃呼叫).
    await send([ev('C', 'C1', 'ringing', '10:20:00'), ev('C', 'C2', 'ivr', '10:20:05', { ivrDigits: ['1'] }), ev('C', 'C3', 'ended', '10:20:30')]);
    // D: an outbound callback call, not part of the inbound measures.
    await send([
      ev('D', 'D1', 'answered', '11:00:00', { direction: 'outbound', caller: '12345', callee: '13911112222' }),
      ev('D', 'D2', 'ended', '11:02:00', { direction: 'outbound', caller: '12345', callee: '13911112222' }),
    ]);
    // A CTI retry of A's events adds nothing.
    await send([ev('A', 'A3', 'ended', '10:05:20'), ev('A', 'A2', 'answered', '10:00:20', { agentExtension: '8001' })]);

    rep = await phoneFigures();
    expect(rep.rows).toHaveLength(1);
    // By hand: offered A, B, C = 3; answered A, B = 2; wait 20 + 40 = 60; talk 300 + 120 = 420.
    expect(rep.rows[0].counters).toMatchObject({ calls_offered: 3, calls_answered: 2, call_wait_seconds: 60, call_talk_seconds: 420 });
    expect(rep.rows[0].figures).toMatchObject({ call_answer_rate: 0.666667, avg_call_wait_seconds: 30, avg_call_talk_seconds: 210 });
    for (const code of ['call_answer_rate', 'avg_call_wait_seconds', 'avg_call_talk_seconds']) {
      expect(rep.measures.find((m) => m.code === code)?.definition).toMatch(/呼入/);
    }
  });
});
