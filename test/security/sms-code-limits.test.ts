/**
 * Attacks on the portal's SMS codes (短信验证码): an SMS bomb (many codes to one phone, in
 * parallel so a read-then-write counter lets them all through), locking a citizen out by
 * spending their phone's quota from an address that is already over its own limit, and a
 * script requesting codes without end (CAPTCHA hook).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { useTestEnv } from '../helpers/env';
import { httpCaptchaVerifier, type CaptchaVerifier } from '../../server/citizen/captcha';
import { SMS_LIMITS } from '../../server/citizen/sms-limits';

// A loopback siteverify: the token "solved" passes, anything else fails.
let verifyUrl = '';
const verifyCalls: string[] = [];
const fake = http.createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    const form = new URLSearchParams(body);
    verifyCalls.push(form.get('response') ?? '');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ success: form.get('secret') === 'captcha-secret' && form.get('response') === 'solved' }));
  });
});
let real: CaptchaVerifier | null = null;
const CAPTCHA_AFTER = 3;
const env = useTestEnv({ app: { smsCaptcha: { after: CAPTCHA_AFTER, verifier: { verify: (t, ip) => real!.verify(t, ip) } } } });
beforeAll(async () => {
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  verifyUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/siteverify`;
  real = httpCaptchaVerifier({ url: verifyUrl, secret: 'captcha-secret', log: env.rt.log });
});
afterAll(() => new Promise((r) => fake.close(r)));

let ipSeq = 0;
const newIp = () => `203.0.113.${++ipSeq}`;
let phoneSeq = 0;
const newPhone = () => `1390000${String(1000 + ++phoneSeq).padStart(4, '0')}`;
const send = (phone: string, ip: string, captcha?: string) =>
  fetch(`${env.baseUrl}/api/public/sms-codes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ phone, purpose: 'submit', ...(captcha ? { captcha } : {}) }),
  }).then(async (r) => ({ status: r.status, code: r.status >= 400 ? ((await r.json()) as { code: string }).code : null }));
/** The minute window passing, without waiting a minute: forget the phone's per-minute counter only. */
const minutePasses = async () => {
  const keys = await env.rt.redis.keys(`${env.prefix}:lim:sms-phone-minute:*`);
  if (keys.length) await env.rt.redis.del(...keys);
};

describe('SMS code limits', () => {
  it('20 parallel requests for one phone send exactly one code (1 a minute)', async () => {
    const phone = newPhone();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => send(phone, `198.51.100.${i + 1}`)));
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(19);
  });

  it('10 a day per phone, even when each minute window has passed', async () => {
    const phone = newPhone();
    const statuses: number[] = [];
    for (let i = 0; i < SMS_LIMITS.phonePerDay + 2; i++) {
      statuses.push((await send(phone, newIp())).status);
      await minutePasses();
    }
    expect(statuses.slice(0, SMS_LIMITS.phonePerDay).every((s) => s === 202)).toBe(true);
    expect(statuses.slice(SMS_LIMITS.phonePerDay)).toEqual([429, 429]);
  });

  it('an address over its own limit cannot spend a citizen’s phone quota', async () => {
    const attacker = newIp();
    // Spend the attacker address's hourly budget (CAPTCHA solved, phones all different).
    for (let i = 0; i < SMS_LIMITS.ipPerHour; i++) await send(newPhone(), attacker, 'solved');
    const victim = newPhone();
    for (let i = 0; i < 12; i++) expect((await send(victim, attacker, 'solved')).status).toBe(429);
    // The victim, from home, still gets a code.
    expect((await send(victim, newIp())).status).toBe(202);
  });

  it(`after ${CAPTCHA_AFTER} requests an hour an address must solve the CAPTCHA (verifier hook)`, async () => {
    const ip = newIp();
    for (let i = 0; i < CAPTCHA_AFTER; i++) expect((await send(newPhone(), ip)).status).toBe(202);
    expect(await send(newPhone(), ip)).toEqual({ status: 428, code: 'CAPTCHA_REQUIRED' });
    expect(await send(newPhone(), ip, 'wrong')).toEqual({ status: 400, code: 'CAPTCHA_FAILED' });
    expect((await send(newPhone(), ip, 'solved')).status).toBe(202);
    expect(verifyCalls).toContain('solved');
  });
});
