/**
 * Personal data never reaches the logs (domain.md §6): a real server process at LOG_LEVEL=trace
 * runs a full flow (staff intake with phone, name, ID number and address; the whole lifecycle
 * to closing with its SMS notice; the citizen portal with SMS codes; refused and malformed
 * requests), then its stdout+stderr is searched for any mobile or ID number in clear.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { createTestDatabase } from '../helpers/env';
import { insertUser, loginHttp, spawnServer, type ServerProcess } from '../helpers/server-process';
import { smsMinutePasses } from '../helpers/sms-window';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
let server: ServerProcess;
const prefix = `rxl-${randomBytes(3).toString('hex')}`;
const PHONE = '13987654321';
const CITIZEN_PHONE = '13700001111';
const ID_NUMBER = '11010519491231002X';
const NAME = '司马相如';
const ADDRESS = '广州市越秀区北京路188号5栋1204房';

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  pool.on('error', () => {});
  server = await spawnServer({ databaseUrl: db.url, redisUrl: 'redis://127.0.0.1:6379', prefix, logLevel: 'trace' });
}, 90_000);
afterAll(async () => {
  await server?.kill('SIGTERM');
  await pool?.end();
  await db?.drop();
});

it('logs no phone number, ID number, name or address in clear through a full flow', async () => {
  const unit = (await pool.query(`insert into handling_units (code, name, kind, region_code) values ('L1', '市住建局', 'functional', '440100') returning id`))
    .rows[0].id;
  const agent = await insertUser(pool, { role: 'agent' });
  const dispatcher = await insertUser(pool, { role: 'dispatcher' });
  const clerk = await insertUser(pool, { role: 'unit_clerk', unitId: unit });
  const base = server.url;
  const a = await loginHttp(base, agent.username);
  const d = await loginHttp(base, dispatcher.username);
  const c = await loginHttp(base, clerk.username);
  const post = (h: Record<string, string>, path: string, body: unknown) =>
    fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...h }, body: JSON.stringify(body) });

  const r = await post(a.headers, '/api/tickets', {
    callerPhone: PHONE,
    callerName: NAME,
    idNumber: ID_NUMBER,
    address: ADDRESS,
    content: `来电人${NAME}（${PHONE}）反映楼下噪音`,
    appealType: 'complaint',
  });
  expect(r.status).toBe(201);
  const id = ((await r.json()) as { data: { id: string } }).data.id;
  await fetch(`${base}/api/tickets/${id}`, { headers: a.headers });
  await fetch(`${base}/api/tickets?q=${PHONE}`, { headers: a.headers });
  for (const [h, action, body] of [
    [d, 'submit', {}],
    [d, 'dispatch', { leadUnitId: unit }],
    [c, 'sign', {}],
    [c, 'start', {}],
    [c, 'reply', { text: '已处理' }],
    [d, 'accept-reply', {}],
  ] as const) {
    const x = await post(h.headers, `/api/tickets/${id}/actions/${action}`, body);
    expect(x.status, action).toBe(200);
  }
  // Citizen portal.
  expect((await post({}, '/api/public/sms-codes', { phone: CITIZEN_PHONE, purpose: 'submit' })).status).toBe(202);
  const smsCode = async () => ((await (await fetch(`${base}/api/dev/sms?phone=${CITIZEN_PHONE}`)).json()) as { data: { code: string } }).data.code;
  const code = await smsCode();
  const sub = await post({}, '/api/public/appeals', { phone: CITIZEN_PHONE, code, name: NAME, content: '路灯坏了一个月了', address: ADDRESS });
  expect(sub.status).toBe(201);
  const { number } = ((await sub.json()) as { data: { number: string } }).data;
  await smsMinutePasses(prefix);
  await post({}, '/api/public/sms-codes', { phone: CITIZEN_PHONE, purpose: 'track' });
  const code2 = await smsCode();
  expect((await post({}, '/api/public/track', { number, phone: CITIZEN_PHONE, code: code2 })).status).toBe(200);
  // Refused and malformed requests carrying personal data.
  await post({}, '/api/public/track', { number, phone: CITIZEN_PHONE, code: '000000' });
  await post(a.headers, '/api/tickets', { callerPhone: PHONE, idNumber: '110105194912310021', content: 'x' });
  await post(a.headers, '/api/tickets', { callerPhone: PHONE, content: 'x', unknownField: ID_NUMBER });
  await post({}, '/api/auth/login', { username: PHONE, password: ID_NUMBER });
  await fetch(base + '/api/tickets', { method: 'POST', headers: { ...a.headers }, body: `{"callerPhone":"${PHONE}",` });
  await new Promise((res) => setTimeout(res, 2500)); // the worker sends the closing notice

  const out = server.output();
  expect(out).toContain('sms sent'); // the flow did log (the notice and the codes went out)
  const clearPhones = out.match(/(?<!\d)1[3-9]\d{9}(?!\d)/g) ?? [];
  const clearIds = out.match(/(?<!\d)\d{17}[\dXx](?!\d)/g) ?? [];
  console.log(`server log: ${out.split('\n').length} lines, ${out.length} bytes; clear phones ${clearPhones.length}, clear ID numbers ${clearIds.length}`);
  expect(clearPhones).toEqual([]);
  expect(clearIds).toEqual([]);
  for (const v of [NAME, ADDRESS, code, code2]) expect(out).not.toContain(v);
}, 120_000);
