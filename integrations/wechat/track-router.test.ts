import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryNonceStore } from '../shared/test-fixtures';
import { listen } from '../shared/test-server';
import { WechatApiClient } from './api-client';
import { startFakeWechatApi, type FakeWechatApi } from './fixtures/fake-api';
import { createWechatTrackRouter } from './track-router';

let api: FakeWechatApi;
let srv: { url: string; close(): Promise<void> };
beforeAll(async () => {
  api = await startFakeWechatApi('wxAPP', 'SECRET');
  const cache = new Map<string, string>();
  const client = new WechatApiClient({
    appId: 'wxAPP',
    appSecret: 'SECRET',
    baseUrl: api.url,
    tokens: {
      get: async (k) => cache.get(k) ?? null,
      set: async (k, v) => {
        cache.set(k, v);
      },
      del: async (k) => {
        cache.delete(k);
      },
    },
  });
  srv = await listen([
    [
      '/h5/wechat',
      createWechatTrackRouter({
        appId: 'wxAPP',
        oauth: client,
        nonces: new MemoryNonceStore(),
        callbackUrl: 'https://12345.example/h5/wechat/oauth/callback',
        tickets: {
          byOpenId: async (o) =>
            o === 'oCITIZEN'
              ? [
                  {
                    ticketNo: '20261125000001',
                    status: 'open',
                    description: '路灯<script>不亮',
                    statusNotes: '已派单至市城管局',
                    requestedAt: '2026-11-25T01:00:00Z',
                  },
                ]
              : [],
        },
      }),
    ],
  ]);
});
afterAll(async () => {
  expect(api.unknownCalls).toEqual([]);
  await srv.close();
  await api.close();
});

async function startFlow() {
  const res = await fetch(`${srv.url}/h5/wechat/track`, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const loc = new URL(res.headers.get('location')!);
  expect(loc.origin + loc.pathname).toBe('https://open.weixin.qq.com/connect/oauth2/authorize');
  expect(loc.hash).toBe('#wechat_redirect');
  expect(Object.fromEntries(loc.searchParams)).toMatchObject({
    appid: 'wxAPP',
    response_type: 'code',
    scope: 'snsapi_base',
    redirect_uri: 'https://12345.example/h5/wechat/oauth/callback',
  });
  const cookie = res.headers.get('set-cookie')!.split(';')[0];
  return { state: loc.searchParams.get('state')!, cookie };
}

describe('WeChat OAuth tracking page (against the loopback api.weixin.qq.com contract stub)', () => {
  it("state cookie → code → openid → that citizen's tickets, HTML-escaped", async () => {
    const { state, cookie } = await startFlow();
    api.oauthCodes.set('CODE1', 'oCITIZEN'); // what WeChat would hand back after the user's consent
    const res = await fetch(`${srv.url}/h5/wechat/oauth/callback?code=CODE1&state=${state}`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('20261125000001');
    expect(html).toContain('已派单至市城管局');
    expect(html).not.toContain('<script>');
  });

  it('a reused state, a state from another browser, or a bad/reused code → 400 page in Chinese', async () => {
    const { state, cookie } = await startFlow();
    api.oauthCodes.set('CODE2', 'oCITIZEN');
    const other = await startFlow();
    expect((await fetch(`${srv.url}/h5/wechat/oauth/callback?code=CODE2&state=${state}`, { headers: { cookie: other.cookie } })).status).toBe(400);
    expect((await fetch(`${srv.url}/h5/wechat/oauth/callback?code=CODE2&state=${state}`, { headers: { cookie } })).status).toBe(200);
    const again = await fetch(`${srv.url}/h5/wechat/oauth/callback?code=CODE2&state=${state}`, { headers: { cookie } });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('页面已过期');
    const fresh = await startFlow();
    const reusedCode = await fetch(`${srv.url}/h5/wechat/oauth/callback?code=CODE2&state=${fresh.state}`, { headers: { cookie: fresh.cookie } });
    expect(reusedCode.status).toBe(400);
    expect(await reusedCode.text()).toContain('授权已失效');
  });
});

describe('media download', () => {
  it('fetches the bytes of a MediaId; an unknown MediaId returns its errcode', async () => {
    const cache = new Map<string, string>();
    const client = new WechatApiClient({
      appId: 'wxAPP',
      appSecret: 'SECRET',
      baseUrl: api.url,
      tokens: {
        get: async (k) => cache.get(k) ?? null,
        set: async (k, v) => {
          cache.set(k, v);
        },
        del: async (k) => {
          cache.delete(k);
        },
      },
    });
    api.media.set('MEDIA_IMG', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
    const r = await client.getMedia('MEDIA_IMG');
    expect(r).toMatchObject({ ok: true, contentType: 'image/jpeg' });
    expect(r.ok && [...r.body]).toEqual([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    expect(await client.getMedia('NOPE')).toEqual({ ok: false, errcode: 40007 });
  });
});
