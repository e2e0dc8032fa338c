import { describe, expect, it } from 'vitest';
import { useTestEnv, makeUnit, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { smsMinutePasses } from '../helpers/sms-window';

const env = useTestEnv();

async function code(phone: string, purpose: 'submit' | 'track') {
  await smsMinutePasses(env.prefix);
  const c = new ApiClient(env.baseUrl);
  expect((await c.post('/api/public/sms-codes', { phone, purpose })).status).toBe(202);
  return (await c.get(`/api/dev/sms?phone=${phone}`)).body.data.code as string;
}

describe('citizen portal', () => {
  it('submits with an SMS code, tracks by number + verified phone or track token, and sees the reply when closed', async () => {
    const citizen = new ApiClient(env.baseUrl);
    const phone = '13512345678';
    const r = await citizen.post('/api/public/appeals', {
      phone,
      code: await code(phone, 'submit'),
      content: '公园健身器材损坏，存在安全隐患',
      address: '天河公园',
    });
    expect(r.status).toBe(201);
    const { number, trackToken } = r.body.data;
    expect(number).toMatch(/^\d{13}$/);

    const byToken = await citizen.post('/api/public/track', { number, trackToken });
    expect(byToken.body.data.status).toBe('received');
    expect(byToken.body.data.timeline[0].label).toBe('诉求已受理');

    // The centre and the unit work it through to closure.
    const unit = await makeUnit(env);
    const agent = await ApiClient.login(env.baseUrl, (await makeUser(env, 'agent')).user.username);
    const clerk = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId: unit.id })).user.username);
    const id = (await agent.get(`/api/tickets?number=${number}`)).body.data[0].id;
    await agent.action(id, 'submit');
    await agent.action(id, 'dispatch', { leadUnitId: unit.id });
    await clerk.action(id, 'sign');
    await clerk.action(id, 'start');
    await clerk.action(id, 'reply', { text: '已更换损坏器材' });
    const mid = await citizen.post('/api/public/track', { number, trackToken });
    // The review gate: a reply the centre has not accepted yet is not the citizen's to read.
    expect(mid.body.data.replyText).toBeNull();
    await agent.action(id, 'accept-reply');

    const tracked = await citizen.post('/api/public/track', { number, phone, code: await code(phone, 'track') });
    expect(tracked.status).toBe(200);
    expect(tracked.body.data.status).toBe('closed');
    expect(tracked.body.data.replyText).toBe('已更换损坏器材');
    expect(JSON.stringify(tracked.body.data)).not.toMatch(/agent 测试|unit_clerk/);
  });

  it('refuses a wrong code, another citizen tracking, and a bad token', async () => {
    const c = new ApiClient(env.baseUrl);
    const wrong = await c.post('/api/public/appeals', { phone: '13600000001', code: '000000', content: '测试一下诉求内容' });
    expect(wrong.body.code).toBe('SMS_CODE_INVALID');
    const ok = await c.post('/api/public/appeals', { phone: '13600000002', code: await code('13600000002', 'submit'), content: '测试一下诉求内容' });
    const other = await c.post('/api/public/track', { number: ok.body.data.number, phone: '13600000003', code: await code('13600000003', 'track') });
    expect(other.status).toBe(404);
    const bad = await c.post('/api/public/track', { number: ok.body.data.number, trackToken: '0'.repeat(32) });
    expect(bad.status).toBe(404);
    const badPhone = await c.post('/api/public/sms-codes', { phone: '12345' });
    expect(badPhone.body.code).toBe('PHONE_INVALID');
  });

  it('rate-limits SMS codes per phone number: one a minute', async () => {
    const c = new ApiClient(env.baseUrl);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await c.post('/api/public/sms-codes', { phone: '13600000009' })).status);
    expect(statuses).toEqual([202, 429, 429]);
  });
});
