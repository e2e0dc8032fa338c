/**
 * The notices a citizen receives are worded by the message templates the administrator keeps on
 * /admin: an edit applies to the next SMS; without a usable template the built-in words go out,
 * logged and counted. Over HTTP on real PostgreSQL and Redis with the events worker running; the
 * SMS are read from the development sink (GET /api/dev/sms).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Worker } from 'bullmq';
import { useTestEnv, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { smsMinutePasses } from '../helpers/sms-window';
import { startEventsWorker } from '../../server/event-handlers';
import { counterValue } from '../../server/platform/metrics';
import { noticeTemplateFallbacks } from '../../server/texts/notice-texts';
import { checkTemplate } from '../../server/texts/use-cases/templates';
import { seedTextsDemo } from '../../server/texts/seed-demo-texts';
import { messageTemplates } from '../../server/texts/tables';

const env = useTestEnv();
const BASE = 'https://12345.example.gov.cn';
let admin: ApiClient, anon: ApiClient, worker: Worker;

beforeAll(async () => {
  admin = await ApiClient.login(env.baseUrl, (await makeUser(env, 'admin')).user.username);
  anon = new ApiClient(env.baseUrl);
  await seedTextsDemo(env.rt);
  worker = startEventsWorker(env.rt, 'redis://127.0.0.1:6379', undefined, { publicBaseUrl: BASE });
});

afterAll(async () => {
  await worker?.close();
});

type Sms = { template: string; text: string | null };
const sinkFor = async (phone: string) => (await anon.get(`/api/dev/sms?phone=${phone}`)).body.data as { code: string | null; messages: Sms[] };

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A citizen registers an appeal on the portal; returns the ticket number and the "registered" SMS they then receive. */
async function registerAndReadSms(phone: string) {
  await smsMinutePasses(env.prefix);
  expect((await anon.post('/api/public/sms-codes', { phone, purpose: 'submit' })).status).toBe(202);
  const code = (await sinkFor(phone)).code;
  const r = await anon.post('/api/public/appeals', { phone, code, content: '小区门口的路灯坏了一个多星期，晚上很黑' });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const sms = await until('the registered SMS', async () => (await sinkFor(phone)).messages.find((m) => m.template === 'ticket_received'));
  return { number: r.body.data.number as string, text: sms.text };
}

const registeredSms = async () =>
  (await admin.get('/api/admin/message-templates')).body.data.find(
    (t: { code: string; channel: string }) => t.code === 'ticket_received' && t.channel === 'sms',
  ) as { id: string; body: string };
const fallbacks = (reason: string) => counterValue(noticeTemplateFallbacks, { code: 'ticket_received', channel: 'sms', reason });

describe('the notices use the stored templates', () => {
  it('the seeded templates name only the variables their senders fill in', async () => {
    const rows = await env.rt.db.select().from(messageTemplates);
    expect(rows.length).toBeGreaterThan(5);
    for (const row of rows) expect(() => checkTemplate(row.code, row.channel, row), `${row.code}/${row.channel}`).not.toThrow();
  });

  it('after the administrator edits the registered SMS, the next registration is told in the new words', async () => {
    const tpl = await registeredSms();
    const edited = await admin.request('PUT', `/api/admin/message-templates/${tpl.id}`, {
      name: '受理告知',
      body: '【测试热线】工单{ticketNo}已登记，进度请看{link}',
      variables: ['ticketNo', 'link'],
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    const { number, text } = await registerAndReadSms('13700000101');
    expect(text).toMatch(new RegExp(`^【测试热线】工单${number}已登记，进度请看${BASE}/track\\?number=${number}&token=[\\w-]+`));
  });

  it('refuses a variable the notice does not fill in, in Chinese and in English', async () => {
    const tpl = await registeredSms();
    const body = { name: '受理告知', body: '工单{ticketNo}已登记，承办单位{unit}', variables: ['ticketNo', 'unit'] };
    const zh = await admin.request('PUT', `/api/admin/message-templates/${tpl.id}`, body);
    expect(zh.status).toBe(400);
    expect(zh.body).toMatchObject({ code: 'TEMPLATE_VARIABLE_UNKNOWN', message: '模板使用了该通知不提供的变量，请只使用列出的变量', unknown: ['unit'] });
    expect(zh.body.known).toContain('ticketNo');
    admin.lang = 'en';
    const en = await admin.request('PUT', `/api/admin/message-templates/${tpl.id}`, body);
    admin.lang = 'zh-CN';
    expect(en.body).toMatchObject({
      code: 'TEMPLATE_VARIABLE_UNKNOWN',
      message: 'The template uses a variable this notice does not fill in; use only the variables listed',
    });
    expect((await registeredSms()).body).toContain('【测试热线】');
  });

  it('a broken or missing template falls back to the built-in words, and the fallback is counted', async () => {
    const tpl = await registeredSms();
    // A row stored before the variables were checked: {number} is not a variable this notice fills in.
    await env.rt.db.execute(sql`update message_templates set body = '工单{number}已受理', variables = '["number"]' where id = ${tpl.id}`);
    const unfilledBefore = await fallbacks('variable_unfilled');
    const broken = await registerAndReadSms('13700000102');
    expect(broken.text).toMatch(
      new RegExp(`^您反映的诉求已受理，工单号${broken.number}，可通过${BASE}/track\\?number=${broken.number}&token=[\\w-]+查询进度。$`),
    );
    expect(await fallbacks('variable_unfilled')).toBe(unfilledBefore + 1);

    await env.rt.db.execute(sql`delete from message_templates where id = ${tpl.id}`);
    const missingBefore = await fallbacks('missing');
    const missing = await registerAndReadSms('13700000103');
    expect(missing.text).toContain(`您反映的诉求已受理，工单号${missing.number}`);
    expect(await fallbacks('missing')).toBe(missingBefore + 1);
  });
});
