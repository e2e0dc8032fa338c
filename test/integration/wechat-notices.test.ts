/**
 * Citizen notices of WeChat appeals by template message (模板消息), channels.md §0.2 and §1 "Outbound",
 * against the loopback contract stub of api.weixin.qq.com (written from the docs, not a real peer).
 * The real path: message route → ticket + outbox row → relay → BullMQ events job → stub; the SMS are
 * read from the development sink (GET /api/dev/sms).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import type { Worker } from 'bullmq';
import { useTestEnv } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { smsMinutePasses } from '../helpers/sms-window';
import { wechatSignature } from '../../integrations/wechat/crypto';
import { startFakeWechatApi, type FakeWechatApi } from '../../integrations/wechat/fixtures/fake-api';
import { startEventsWorker } from '../../server/event-handlers';
import { wechatApiClient } from '../../server/channels/wechat';
import { parseWechatNoticeTemplates, wechatNoticeOutcomes, type WechatNoticeDeps } from '../../server/channels/wechat-notices';
import { notifyCitizen } from '../../server/citizen/notices';
import { counterValue } from '../../server/platform/metrics';
import { seedTextsDemo } from '../../server/texts/seed-demo-texts';
import { citizenContacts, citizens } from '../../server/identity/tables';

const APP_ID = 'wx1234567890abcdef';
const BASE = 'https://12345.example.gov.cn';
const WECHAT: Record<string, string> = {
  WECHAT_APP_ID: APP_ID,
  WECHAT_APP_SECRET: 'SECRET',
  WECHAT_TOKEN: 'rexiantoken',
  WECHAT_MODE: 'plain',
  WECHAT_ORIGINAL_ID: 'gh_abc',
  PUBLIC_BASE_URL: BASE,
  WECHAT_NOTICE_TEMPLATES: JSON.stringify({ ticket_received: 'TPL_ACCEPTED', ticket_replied: { templateId: 'TPL_CLOSED', fields: ['first', 'remark'] } }),
};
let api: FakeWechatApi;
beforeAll(async () => {
  api = await startFakeWechatApi(APP_ID, 'SECRET');
  WECHAT.WECHAT_API_BASE = api.url;
});
const env = useTestEnv({ app: { channels: { wechat: WECHAT, ctiKeys: '', open311ApiKeys: '', open311Jurisdiction: 'rexian.test' } } });

let worker: Worker;
let anon: ApiClient;
let wechatNotices: WechatNoticeDeps;
beforeAll(async () => {
  anon = new ApiClient(env.baseUrl);
  await seedTextsDemo(env.rt);
  const client = wechatApiClient(env.rt, { appId: APP_ID, appSecret: 'SECRET', baseUrl: api.url });
  wechatNotices = { clientFor: (appId) => (appId === APP_ID ? client : null), templates: parseWechatNoticeTemplates(WECHAT.WECHAT_NOTICE_TEMPLATES) };
  worker = startEventsWorker(env.rt, 'redis://127.0.0.1:6379', undefined, { publicBaseUrl: BASE, wechatNotices });
  env.rt.relay.start();
});
afterAll(async () => {
  await worker?.close();
  expect(api.unknownCalls).toEqual([]);
  await api.close();
});

let msgId = 7400000000000000000n;
async function sendText(openId: string, text: string) {
  const ts = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(6).toString('hex');
  msgId += 1n;
  const xml = `<xml><ToUserName><![CDATA[gh_abc]]></ToUserName><FromUserName><![CDATA[${openId}]]></FromUserName>
    <CreateTime>${ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${text}]]></Content><MsgId>${msgId}</MsgId></xml>`;
  const r = await fetch(
    `${env.baseUrl}/channels/wechat?signature=${wechatSignature(WECHAT.WECHAT_TOKEN, ts, nonce)}&timestamp=${ts}&nonce=${nonce}&openid=${openId}`,
    { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml },
  );
  const number = (await r.text()).match(/(\d{13})/)?.[1];
  expect(number).toBeTruthy();
  const [t] = (await env.rt.db.execute<{ id: string }>(sql`select id from tickets where number = ${number!}`)).rows;
  return { number: number!, id: t.id };
}

/** A citizen the centre already knows by this OpenID and this phone (e.g. an earlier call linked by an agent). */
async function knownCitizen(openId: string, phone: string) {
  const pii = env.rt.svc.pii;
  const [c] = await env.rt.db.insert(citizens).values({}).returning({ id: citizens.id });
  await env.rt.db.insert(citizenContacts).values([
    { citizenId: c.id, kind: 'wechat', valueHash: pii.hash('wechat', openId), valueEnc: pii.encrypt(openId) },
    { citizenId: c.id, kind: 'phone', valueHash: pii.hash('phone', phone), valueEnc: pii.encrypt(phone) },
  ]);
}

const smsOf = async (phone: string) => (await anon.get(`/api/dev/sms?phone=${phone}`)).body.data.messages as { template: string; text: string | null }[];
const templatesTo = (openId: string) => api.sent.filter((s) => s.path === '/cgi-bin/message/template/send' && s.body.touser === openId).map((s) => s.body);
const noticeRows = async (ticketId: string) =>
  (
    await env.rt.db.execute<{ externalId: string; data: Record<string, any> }>(
      sql`select external_id as "externalId", data from channel_events where type = 'wechat.notice' and ticket_id = ${ticketId}`,
    )
  ).rows;
async function until<T>(what: string, f: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const receivedOutbox = async (ticketId: string) =>
  (
    await env.rt.db.execute<{ id: number }>(
      sql`select id from outbox where payload->>'ticketId' = ${ticketId} and topic = 'ticket.registered' order by id limit 1`,
    )
  ).rows[0];

describe('notices of a WeChat appeal go by template message first (channels.md §0.2)', () => {
  it('受理: a template message with the tracking link and the stored wechat words; no SMS; a redelivered job sends nothing more', async () => {
    await knownCitizen('o-notice-1', '13800001111');
    const t = await sendText('o-notice-1', '小区门口的路灯坏了一个多星期');
    const [msg] = await until('the template message', async () => templatesTo('o-notice-1').length > 0 && templatesTo('o-notice-1'));
    expect(msg.template_id).toBe('TPL_ACCEPTED');
    expect(msg.url).toMatch(new RegExp(`^${BASE}/track\\?number=${t.number}&token=[\\w-]+$`));
    // The seeded 'wechat' message template: "您的诉求已受理\n工单号：{ticketNo}", one line per field.
    expect(msg.data).toEqual({ first: { value: '您的诉求已受理' }, keyword1: { value: `工单号：${t.number}` } });
    // The tracking link opens this ticket without an SMS code.
    const token = new URL(msg.url).searchParams.get('token');
    expect((await anon.post('/api/public/track', { number: t.number, trackToken: token })).status).toBe(200);

    const rows = await until('the notice record', async () => (await noticeRows(t.id)).find((r) => r.data.status === 'sent'));
    expect(rows.data).toMatchObject({ template: 'ticket_received', templateId: 'TPL_ACCEPTED', status: 'sent' });
    expect(rows.data.msgid).toBeTruthy();
    await new Promise((r) => setTimeout(r, 500));
    expect(await smsOf('13800001111')).toEqual([]);

    // The same outbox row again (BullMQ redelivery): no second message, no SMS.
    const ob = await receivedOutbox(t.id);
    await notifyCitizen(env.rt, { topic: 'ticket.registered', ticketId: t.id, outboxId: ob.id }, { publicBaseUrl: BASE, wechat: wechatNotices });
    expect(templatesTo('o-notice-1')).toHaveLength(1);
    expect(await smsOf('13800001111')).toEqual([]);
  });

  it('WeChat refuses (43004 require subscribe): recorded, counted, and the citizen gets the SMS exactly once', async () => {
    api.unsubscribed.add('o-notice-2');
    await knownCitizen('o-notice-2', '13800002222');
    const before = await counterValue(wechatNoticeOutcomes, { code: 'ticket_received', outcome: 'fallback_sms' });
    const t = await sendText('o-notice-2', '楼下餐馆油烟太大');
    const sms = await until('the fallback SMS', async () => (await smsOf('13800002222')).length > 0 && smsOf('13800002222'));
    expect(sms.map((m) => m.template)).toEqual(['ticket_received']);
    expect(sms[0].text).toContain(t.number);
    expect(templatesTo('o-notice-2')).toEqual([]);
    const row = await until('the recorded fallback', async () => (await noticeRows(t.id)).find((r) => r.data.fallback));
    expect(row.data).toMatchObject({ status: 'failed', errcode: 43004, fallback: 'sms' });
    expect(await counterValue(wechatNoticeOutcomes, { code: 'ticket_received', outcome: 'fallback_sms' })).toBe(before + 1);

    // Redelivered: WeChat is not asked again and the SMS is not sent twice.
    const calls = api.sent.length;
    const ob = await receivedOutbox(t.id);
    await notifyCitizen(env.rt, { topic: 'ticket.registered', ticketId: t.id, outboxId: ob.id }, { publicBaseUrl: BASE, wechat: wechatNotices });
    expect(api.sent.length).toBe(calls);
    expect((await smsOf('13800002222')).length).toBe(1);
  });

  it('quota (45009): the job retries later; when its last try still meets the quota, the SMS goes out once', async () => {
    await knownCitizen('o-notice-6', '13800006666');
    api.quotaExhausted = true;
    try {
      const t = await sendText('o-notice-6', '夜里工地施工噪音太大');
      // Not at the first refusal: the job waits and asks WeChat again (5 tries, backoff 1 s doubling).
      await new Promise((r) => setTimeout(r, 1500));
      expect(await smsOf('13800006666')).toEqual([]);
      const sms = await until('the SMS after the last try', async () => (await smsOf('13800006666')).length > 0 && smsOf('13800006666'), 40_000);
      expect(sms.map((m) => m.template)).toEqual(['ticket_received']);
      const row = await until('the recorded fallback', async () => (await noticeRows(t.id)).find((r) => r.data.fallback));
      expect(row.data).toMatchObject({ status: 'failed', errcode: 45009, fallback: 'sms' });
    } finally {
      api.quotaExhausted = false;
    }
    expect(templatesTo('o-notice-6')).toEqual([]);
  }, 60_000);

  it('WeChat refuses and no phone is known: recorded as told nobody, counted, no SMS', async () => {
    api.unsubscribed.add('o-notice-3');
    const before = await counterValue(wechatNoticeOutcomes, { code: 'ticket_received', outcome: 'no_fallback' });
    const t = await sendText('o-notice-3', '公交站牌被撞坏了');
    const row = await until('the recorded failure', async () => (await noticeRows(t.id)).find((r) => r.data.fallback));
    expect(row.data).toMatchObject({ status: 'failed', errcode: 43004, fallback: 'none' });
    expect(await counterValue(wechatNoticeOutcomes, { code: 'ticket_received', outcome: 'no_fallback' })).toBe(before + 1);
  });
});

async function pushEvent(openId: string, inner: string) {
  const ts = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(6).toString('hex');
  const xml = `<xml><ToUserName><![CDATA[gh_abc]]></ToUserName><FromUserName><![CDATA[${openId}]]></FromUserName>
    <CreateTime>${ts}</CreateTime><MsgType><![CDATA[event]]></MsgType>${inner}</xml>`;
  const r = await fetch(
    `${env.baseUrl}/channels/wechat?signature=${wechatSignature(WECHAT.WECHAT_TOKEN, ts, nonce)}&timestamp=${ts}&nonce=${nonce}&openid=${openId}`,
    { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml },
  );
  expect(r.status).toBe(200);
  expect(await r.text()).toBe('success');
}
const jobFinish = (msgId: string, status: string) =>
  `<Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>${msgId}</MsgID><Status><![CDATA[${status}]]></Status>`;

describe('TEMPLATESENDJOBFINISH: WeChat reports the final delivery of a template message', () => {
  it('"failed:user block" marks the notice undelivered and sends the SMS once; WeChat retrying the event sends nothing more', async () => {
    await knownCitizen('o-notice-4', '13800004444');
    const t = await sendText('o-notice-4', '路口红绿灯不亮');
    const row = await until('the sent template message', async () => (await noticeRows(t.id)).find((r) => r.data.status === 'sent'));
    expect(await smsOf('13800004444')).toEqual([]);
    const before = await counterValue(wechatNoticeOutcomes, { code: 'ticket_received', outcome: 'undelivered' });

    await pushEvent('o-notice-4', jobFinish(row.data.msgid, 'failed:user block'));
    const sms = await smsOf('13800004444');
    expect(sms.map((m) => m.template)).toEqual(['ticket_received']);
    expect(sms[0].text).toContain(t.number);
    const [after] = await noticeRows(t.id);
    expect(after.data).toMatchObject({ status: 'undelivered', deliveryStatus: 'failed:user block', fallback: 'sms' });
    expect(await counterValue(wechatNoticeOutcomes, { code: 'ticket_received', outcome: 'undelivered' })).toBe(before + 1);

    // Another copy of the event (WeChat retries when our answer is late): no second SMS.
    await pushEvent('o-notice-4', jobFinish(row.data.msgid, 'failed:user block'));
    expect((await smsOf('13800004444')).length).toBe(1);
    expect(templatesTo('o-notice-4')).toHaveLength(1);
  });

  it('"success" is noted on the notice and sends no SMS', async () => {
    await knownCitizen('o-notice-5', '13800005555');
    const t = await sendText('o-notice-5', '垃圾桶满了没人清');
    const row = await until('the sent template message', async () => (await noticeRows(t.id)).find((r) => r.data.status === 'sent'));
    await pushEvent('o-notice-5', jobFinish(row.data.msgid, 'success'));
    const [after] = await noticeRows(t.id);
    expect(after.data).toMatchObject({ status: 'sent', deliveryStatus: 'success' });
    expect(await smsOf('13800005555')).toEqual([]);
  });
});

describe('other channels are unchanged', () => {
  it('a web portal appeal still gets its 受理 SMS, and WeChat is not called', async () => {
    const phone = '13800003333';
    await smsMinutePasses(env.prefix);
    expect((await anon.post('/api/public/sms-codes', { phone, purpose: 'submit' })).status).toBe(202);
    const code = (await anon.get(`/api/dev/sms?phone=${phone}`)).body.data.code;
    const calls = api.sent.length;
    const r = await anon.post('/api/public/appeals', { phone, code, content: '小区门口的路灯坏了一个多星期，晚上很黑' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const sms = await until('the registered SMS', async () => (await smsOf(phone)).find((m) => m.template === 'ticket_received'));
    expect(sms.text).toContain(r.body.data.number);
    expect(api.sent.length).toBe(calls);
  });
});
