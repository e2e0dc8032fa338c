import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, TEST_PII_KEY } from '../helpers/env';
import { startPrivateRedis } from '../helpers/redis-server';
import { createRuntime, type Runtime } from '../../server/platform/runtime';
import { createApp } from '../../server/app';
import { ApiClient } from '../helpers/http';
import { smsMinutePasses } from '../helpers/sms-window';

/**
 * channels.md §3: "if Redis is down, fail closed for anonymous writes, open for tracking reads".
 * A private redis-server is stopped under a running app; PostgreSQL stays up.
 */
let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let rt: Runtime;
let server: http.Server;
let base: string;
const prefix = `rxv-${randomBytes(3).toString('hex')}`;

beforeAll(async () => {
  redis = await startPrivateRedis();
  db = await createTestDatabase();
  rt = createRuntime({ databaseUrl: db.url, redisUrl: redis.url, queuePrefix: prefix, piiKey: TEST_PII_KEY });
  if (rt.redis.status !== 'ready') await new Promise((r) => rt.redis.once('ready', r));
  server = http.createServer(createApp(rt, { devEndpoints: true }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await rt.close();
  await redis.stop();
  await db.drop();
});

async function token(c: ApiClient, phone: string, purpose: 'submit' | 'track') {
  await smsMinutePasses(prefix, redis.url);
  expect((await c.post('/api/v1/sms-codes', { phone, purpose })).status).toBe(202);
  const code = (await c.get(`/api/dev/sms?phone=${phone}`)).body.data.code;
  return (await c.post('/api/v1/sms-codes/verify', { phone, purpose, code })).body.smsToken as string;
}

describe('public API while Redis is down', () => {
  it('refuses anonymous writes with 503 and keeps answering tracking lookups', async () => {
    const c = new ApiClient(base);
    const phone = '13700000101';
    const submit = await token(c, phone, 'submit');
    const cap = (await c.get('/api/v1/captcha')).body;
    const answer = (await c.get(`/api/dev/captcha?id=${cap.captchaId}`)).body.data.answer;
    const created = await c.post('/api/v1/appeals', {
      content: '楼下餐馆油烟很大，影响居民生活',
      location: { address: '越秀区某路 3 号' },
      contact: { phone },
      smsToken: submit,
      captchaId: cap.captchaId,
      captcha: answer,
    });
    expect(created.status).toBe(201);
    const ticketNo = created.body.ticketNo;
    // The lookup's code is asked for while Redis is up (sending a code is a write), then Redis goes away.
    const track = await token(c, phone, 'track');

    await redis.stop();
    try {
      const lookup = await c.post('/api/v1/tracking/lookup', { ticketNo, phone, smsToken: track });
      expect(lookup.status).toBe(200);
      expect(lookup.body.ticketNo).toBe(ticketNo);

      const appeal = await c.post('/api/v1/appeals', {
        content: '再提交一次，这次 Redis 不在了',
        location: { address: '越秀区某路 3 号' },
        contact: { phone },
        smsToken: submit,
        captchaId: cap.captchaId,
        captcha: answer,
      });
      expect([appeal.status, appeal.body.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
      const code = await c.post('/api/v1/sms-codes', { phone: '13700000103', purpose: 'submit' });
      expect([code.status, code.body.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
      const sup = await c.post(`/api/v1/appeals/${ticketNo}/supplements`, { phone, smsToken: track, text: '补充一句' });
      expect(sup.status).toBe(503);
      expect((await c.get('/api/v1/captcha')).status).toBe(503);
    } finally {
      await redis.start();
    }
  });
});
