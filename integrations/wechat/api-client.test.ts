import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WechatApiClient, type TokenCache } from './api-client';
import { startFakeWechatApi, type FakeWechatApi } from './fixtures/fake-api';

class MemoryTokenCache implements TokenCache {
  m = new Map<string, { v: string; ttl: number }>();
  async get(k: string) {
    return this.m.get(k)?.v ?? null;
  }
  async set(k: string, v: string, ttl: number) {
    this.m.set(k, { v, ttl });
  }
  async del(k: string) {
    this.m.delete(k);
  }
}

let api: FakeWechatApi;
beforeAll(async () => {
  api = await startFakeWechatApi('wxAPP', 'SECRET');
});
afterAll(async () => {
  expect(api.unknownCalls).toEqual([]);
  await api.close();
});

const client = (cache = new MemoryTokenCache(), secret = 'SECRET') => ({
  cache,
  c: new WechatApiClient({ appId: 'wxAPP', appSecret: secret, tokens: cache, baseUrl: api.url }),
});

describe('WechatApiClient against the loopback api.weixin.qq.com contract stub', () => {
  it('fetches one stable token, caches it 5 min short of expires_in and reuses it', async () => {
    const { cache, c } = client();
    const before = api.tokenRequests.length;
    expect(await c.sendCustomText('oUSER', '您的工单已受理')).toEqual({ ok: true });
    expect(await c.sendCustomText('oUSER', '第二条')).toEqual({ ok: true });
    expect(api.tokenRequests.length - before).toBe(1);
    expect([...cache.m.values()][0].ttl).toBe(7200 - 300);
    expect(api.sent.at(-1)).toMatchObject({ body: { touser: 'oUSER', msgtype: 'text', text: { content: '第二条' } } });
    expect(api.sent.at(-1)!.token).toBe(api.sent.at(-2)!.token);
  });

  it('on 40001 (token expired on the server) refreshes once with force_refresh and retries', async () => {
    const { c } = client();
    await c.sendCustomText('oUSER', 'a');
    api.expireTokens();
    const before = api.tokenRequests.length;
    expect(await c.sendCustomText('oUSER', 'b')).toEqual({ ok: true });
    expect(api.tokenRequests.slice(before)).toEqual([{ force: true }]);
  });

  it('template send returns the msgid (matched later against TEMPLATESENDJOBFINISH)', async () => {
    const { c } = client();
    const r = await c.sendTemplate({
      openId: 'oUSER',
      templateId: 'TPL_ACCEPTED',
      url: 'https://h5/track',
      data: { ticketNo: '20261125000001', status: '已受理' },
    });
    expect(r.ok && r.msgid).toMatch(/^\d+$/);
    expect(api.sent.at(-1)!.body.data).toEqual({ ticketNo: { value: '20261125000001' }, status: { value: '已受理' } });
  });

  it('45015 outside the 48 h window → fallback; 45009 quota → retry later', async () => {
    const { c } = client();
    api.outsideWindow.add('oOLD');
    expect(await c.sendCustomText('oOLD', 'x')).toEqual({ ok: false, errcode: 45015, retryLater: false, fallback: true });
    api.quotaExhausted = true;
    expect(await c.sendCustomText('oUSER', 'x')).toEqual({ ok: false, errcode: 45009, retryLater: true, fallback: false });
    api.quotaExhausted = false;
  });

  it('a wrong secret fails loudly without caching anything', async () => {
    const { cache, c } = client(undefined, 'WRONG');
    await expect(c.sendCustomText('oUSER', 'x')).rejects.toThrow(/errcode 40125/);
    expect(cache.m.size).toBe(0);
  });
});
