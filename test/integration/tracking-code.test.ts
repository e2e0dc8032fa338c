import { describe, expect, it } from 'vitest';
import { makeUser, useTestEnv } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { smsMinutePasses } from '../helpers/sms-window';

const env = useTestEnv();

async function submit(phone: string) {
  await smsMinutePasses(env.prefix);
  const c = new ApiClient(env.baseUrl);
  expect((await c.post('/api/public/sms-codes', { phone, purpose: 'submit' })).status).toBe(202);
  const code = (await c.get(`/api/dev/sms?phone=${phone}`)).body.data.code as string;
  const r = await c.post('/api/public/appeals', { phone, code, content: '路灯不亮已经一周了，晚上很黑' });
  expect(r.status).toBe(201);
  return { c, ...(r.body.data as { number: string; trackToken: string }) };
}

describe('tracking code (查询码)', () => {
  it('is 10 characters from an alphabet without I, L, O, U, read back in any case, with or without the hyphen; codes printed before still track', async () => {
    const { c, number, trackToken } = await submit('13512340001');
    expect(trackToken).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    for (const typed of [trackToken, trackToken.replace('-', ''), ` ${trackToken.toLowerCase().replace('-', ' ')} `]) {
      const r = await c.post('/api/public/track', { number, trackToken: typed });
      expect(r.status, typed).toBe(200);
      expect(r.body.data.number).toBe(number);
    }
    // The 32-hex code printed before this change still works.
    const legacy = env.ctx((await makeUser(env, 'agent')).actor).svc.pii.token('track', number);
    expect((await c.post('/api/public/track', { number, trackToken: legacy })).status).toBe(200);
  });

  it('answers a malformed code in words, and a well-formed wrong one as an unknown ticket', async () => {
    const { c, number, trackToken } = await submit('13512340002');
    const malformed = await c.post('/api/public/track', { number, trackToken: 'ABC' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('TRACK_CODE_MALFORMED');
    expect(malformed.body.message).toContain('10 位字母或数字');
    expect(JSON.stringify(malformed.body)).not.toMatch(/\^|\[0-9/);
    const wrong = trackToken.startsWith('2') ? `3${trackToken.slice(1)}` : `2${trackToken.slice(1)}`;
    expect((await c.post('/api/public/track', { number, trackToken: wrong })).status).toBe(404);
  });
});
