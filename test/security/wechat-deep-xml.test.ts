/** Found by the channel fuzz: deeply nested XML in a correctly signed WeChat push overflowed the parser and answered 503 (WeChat retries those). */
import { expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { useTestEnv } from '../helpers/env';
import { wechatSignature } from '../../integrations/wechat/crypto';

const WECHAT = { WECHAT_APP_ID: 'wx1234567890abcdef', WECHAT_TOKEN: 'rexiantoken', WECHAT_MODE: 'plain', WECHAT_ORIGINAL_ID: 'gh_abc' };
const env = useTestEnv({ app: { channels: { wechat: WECHAT, ctiKeys: '', open311ApiKeys: '', open311Jurisdiction: 'rexian.test' } } });

it('answers 400 BAD_MESSAGE to deeply nested XML', async () => {
  const ts = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(6).toString('hex');
  const q = new URLSearchParams({ signature: wechatSignature(WECHAT.WECHAT_TOKEN, ts, nonce), timestamp: ts, nonce, openid: 'o-1' });
  const r = await fetch(`${env.baseUrl}/channels/wechat?${q}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body: '<a>'.repeat(8000) + '</a>'.repeat(8000),
  });
  expect(r.status).toBe(400);
  expect(await r.text()).toBe('BAD_MESSAGE');
});
