/**
 * Attacks on the WeChat server URL in plain (明文) mode, where the signature covers only
 * (token, timestamp, nonce), not the body: capture one signed URL and post another body with it
 * within the clock-skew window — a forged appeal "from" any OpenID; or send a signed push meant
 * for another official account (ToUserName). Safe mode is the default for a new configuration.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { useTestEnv } from '../helpers/env';
import { wechatSignature } from '../../integrations/wechat/crypto';
import { wechatAccountFromEnv } from '../../integrations/wechat/accounts';

const GH = 'gh_replay0001';
const WECHAT = { WECHAT_APP_ID: 'wx1234567890abcdef', WECHAT_TOKEN: 'rexiantoken', WECHAT_MODE: 'plain', WECHAT_ORIGINAL_ID: GH };
const env = useTestEnv({ app: { channels: { wechat: WECHAT, ctiKeys: '', open311ApiKeys: '', open311Jurisdiction: 'rexian.test' } } });

let msgId = 7300000000000000000n;
const xml = (openId: string, content: string, to = GH) => {
  msgId += 1n;
  return `<xml><ToUserName><![CDATA[${to}]]></ToUserName><FromUserName><![CDATA[${openId}]]></FromUserName>
  <CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;
};
const signedUrl = () => {
  const ts = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(6).toString('hex');
  return `${env.baseUrl}/channels/wechat?signature=${wechatSignature(WECHAT.WECHAT_TOKEN, ts, nonce)}&timestamp=${ts}&nonce=${nonce}`;
};
const post = (url: string, body: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
const wechatTickets = async () => (await env.rt.db.execute<{ n: number }>(sql`select count(*)::int as n from tickets where channel = 'wechat'`)).rows[0].n;

describe('WeChat plain mode', () => {
  it('a signed URL replayed with another body is refused and stores nothing', async () => {
    const url = signedUrl();
    const first = await post(url, xml('o-real-citizen', '小区门口的路灯坏了两周'));
    expect(first.status).toBe(200);
    const before = await wechatTickets();
    const forged = await post(url, xml('o-victim', '我要举报……（伪造的诉求）'));
    expect(forged.status).toBe(401);
    expect(await forged.text()).toBe('REPLAYED');
    expect(await wechatTickets()).toBe(before);
  });

  it('WeChat’s own retry (same URL, same body) is still answered, with no second ticket', async () => {
    const url = signedUrl();
    const body = xml('o-retry-citizen', '井盖丢了，很危险');
    const a = await post(url, body);
    const b = await post(url, body);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect((await b.text()).match(/\d{13}/)?.[0]).toBe((await a.text()).match(/\d{13}/)?.[0]);
  });

  it('a push addressed to another official account (ToUserName) is refused', async () => {
    const before = await wechatTickets();
    const r = await post(signedUrl(), xml('o-other', '别的公众号的消息', 'gh_someone_else'));
    expect(r.status).toBe(400);
    expect(await wechatTickets()).toBe(before);
  });
});

describe('WeChat configuration', () => {
  it('defaults to safe mode and needs the original id', () => {
    expect(() => wechatAccountFromEnv({ WECHAT_APP_ID: 'wx1', WECHAT_TOKEN: 'tok123', WECHAT_ORIGINAL_ID: GH })).toThrow(/encodingAesKey/);
    const key = randomBytes(32).toString('base64').slice(0, 43);
    expect(wechatAccountFromEnv({ WECHAT_APP_ID: 'wx1', WECHAT_TOKEN: 'tok123', WECHAT_ORIGINAL_ID: GH, WECHAT_ENCODING_AES_KEY: key }).mode).toBe('safe');
    expect(() => wechatAccountFromEnv({ WECHAT_APP_ID: 'wx1', WECHAT_TOKEN: 'tok123', WECHAT_MODE: 'plain' })).toThrow(/WECHAT_ORIGINAL_ID/);
  });
});
