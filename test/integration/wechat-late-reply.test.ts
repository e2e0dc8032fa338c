/**
 * The 5-second rule of the WeChat message push (channels.md §1): when registration takes longer
 * than the reply budget, the route answers "success" at once and the ticket number must still
 * reach the citizen by customer-service message (客服消息) once the ticket exists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { useTestEnv } from '../helpers/env';
import { wechatSignature } from '../../integrations/wechat/crypto';
import { startFakeWechatApi, type FakeWechatApi } from '../../integrations/wechat/fixtures/fake-api';

const APP_ID = 'wx1234567890abcdef';
// A budget of 0 ms makes every registration "late", which is the path under test.
const WECHAT: Record<string, string> = {
  WECHAT_APP_ID: APP_ID,
  WECHAT_APP_SECRET: 'SECRET',
  WECHAT_TOKEN: 'rexiantoken',
  WECHAT_MODE: 'plain',
  WECHAT_ORIGINAL_ID: 'gh_abc',
  WECHAT_REPLY_DEADLINE_MS: '0',
};
let api: FakeWechatApi;
beforeAll(async () => {
  api = await startFakeWechatApi(APP_ID, 'SECRET');
  WECHAT.WECHAT_API_BASE = api.url;
});
const env = useTestEnv({ app: { channels: { wechat: WECHAT, ctiKeys: '', open311ApiKeys: '', open311Jurisdiction: 'rexian.test' } } });
afterAll(async () => {
  expect(api.unknownCalls).toEqual([]);
  await api.close();
});

describe('a WeChat appeal that misses the reply window', () => {
  it('answers success at once and sends the ticket number by customer-service message', async () => {
    const ts = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(6).toString('hex');
    const openId = 'o-late-citizen';
    const xml = `<xml><ToUserName><![CDATA[gh_abc]]></ToUserName><FromUserName><![CDATA[${openId}]]></FromUserName>
      <CreateTime>${ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[小区门口的路灯坏了一个星期了，晚上很黑]]></Content><MsgId>7400000000000000001</MsgId></xml>`;
    const r = await fetch(
      `${env.baseUrl}/channels/wechat?signature=${wechatSignature(WECHAT.WECHAT_TOKEN, ts, nonce)}&timestamp=${ts}&nonce=${nonce}&openid=${openId}`,
      { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml },
    );
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('success');

    const end = Date.now() + 10_000;
    while (!api.sent.some((s) => s.body.touser === openId) && Date.now() < end) await new Promise((res) => setTimeout(res, 50));
    const msg = api.sent.find((s) => s.body.touser === openId);
    expect(msg, 'no customer-service message reached the citizen').toBeTruthy();
    const number = String(msg!.body.text.content).match(/\d{13}/)?.[0];
    expect(number).toBeTruthy();
    const [t] = (await env.rt.db.execute<{ channel: string }>(sql`select channel from tickets where number = ${number!}`)).rows;
    expect(t?.channel).toBe('wechat');
  });
});
