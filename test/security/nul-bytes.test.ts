/**
 * A NUL character (U+0000) is valid JSON and valid form data but PostgreSQL text cannot hold it
 * ("invalid byte sequence for encoding UTF8: 0x00", SQLSTATE 22021). Found by the fuzz suite:
 * such input must be a 400, never a 500.
 */
import { beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { useTestEnv, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { importCategoryTree } from '../../server/catalog/use-cases/import-category-tree';

const env = useTestEnv({ app: { channels: { ctiKeys: '', open311ApiKeys: 'app-1:open311-key', open311Jurisdiction: 'rexian.test' } } });
let agent: ApiClient;
beforeAll(async () => {
  await importCategoryTree(env.rt.db, [{ code: '01', name: '城乡建设', parentCode: null, level: 1 }], 'test', 'test');
  agent = await ApiClient.login(env.baseUrl, (await makeUser(env, 'agent')).user.username);
});
const count = async () => (await env.rt.db.execute<{ n: number }>(sql`select count(*)::int as n from tickets`)).rows[0].n;

it('refuses NUL in staff intake, public endpoints and login with a 400', async () => {
  const before = await count();
  expect((await agent.post('/api/tickets', { callerPhone: '13800138000', content: '路灯\u0000坏了' })).status).toBe(400);
  expect((await agent.get('/api/tickets?q=%00abc')).status).toBe(400);
  expect((await agent.get('/api/categories?parentCode=%00')).status).toBe(400);
  const anon = new ApiClient(env.baseUrl);
  expect((await anon.post('/api/auth/login', { username: 'a\u0000b', password: 'x' })).status).toBe(400);
  expect(await count()).toBe(before);
  // Inside an encrypted field (the caller's name) a NUL is just bytes: stored, not a fault.
  expect((await agent.post('/api/tickets', { callerPhone: '13800138000', content: '路灯坏了', callerName: '张\u0000三' })).status).toBe(201);
});

it('refuses NUL in an Open311 request with a 400', async () => {
  const before = await count();
  const r = await fetch(`${env.baseUrl}/open311/v2/requests.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ api_key: 'open311-key', service_code: '\u0000', description: '路灯坏了' }),
  });
  expect(r.status).toBe(400);
  const r2 = await fetch(`${env.baseUrl}/open311/v2/requests.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ api_key: 'open311-key', service_code: '01', description: '路灯\u0000坏了' }),
  });
  expect(r2.status).toBe(400);
  expect(await count()).toBe(before);
});
