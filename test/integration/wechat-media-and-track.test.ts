/**
 * WeChat media download (获取临时素材) and the citizen tracking page (网页授权), channels.md §1, against
 * the loopback contract stub of api.weixin.qq.com (written from the docs, not a real peer). The media
 * run the real path: message route → ticket + outbox row → relay → BullMQ events job → stub → stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import type { Worker } from 'bullmq';
import http from 'node:http';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../server/app';
import { launchBrowser } from '../e2e/browser';
import { useTestEnv, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { wechatSignature } from '../../integrations/wechat/crypto';
import { startFakeWechatApi, type FakeWechatApi } from '../../integrations/wechat/fixtures/fake-api';
import { startEventsWorker } from '../../server/event-handlers';
import { fetchTicketMedia, sweepWechatMedia, wechatApiClient } from '../../server/channels/wechat';
import { intakePort } from '../../server/channels/ports';

const APP_ID = 'wx1234567890abcdef';
const WECHAT: Record<string, string> = {
  WECHAT_APP_ID: APP_ID,
  WECHAT_APP_SECRET: 'SECRET',
  WECHAT_TOKEN: 'rexiantoken',
  WECHAT_MODE: 'plain',
  WECHAT_ORIGINAL_ID: 'gh_abc',
  PUBLIC_BASE_URL: 'https://12345.example.gov.cn',
};
let api: FakeWechatApi;
// Registered before useTestEnv's hooks, so the app is built with the stub's address.
beforeAll(async () => {
  api = await startFakeWechatApi(APP_ID, 'SECRET');
  WECHAT.WECHAT_API_BASE = api.url;
});
const env = useTestEnv({ app: { channels: { wechat: WECHAT, ctiKeys: '', open311ApiKeys: '', open311Jurisdiction: 'rexian.test' } } });

let agent: ApiClient;
let worker: Worker;
const fetchMedia = (ticketId: string, version: number) =>
  fetchTicketMedia(env.rt, (appId) => (appId === APP_ID ? wechatApiClient(env.rt, { appId, appSecret: 'SECRET', baseUrl: api.url }) : null), ticketId, version);

beforeAll(async () => {
  agent = await ApiClient.login(env.baseUrl, (await makeUser(env, 'agent')).user.username);
  worker = startEventsWorker(env.rt, 'redis://127.0.0.1:6379', undefined, { wechatMedia: fetchMedia });
  env.rt.relay.start();
});
afterAll(async () => {
  await worker?.close();
  expect(api.unknownCalls).toEqual([]);
  await api.close();
});

let msgId = 7300000000000000000n;
async function send(openId: string, inner: string) {
  const ts = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(6).toString('hex');
  msgId += 1n;
  const xml = `<xml><ToUserName><![CDATA[gh_abc]]></ToUserName><FromUserName><![CDATA[${openId}]]></FromUserName>
    <CreateTime>${ts}</CreateTime>${inner}<MsgId>${msgId}</MsgId></xml>`;
  const r = await fetch(
    `${env.baseUrl}/channels/wechat?signature=${wechatSignature(WECHAT.WECHAT_TOKEN, ts, nonce)}&timestamp=${ts}&nonce=${nonce}&openid=${openId}`,
    { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml },
  );
  const number = (await r.text()).match(/(\d{13})/)?.[1];
  expect(number).toBeTruthy();
  const [t] = (await env.rt.db.execute<{ id: string }>(sql`select id from tickets where number = ${number!}`)).rows;
  return { number: number!, id: t.id };
}
const image = (mediaId: string) =>
  `<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://mmbiz.example/p.jpg]]></PicUrl><MediaId><![CDATA[${mediaId}]]></MediaId>`;
const voice = (mediaId: string) => `<MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[${mediaId}]]></MediaId><Format><![CDATA[amr]]></Format>`;

async function timeline(ticketId: string) {
  return (await agent.get(`/api/tickets/${ticketId}`)).body.data.timeline as { type: string; data: Record<string, any> }[];
}
async function until<T>(f: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}
const filesOf = async (mediaId: string) =>
  (
    await env.rt.db.execute<{ id: string; mime: string; size: number; body: Buffer; sha256: string }>(sql`
  select a.id, a.mime, a.size, a.body, a.sha256 from channel_attachments a
  where 'att:' || a.id::text in (select data->>'storageKey' from ticket_events where type = 'attachment.stored' and data->>'remoteRef' = ${mediaId})`)
  ).rows;
const allWechatFiles = async () =>
  (await env.rt.db.execute<{ n: number }>(sql`select count(*)::int as n from channel_attachments where channel = 'wechat'`)).rows[0].n;

describe('WeChat media download (outbox → BullMQ job → /cgi-bin/media/get → channel_attachments)', () => {
  it('an image message becomes a ticket; the job stores the photo with its bytes and type; the timeline shows it ready', async () => {
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(2000)]);
    api.media.set('MEDIA_PHOTO_1', jpeg);
    const t = await send('o-media-1', image('MEDIA_PHOTO_1'));
    const stored = await until(async () => (await timeline(t.id)).find((e) => e.type === 'attachment.stored'));
    expect(stored.data).toMatchObject({ kind: 'image', mime: 'image/jpeg', size: jpeg.length, remoteRef: 'MEDIA_PHOTO_1' });
    const [file] = await filesOf('MEDIA_PHOTO_1');
    expect(file.mime).toBe('image/jpeg');
    expect(Buffer.compare(env.rt.svc.pii.decryptBytes(file.body), jpeg)).toBe(0); // encrypted at rest
    expect(stored.data.storageKey).toBe(`att:${file.id}`);
    // The ticket itself is untouched apart from the timeline.
    const detail = (await agent.get(`/api/tickets/${t.id}`)).body.data;
    expect(detail.status).toBe('received');
    // Staff who see the ticket download the photo from it (the console lists the event's `files`).
    expect(stored.data.files).toEqual([{ kind: 'image', mime: 'image/jpeg', size: jpeg.length, storageKey: `att:${file.id}` }]);
    const dl = await agent.request('GET', `/api/tickets/${t.id}/attachments/${file.id}`);
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-type')).toBe('image/jpeg');

    // A follow-up voice note appended to the same ticket is fetched the same way, with its own Content-Type.
    api.media.set('MEDIA_VOICE_1', Buffer.from('#!AMR\n' + 'x'.repeat(300)));
    api.mediaTypes.set('MEDIA_VOICE_1', 'audio/amr');
    expect((await send('o-media-1', voice('MEDIA_VOICE_1'))).number).toBe(t.number);
    const v = await until(async () => (await timeline(t.id)).find((e) => e.type === 'attachment.stored' && e.data.remoteRef === 'MEDIA_VOICE_1'));
    expect(v.data).toMatchObject({ kind: 'audio', mime: 'audio/amr' });
  });

  it('40001 (token expired at WeChat) → one token refresh, one retry, one file; a redelivered job stores nothing more', async () => {
    api.media.set('MEDIA_PHOTO_2', randomBytes(500));
    // Warm the shared token cache, then let WeChat invalidate it.
    await wechatApiClient(env.rt, { appId: APP_ID, appSecret: 'SECRET', baseUrl: api.url }).accessToken();
    api.expireTokens();
    const tokensBefore = api.tokenRequests.length;
    const t = await send('o-media-2', image('MEDIA_PHOTO_2'));
    await until(async () => (await filesOf('MEDIA_PHOTO_2')).length > 0);
    expect(api.tokenRequests.slice(tokensBefore)).toEqual([{ force: true }]);
    expect(api.mediaRequests.filter((r) => r.mediaId === 'MEDIA_PHOTO_2').map((r) => r.tokenOk)).toEqual([false, true]);

    // The same job again (BullMQ redelivery after a crash): no second download, no second file, no second event.
    const files = await allWechatFiles();
    const [reg] = (await env.rt.db.execute<{ seq: number }>(sql`select seq from ticket_events where ticket_id = ${t.id} and type = 'ticket.registered'`)).rows;
    await fetchMedia(t.id, reg.seq);
    await Promise.all([fetchMedia(t.id, reg.seq), fetchMedia(t.id, reg.seq)]);
    expect(await allWechatFiles()).toBe(files);
    expect((await filesOf('MEDIA_PHOTO_2')).length).toBe(1);
    expect((await timeline(t.id)).filter((e) => e.type === 'attachment.stored').length).toBe(1);
  });

  it('an HTTP 503 from the gateway is retried by the job (backoff) and then stored once', async () => {
    api.media.set('MEDIA_PHOTO_3', randomBytes(100));
    api.mediaUnavailable = 1;
    const t = await send('o-media-3', image('MEDIA_PHOTO_3'));
    await until(async () => (await filesOf('MEDIA_PHOTO_3')).length > 0);
    expect(api.mediaRequests.filter((r) => r.mediaId === 'MEDIA_PHOTO_3').length).toBe(2);
    expect((await timeline(t.id)).filter((e) => e.type === 'attachment.stored').length).toBe(1);
  });

  it('a permanent errcode (40007 invalid media_id) is recorded as a failure; the ticket is otherwise untouched', async () => {
    const t = await send('o-media-4', image('MEDIA_GONE'));
    const failed = await until(
      async () =>
        (
          await env.rt.db.execute<{ data: { errcode: number }; ticketId: string }>(sql`select data, ticket_id as "ticketId"
      from channel_events where type = 'media.failed' and external_id = 'media:MEDIA_GONE'`)
        ).rows[0],
    );
    expect(failed).toMatchObject({ data: { errcode: 40007 }, ticketId: t.id });
    const tl = await timeline(t.id);
    expect(tl.map((e) => e.type)).toEqual(['ticket.registered']);
    expect((await agent.get(`/api/tickets/${t.id}`)).body.data.status).toBe('received');
    expect(await filesOf('MEDIA_GONE')).toEqual([]);
    // Not asked again by a redelivered job.
    const asked = api.mediaRequests.filter((r) => r.mediaId === 'MEDIA_GONE').length;
    await fetchMedia(t.id, 1);
    expect(api.mediaRequests.filter((r) => r.mediaId === 'MEDIA_GONE').length).toBe(asked);
  });
});

describe('the media sweep (backstop for a job that gave up)', () => {
  it('fetches media that has neither a file nor a recorded failure, once; stored and failed media are left alone', async () => {
    // An account the worker has no client for: its job leaves the MediaId remote, as a job that gave up would.
    const OTHER = 'wxotheraccount0001';
    api.media.set('MEDIA_SWEEP', randomBytes(64));
    const r = await intakePort(env.rt).register({
      channel: 'wechat',
      channelAccount: OTHER,
      externalId: '7500000000000000001',
      receivedAt: new Date().toISOString(),
      citizen: { openId: 'o-sweep-1' },
      content: { text: '[图片]' },
      attachments: [{ kind: 'image', mime: 'image/*', remoteRef: 'MEDIA_SWEEP' }],
      replyRoute: { channel: 'wechat', address: 'o-sweep-1' },
      rawRef: 'raw:test',
    });
    await new Promise((res) => setTimeout(res, 1500)); // its job has run (and done nothing)
    expect(await filesOf('MEDIA_SWEEP')).toEqual([]);
    const client = wechatApiClient(env.rt, { appId: APP_ID, appSecret: 'SECRET', baseUrl: api.url });
    const clientFor = (appId: string) => (appId === OTHER || appId === APP_ID ? client : null);
    // Not yet old enough: a running job may still be retrying it.
    expect(await sweepWechatMedia(env.rt, clientFor, { minAgeSeconds: 300 })).toEqual({ found: 0, failed: 0 });
    expect(await sweepWechatMedia(env.rt, clientFor, { minAgeSeconds: 0 })).toEqual({ found: 1, failed: 0 });
    expect((await filesOf('MEDIA_SWEEP')).length).toBe(1);
    expect((await timeline(r.ticketId)).map((e) => e.type)).toEqual(['ticket.registered', 'attachment.stored']);
    const asked = api.mediaRequests.length;
    expect(await sweepWechatMedia(env.rt, clientFor, { minAgeSeconds: 0 })).toEqual({ found: 0, failed: 0 });
    expect(api.mediaRequests.length).toBe(asked); // MEDIA_GONE (failed for good) is not asked again either
  });

  it('a text-only WeChat appeal in the window does not stop the sweep; a photo sent after it to the same appeal is still fetched', async () => {
    // A text message is registered with an attachment count of 0 and no files: the sweep must read
    // only the events' file lists, so such an appeal in its window is skipped, not an SQL error.
    const OTHER = 'wxotheraccount0002';
    const text = await intakePort(env.rt).register({
      channel: 'wechat',
      channelAccount: OTHER,
      externalId: '7500000000000000002',
      receivedAt: new Date().toISOString(),
      citizen: { openId: 'o-sweep-2' },
      content: { text: '楼下餐馆油烟很大，晚上十点还在营业' },
      attachments: [],
      replyRoute: { channel: 'wechat', address: 'o-sweep-2' },
      rawRef: 'raw:test',
    });
    api.media.set('MEDIA_SWEEP_2', randomBytes(64));
    // The photo the citizen sends right after completes the same appeal (citizen.supplemented).
    const photo = await intakePort(env.rt).register({
      channel: 'wechat',
      channelAccount: OTHER,
      externalId: '7500000000000000003',
      receivedAt: new Date().toISOString(),
      citizen: { openId: 'o-sweep-2' },
      content: { text: '[图片]' },
      attachments: [{ kind: 'image', mime: 'image/*', remoteRef: 'MEDIA_SWEEP_2' }],
      replyRoute: { channel: 'wechat', address: 'o-sweep-2' },
      rawRef: 'raw:test',
    });
    expect(photo.ticketId).toBe(text.ticketId);
    await new Promise((res) => setTimeout(res, 1500)); // its job has run (and done nothing: no client for this account)
    const client = wechatApiClient(env.rt, { appId: APP_ID, appSecret: 'SECRET', baseUrl: api.url });
    const clientFor = (appId: string) => (appId === OTHER || appId === APP_ID ? client : null);
    expect(await sweepWechatMedia(env.rt, clientFor, { minAgeSeconds: 0 })).toEqual({ found: 1, failed: 0 });
    expect((await filesOf('MEDIA_SWEEP_2')).length).toBe(1);
    expect((await timeline(text.ticketId)).map((e) => e.type)).toEqual(['ticket.registered', 'citizen.supplemented', 'attachment.stored']);
  });
});

describe('citizen tracking page (GET /h5/wechat/track → authorize → /h5/wechat/oauth/callback)', () => {
  /** A cookie jar of one cookie, as the WeChat in-app browser keeps it between the two requests. */
  async function startFlow() {
    const res = await fetch(`${env.baseUrl}/h5/wechat/track`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const loc = new URL(res.headers.get('location')!);
    expect(loc.origin + loc.pathname).toBe('https://open.weixin.qq.com/connect/oauth2/authorize');
    expect(Object.fromEntries(loc.searchParams)).toMatchObject({
      appid: APP_ID,
      response_type: 'code',
      scope: 'snsapi_base',
      redirect_uri: 'https://12345.example.gov.cn/h5/wechat/oauth/callback',
    });
    return { state: loc.searchParams.get('state')!, cookie: res.headers.get('set-cookie')!.split(';')[0] };
  }
  const callback = (code: string, state: string, cookie?: string) =>
    fetch(`${env.baseUrl}/h5/wechat/oauth/callback?code=${code}&state=${state}`, { headers: cookie ? { cookie } : {} });

  it("lists that OpenID's tickets with the citizen-facing timeline, in Chinese, nobody else's", async () => {
    api.media.set('MEDIA_TRACK', randomBytes(50));
    const mine = await send('o-track-1', image('MEDIA_TRACK'));
    await until(async () => (await filesOf('MEDIA_TRACK')).length > 0);
    const other = await send('o-track-2', `<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[别人的诉求：噪音扰民]]></Content>`);
    const { state, cookie } = await startFlow();
    api.oauthCodes.set('CODE_TRACK_1', 'o-track-1'); // what WeChat hands back after the authorize step
    const res = await callback('CODE_TRACK_1', state, cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('我的诉求');
    expect(html).toContain(mine.number);
    expect(html).toContain('诉求已受理');
    expect(html).toContain('您发送的附件已收到');
    expect(html).not.toContain(other.number);
  });

  it('a reused code, a reused state, a state without its cookie → 400 page in Chinese', async () => {
    await send('o-track-3', `<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[路灯不亮]]></Content>`);
    const a = await startFlow();
    api.oauthCodes.set('CODE_TRACK_2', 'o-track-3');
    const noCookie = await callback('CODE_TRACK_2', a.state);
    expect(noCookie.status).toBe(400);
    expect(await noCookie.text()).toContain('页面已过期');
    expect((await callback('CODE_TRACK_2', a.state, a.cookie)).status).toBe(200);
    const sameState = await callback('CODE_TRACK_2', a.state, a.cookie);
    expect(sameState.status).toBe(400);
    const b = await startFlow();
    const reusedCode = await callback('CODE_TRACK_2', b.state, b.cookie);
    expect(reusedCode.status).toBe(400);
    const html = await reusedCode.text();
    expect(html).toContain('授权已失效');
    expect(html).toContain('lang="zh-CN"');
  });
});

describe('citizen tracking page in a browser (Playwright, Chromium)', () => {
  it.skipIf(!existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'))(
    'menu link → authorize (stub) → callback → the list with its timeline; reloading the used link → 400 page',
    async () => {
      // The redirect_uri must point back at this server, so its port is known before the app is built.
      const server = http.createServer();
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      server.on(
        'request',
        createApp(env.rt, {
          channels: {
            wechat: { ...WECHAT, PUBLIC_BASE_URL: base, WECHAT_OAUTH_BASE: api.url },
            ctiKeys: '',
            open311ApiKeys: '',
            open311Jurisdiction: 'rexian.test',
          },
        }),
      );
      const browser = await launchBrowser();
      try {
        const t = await send('o-browser-1', `<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[楼道灯坏了一个月]]></Content>`);
        api.authorizeAs = 'o-browser-1';
        const page = await (await browser.newContext({ locale: 'zh-CN', isMobile: true, viewport: { width: 390, height: 844 } })).newPage();
        const res = await page.goto(`${base}/h5/wechat/track`);
        expect(res?.status()).toBe(200);
        expect(new URL(page.url()).pathname).toBe('/h5/wechat/oauth/callback');
        expect(await page.locator('h1').textContent()).toBe('我的诉求');
        const item = page.locator('ul > li', { hasText: t.number });
        expect(await item.locator('ol.timeline li').first().textContent()).toContain('诉求已受理');
        expect(await item.textContent()).toContain('楼道灯坏了一个月');
        // The code and state in the address bar are spent.
        const again = await page.reload();
        expect(again?.status()).toBe(400);
        expect(await page.locator('body').textContent()).toContain('页面已过期');
      } finally {
        api.authorizeAs = undefined;
        await browser.close();
        await new Promise((r) => {
          server.closeAllConnections();
          server.close(r);
        });
      }
    },
    60_000,
  );
});
