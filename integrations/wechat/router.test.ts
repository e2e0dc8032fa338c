import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryEventSink, MemoryIntake, MemoryNonceStore, MemoryRawStore } from '../shared/test-fixtures';
import { listen } from '../shared/test-server';
import { WechatAccount } from './accounts';
import { decodeAesKey, decryptMessage, encryptMessage, wechatSignature } from './crypto';
import { PY_SAMPLE, PY_SAMPLE_BODY } from './fixtures/official-vectors';
import { buildPush, messageXml, pushWithRetries } from './fixtures/pusher';
import { createWechatRouter } from './router';
import { parseWechatXml } from './xml';

const GH = 'gh_10f6c3c3ac5a';
const accounts = {
  default: WechatAccount.parse({ id: 'default', appId: 'wxPLAIN0001', token: 'tok123', mode: 'plain', originalId: GH }),
  compat: WechatAccount.parse({
    id: 'compat',
    appId: PY_SAMPLE.appId,
    token: PY_SAMPLE.token,
    mode: 'compat',
    encodingAesKey: PY_SAMPLE.encodingAesKey,
    maxClockSkewSeconds: 0,
  }),
  safe: WechatAccount.parse({ id: 'safe', appId: 'wxSAFE0002', token: 'safetok', mode: 'safe', encodingAesKey: PY_SAMPLE.encodingAesKey }),
} as Record<string, WechatAccount>;

let intake: MemoryIntake, events: MemoryEventSink, sent: { openId: string; text: string }[];
let srv: { url: string; close(): Promise<void> };
const ctx = { deadline: 3000 };

beforeAll(async () => {
  srv = await listen([
    [
      '/channels/wechat',
      createWechatRouter({
        get intake() {
          return intake;
        },
        nonces: new MemoryNonceStore(),
        accounts: { get: async (id) => accounts[id] ?? null },
        get events() {
          return events;
        },
        rawStore: new MemoryRawStore(),
        tickets: { byOpenId: async () => [{ ticketNo: '20261125000001', status: 'open', description: 'x', requestedAt: '2026-11-25T00:00:00Z' }] },
        customerService: {
          sendText: async (_a, openId, text) => {
            sent.push({ openId, text });
          },
        },
        get replyDeadlineMs() {
          return ctx.deadline;
        },
      } as Parameters<typeof createWechatRouter>[0]),
    ],
  ]);
});
afterAll(() => srv.close());
beforeEach(() => {
  intake = new MemoryIntake();
  events = new MemoryEventSink();
  sent = [];
  ctx.deadline = 3000;
});

const openId = 'oyORnuP8q7ou2gfYjqLzSIWZf0rs';
let msgSeq = 7000000000000000000n;
const now = () => Math.floor(Date.now() / 1000);
const base = (extra: Record<string, string | number>) => ({ ToUserName: GH, FromUserName: openId, CreateTime: now(), ...extra });
const withId = (extra: Record<string, string | number>) => base({ ...extra, MsgId: String(++msgSeq) });

describe('URL verification (GET)', () => {
  it('echoes echostr byte for byte when the signature of the official sample parameters matches', async () => {
    const acct = accounts.compat;
    const sig = wechatSignature(acct.token, PY_SAMPLE.timestamp, PY_SAMPLE.nonce);
    expect(sig).toBe('16120ec1b8dbb870f510d87ce6bc2463eae6ca1a');
    const res = await fetch(
      `${srv.url}/channels/wechat/compat?signature=${sig}&timestamp=${PY_SAMPLE.timestamp}&nonce=${PY_SAMPLE.nonce}&echostr=5838479218127813673`,
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('5838479218127813673');
  });

  it('answers 401 without echoing on a bad signature', async () => {
    const res = await fetch(`${srv.url}/channels/wechat?signature=${'0'.repeat(40)}&timestamp=${now()}&nonce=1&echostr=SECRET_ECHO`);
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain('SECRET_ECHO');
  });

  it('decrypts an encrypted echostr (msg_signature, WeCom style) in safe mode', async () => {
    const acct = accounts.safe;
    const echostr = encryptMessage(decodeAesKey(acct.encodingAesKey!), '1616140317555161061', acct.appId);
    const ts = String(now());
    const sig = wechatSignature(acct.token, ts, '99', echostr);
    const res = await fetch(`${srv.url}/channels/wechat/safe?msg_signature=${sig}&timestamp=${ts}&nonce=99&echostr=${encodeURIComponent(echostr)}`);
    expect(await res.text()).toBe('1616140317555161061');
  });
});

describe('the official compat-mode sample pushed to the route', () => {
  it('verifies msg_signature, decrypts, registers MsgId once and answers an encrypted reply with the ticket number', async () => {
    const url = `${srv.url}/channels/wechat/compat?msg_signature=${PY_SAMPLE.msgSignature}&timestamp=${PY_SAMPLE.timestamp}&nonce=${PY_SAMPLE.nonce}&encrypt_type=aes`;
    const res = await fetch(url, { method: 'POST', body: PY_SAMPLE_BODY });
    expect(res.status).toBe(200);
    const env = parseWechatXml(await res.text());
    expect(wechatSignature(PY_SAMPLE.token, env.TimeStamp, env.Nonce, env.Encrypt)).toBe(env.MsgSignature);
    const inner = decryptMessage(decodeAesKey(PY_SAMPLE.encodingAesKey), env.Encrypt);
    expect(inner.appId).toBe(PY_SAMPLE.appId);
    const reply = parseWechatXml(inner.message);
    expect(reply).toMatchObject({ ToUserName: openId, FromUserName: GH, MsgType: 'text' });
    expect(reply.Content).toBe('已收到您的诉求，工单号 20261125000001。可点击菜单“我的诉求”查询进度。');
    expect(intake.appeals).toHaveLength(1);
    expect(intake.appeals[0]).toMatchObject({
      channel: 'wechat',
      channelAccount: PY_SAMPLE.appId,
      externalId: '6054768590064713728',
      content: { text: 'abcdteT' },
      citizen: { openId },
      replyRoute: { channel: 'wechat', address: openId },
    });
  });
});

describe('fake pusher: every message type in plain, compat and safe mode', () => {
  const samples: [string, Record<string, string | number>, (a: MemoryIntake) => void][] = [
    ['text', { MsgType: 'text', Content: '小区门口路灯坏了三天' }, (a) => expect(a.appeals[0].content.text).toBe('小区门口路灯坏了三天')],
    [
      'image',
      { MsgType: 'image', PicUrl: 'http://mmbiz/x.jpg', MediaId: 'MEDIA_IMG' },
      (a) => expect(a.appeals[0]).toMatchObject({ content: { text: '[图片]' }, attachments: [{ kind: 'image', remoteRef: 'MEDIA_IMG' }] }),
    ],
    [
      'voice',
      { MsgType: 'voice', MediaId: 'MEDIA_V', Format: 'amr', Recognition: '噪音扰民' },
      (a) => expect(a.appeals[0]).toMatchObject({ content: { text: '噪音扰民' }, attachments: [{ kind: 'audio', mime: 'audio/amr' }] }),
    ],
    [
      'video',
      { MsgType: 'video', MediaId: 'MEDIA_VID', ThumbMediaId: 'T' },
      (a) => expect(a.appeals[0].attachments[0]).toMatchObject({ kind: 'video', remoteRef: 'MEDIA_VID' }),
    ],
    [
      'location',
      { MsgType: 'location', Location_X: '23.134521', Location_Y: '113.358803', Scale: '20', Label: '广州市天河区' },
      (a) => expect(a.appeals[0].location).toEqual({ lat: 23.134521, lng: 113.358803, address: '广州市天河区' }),
    ],
    [
      'link',
      { MsgType: 'link', Title: '新闻', Description: '描述', Url: 'https://example.org/a' },
      (a) => expect(a.appeals[0].content.text).toContain('https://example.org/a'),
    ],
  ];
  for (const mode of ['plain', 'compat', 'safe'] as const) {
    const id = mode === 'plain' ? 'default' : mode;
    const acct = accounts[id];
    for (const [name, fields, check] of samples) {
      it(`${mode}: ${name} → one appeal and a valid reply`, async () => {
        const push = buildPush(acct, withId(fields), mode, mode === 'compat' ? { timestamp: now() } : {});
        const attempts = await pushWithRetries(`${srv.url}/channels/wechat${id === 'default' ? '' : '/' + id}`, push);
        expect(attempts).toHaveLength(1);
        expect(attempts[0].status).toBe(200);
        expect(attempts[0].ms).toBeLessThan(5000);
        const out = parseWechatXml(attempts[0].body!);
        const xml = mode === 'plain' ? out : parseWechatXml(decryptMessage(decodeAesKey(acct.encodingAesKey!), out.Encrypt).message);
        expect(xml.Content).toMatch(/工单号 \d+/);
        expect(intake.appeals).toHaveLength(1);
        check(intake);
      });
    }
  }

  it('compat account also takes a plaintext push (no encrypt_type) and answers in plaintext', async () => {
    const acct = accounts.compat;
    const push = buildPush(acct, withId({ MsgType: 'text', Content: '明文推送' }), 'plain');
    const res = await fetch(`${srv.url}/channels/wechat/compat?${push.query}`, { method: 'POST', body: push.body });
    expect(parseWechatXml(await res.text()).Content).toMatch(/工单号/);
    expect(intake.appeals[0].content.text).toBe('明文推送');
  });

  it('text starting with a ticket number threads to it', async () => {
    await pushWithRetries(
      `${srv.url}/channels/wechat`,
      buildPush(accounts.default, withId({ MsgType: 'text', Content: '工单号20261120000123 补充：还是没修' }), 'plain'),
    );
    expect(intake.appeals[0].threadRef).toEqual({ ticketNo: '20261120000123' });
  });

  it('subscribe → welcome text, CLICK MY_APPEALS → my tickets, other events → success; all as ChannelEvents', async () => {
    const post = (f: Record<string, string | number>) => pushWithRetries(`${srv.url}/channels/wechat`, buildPush(accounts.default, base(f), 'plain'));
    const [sub] = await post({ MsgType: 'event', Event: 'subscribe', EventKey: 'qrscene_123' });
    expect(parseWechatXml(sub.body!).Content).toContain('欢迎关注');
    const [click] = await post({ MsgType: 'event', Event: 'CLICK', EventKey: 'MY_APPEALS' });
    expect(parseWechatXml(click.body!).Content).toContain('20261125000001');
    const [tpl] = await post({ MsgType: 'event', Event: 'TEMPLATESENDJOBFINISH', MsgID: '200163836', Status: 'success' });
    expect(tpl.body).toBe('success');
    expect(events.events.map((e) => e.type)).toEqual(['wechat.subscribe', 'wechat.click', 'wechat.templatesendjobfinish']);
    expect(events.events[2].data).toMatchObject({ MsgID: '200163836', Status: 'success' });
    expect(intake.appeals).toHaveLength(0);
  });

  it('unknown MsgType → success, no ticket, raw kept as an event', async () => {
    const [a] = await pushWithRetries(`${srv.url}/channels/wechat`, buildPush(accounts.default, withId({ MsgType: 'miniprogrampage', Title: 'x' }), 'plain'));
    expect(a.body).toBe('success');
    expect(intake.calls).toBe(0);
    expect(events.events[0]).toMatchObject({ type: 'wechat.unsupported', data: { msgType: 'miniprogrampage' } });
  });
});

describe('retries and the 5-second rule', () => {
  it('the same MsgId pushed three times makes one ticket and gets the same reply each time', async () => {
    const push = buildPush(accounts.default, withId({ MsgType: 'text', Content: '重复推送' }), 'plain');
    const replies = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${srv.url}/channels/wechat?${push.query}`, { method: 'POST', body: push.body });
      replies.push(parseWechatXml(await res.text()).Content);
    }
    expect(intake.appeals).toHaveLength(1);
    expect(new Set(replies).size).toBe(1);
  });

  it('slow intake: answers "success" before WeChat gives up, sends the number once by customer-service message', async () => {
    ctx.deadline = 300;
    intake.delayMs = 800;
    const push = buildPush(accounts.default, withId({ MsgType: 'text', Content: '慢' }), 'plain');
    const attempts = await pushWithRetries(`${srv.url}/channels/wechat`, push);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ status: 200, body: 'success' });
    await new Promise((r) => setTimeout(r, 700));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ openId, text: expect.stringContaining('工单号 2026112500') });
    // a WeChat retry now gets the passive reply but creates nothing new
    const res = await fetch(`${srv.url}/channels/wechat?${push.query}`, { method: 'POST', body: push.body });
    expect(parseWechatXml(await res.text()).Content).toContain('工单号');
    expect(intake.appeals).toHaveLength(1);
  });

  it('intake down → empty 503 so WeChat retries; never JSON or an error page', async () => {
    intake.fail = true;
    const push = buildPush(accounts.default, withId({ MsgType: 'text', Content: '数据库挂了' }), 'plain');
    const res = await fetch(`${srv.url}/channels/wechat?${push.query}`, { method: 'POST', body: push.body });
    expect(res.status).toBe(503);
    expect(await res.text()).toBe('');
  });
});

describe('bad input: right status, nothing reaches intake, no stack trace', () => {
  const post = async (path: string, push: { query: string; body: string }) => {
    const t0 = Date.now();
    const res = await fetch(`${srv.url}${path}?${push.query}`, { method: 'POST', body: push.body });
    const text = await res.text();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(text).not.toMatch(/Error|at .*\.ts/);
    return { status: res.status, text };
  };
  const good = () => buildPush(accounts.default, withId({ MsgType: 'text', Content: '正常' }), 'plain');

  it.each([
    [
      'bad signature',
      () => {
        const p = good();
        return { ...p, query: p.query.replace(/signature=[0-9a-f]+/, 'signature=' + 'a'.repeat(40)) };
      },
      401,
      'BAD_SIGNATURE',
    ],
    [
      'expired timestamp',
      () => buildPush(accounts.default, withId({ MsgType: 'text', Content: 'x' }), 'plain', { timestamp: now() - 301 }),
      401,
      'STALE_REQUEST',
    ],
    ['malformed XML', () => ({ ...good(), body: '<xml><MsgType>text</xml' }), 400, 'BAD_MESSAGE'],
    [
      'DOCTYPE / entity',
      () => ({ ...good(), body: '<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><Content>&x;</Content></xml>' }),
      400,
      'BAD_MESSAGE',
    ],
    [
      'openid in query ≠ FromUserName',
      () => {
        const p = good();
        return { ...p, query: p.query.replace(/openid=[^&]+/, 'openid=oOTHER') };
      },
      400,
      'OPENID_MISMATCH',
    ],
    [
      'ToUserName of another account',
      () => buildPush(accounts.default, { ...withId({ MsgType: 'text', Content: 'x' }), ToUserName: 'gh_other' }, 'plain'),
      400,
      'WRONG_ACCOUNT',
    ],
    ['oversized body', () => ({ ...good(), body: messageXml({ ...withId({ MsgType: 'text' }), Content: 'x'.repeat(70_000) }) }), 413, 'PAYLOAD_TOO_LARGE'],
  ])('%s', async (_n, make, status, code) => {
    const r = await post('/channels/wechat', make());
    expect(r).toEqual({ status, text: code });
    expect(intake.calls).toBe(0);
  });

  it('safe mode: wrong msg_signature 401, other appId 401 APPID_MISMATCH, bad base64/padding 400, plaintext push 400', async () => {
    const acct = accounts.safe;
    const fields = withId({ MsgType: 'text', Content: 'x' });
    const p = buildPush(acct, fields, 'safe');
    expect(await post('/channels/wechat/safe', { ...p, query: p.query.replace(/msg_signature=[0-9a-f]+/, 'msg_signature=' + 'b'.repeat(40)) })).toEqual({
      status: 401,
      text: 'BAD_SIGNATURE',
    });
    const other = buildPush({ ...acct, appId: 'wxSOMEONEELSE' }, fields, 'safe');
    expect(await post('/channels/wechat/safe', other)).toEqual({ status: 401, text: 'APPID_MISMATCH' });
    const ts = String(now());
    for (const enc of ['@@@notbase64@@@', Buffer.alloc(48, 9).toString('base64')]) {
      const q = new URLSearchParams({
        signature: wechatSignature(acct.token, ts, '1'),
        timestamp: ts,
        nonce: '1',
        encrypt_type: 'aes',
        msg_signature: wechatSignature(acct.token, ts, '1', enc),
      });
      expect(await post('/channels/wechat/safe', { query: q.toString(), body: `<xml><Encrypt><![CDATA[${enc}]]></Encrypt></xml>` })).toEqual({
        status: 400,
        text: 'BAD_MESSAGE',
      });
    }
    expect(await post('/channels/wechat/safe', buildPush(acct, fields, 'plain'))).toEqual({ status: 400, text: 'MODE_MISMATCH' });
    expect(intake.calls).toBe(0);
  });

  it('unknown account → 404', async () => {
    expect((await post('/channels/wechat/nope', good())).status).toBe(404);
  });
});
