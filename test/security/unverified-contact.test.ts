/**
 * Attack: unverified contact points joined an existing citizen. An Open311 POST with the victim's
 * e-mail plus the attacker's phone attached the attacker's phone to the victim's record; the
 * attacker then tracked the victim's tickets by SMS code, and the callback went to the attacker.
 * Real app (Open311, CTI events, citizen portal with SMS codes) on PostgreSQL and Redis.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { useTestEnv, makeUser } from '../helpers/env';
import { smsMinutePasses } from '../helpers/sms-window';
import { ApiClient } from '../helpers/http';
import { importCategoryTree } from '../../server/catalog/use-cases/import-category-tree';
import { signRequest } from '../../integrations/shared/hmac';

const env = useTestEnv({ app: { channels: { ctiKeys: 'cti1:cti-secret-1', open311ApiKeys: 'app-1:key-one', open311Jurisdiction: 'rexian.test' } } });
const VICTIM_EMAIL = 'victim@example.cn';
const VICTIM_PHONE = '13800000001';
const ATTACKER_PHONE = '13900000002';
let agent: ApiClient;
let victimTicket: string;

const open311 = async (o: Record<string, string>) => {
  const r = await fetch(`${env.baseUrl}/open311/v2/requests.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ api_key: 'key-one', service_code: '0101', lat: '23.13', long: '113.32', ...o }),
  });
  expect(r.status).toBe(201);
  return ((await r.json()) as { service_request_id: string }[])[0].service_request_id;
};
const cti = async (callId: string, caller: string) => {
  const body = JSON.stringify([
    { eventId: `${callId}-r`, callId, type: 'ringing', at: new Date().toISOString(), direction: 'inbound', caller, callee: '12345' },
  ]);
  const r = await fetch(`${env.baseUrl}/channels/phone/events`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      ...signRequest({ keyId: 'cti1', secret: 'cti-secret-1', method: 'POST', path: '/channels/phone/events', body }),
    },
  });
  expect(r.status).toBeLessThan(300);
};
const smsCode = async (phone: string, purpose: 'track' | 'submit') => {
  const pub = new ApiClient(env.baseUrl);
  await smsMinutePasses(env.prefix); // a second code for the same phone without waiting out the one-a-minute limit
  expect((await pub.post('/api/public/sms-codes', { phone, purpose })).status).toBe(202);
  return (await pub.get(`/api/dev/sms?phone=${phone}`)).body.data.code as string;
};
const track = async (number: string, phone: string) =>
  new ApiClient(env.baseUrl).post('/api/public/track', { number, phone, code: await smsCode(phone, 'track') });
const citizenOf = async (number: string) =>
  (await env.rt.db.execute<{ c: string }>(sql`select citizen_id as c from tickets where number = ${number}`)).rows[0].c;
const phonesOf = async (citizenId: string) =>
  (
    await env.rt.db.execute<{ h: string; v: string | null }>(sql`select value_hash as h, verified_at as v
  from citizen_contacts where citizen_id = ${citizenId} and kind = 'phone'`)
  ).rows;

beforeAll(async () => {
  await importCategoryTree(
    env.rt.db,
    [
      { code: '01', name: '城乡建设', parentCode: null, level: 1 },
      { code: '0101', name: '市政设施', parentCode: '01', level: 2 },
    ],
    'test',
    'test',
  );
  agent = await ApiClient.login(env.baseUrl, (await makeUser(env, 'agent')).user.username);
  // The victim: first an Open311 request with e-mail and phone, then a call from that phone that the
  // CTI announces and the agent registers (the phone is now proven: the CTI's caller number).
  await open311({ email: VICTIM_EMAIL, phone: VICTIM_PHONE, description: '小区门口路灯不亮' });
  await cti('call-victim', VICTIM_PHONE);
  const r = await agent.post('/api/tickets', { callerPhone: VICTIM_PHONE, content: '举报邻居私搭乱建', callId: 'call-victim' });
  expect(r.status).toBe(201);
  victimTicket = r.body.data.number;
});

describe('unverified contact points', () => {
  it("the CTI's caller number is proven on the victim's record; a typed phone is not", async () => {
    const phones = await phonesOf(await citizenOf(victimTicket));
    expect(phones).toHaveLength(1);
    expect(phones[0].v).not.toBeNull();
    // Typed at the desk without a call (or for another call): matched, but not proven.
    const typed = await agent.post('/api/tickets', { callerPhone: '13700000003', content: '噪音扰民', callId: 'call-none' });
    expect((await phonesOf(await citizenOf(typed.body.data.number)))[0].v).toBeNull();
  });

  it("the victim's e-mail with the attacker's phone does not attach the phone to the victim: a new record and a merge candidate", async () => {
    const victimId = await citizenOf(victimTicket);
    const attackNo = await open311({ email: VICTIM_EMAIL, phone: ATTACKER_PHONE, description: '请回电' });
    const attackerId = await citizenOf(attackNo);
    expect(attackerId).not.toBe(victimId);
    const victimPhones = await phonesOf(victimId);
    expect(victimPhones).toHaveLength(1);
    const candidates = await agent.get('/api/citizens/merge-candidates');
    expect(candidates.status).toBe(200);
    expect(candidates.body.data).toEqual(
      expect.arrayContaining([expect.objectContaining({ citizenId: attackerId, otherCitizenId: victimId, reason: 'unverified_contact_point' })]),
    );
  });

  it("the attacker cannot track the victim's ticket with an SMS code to their own phone", async () => {
    const r = await track(victimTicket, ATTACKER_PHONE);
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('TICKET_NOT_FOUND');
    // The victim, whose phone is proven, can.
    expect((await track(victimTicket, VICTIM_PHONE)).status).toBe(200);
  });

  it('tracking by phone accepts only a proven phone: an Open311 phone tracks nothing until the portal proves it', async () => {
    const phone = '13600000004';
    const no = await open311({ phone, description: '井盖缺失' });
    expect((await track(no, phone)).status).toBe(404);
    const sub = await new ApiClient(env.baseUrl).post('/api/public/appeals', { phone, code: await smsCode(phone, 'submit'), content: '井盖还是没有补上' });
    expect(sub.status).toBe(201);
    expect(await citizenOf(sub.body.data.number)).toBe(await citizenOf(no));
    expect((await track(no, phone)).status).toBe(200);
  });
});
