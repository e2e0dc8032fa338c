import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { io as ioClient } from 'socket.io-client';
import { randomBytes } from 'node:crypto';
import { useTestEnv, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { importCategoryTree } from '../../server/catalog/use-cases/import-category-tree';
import { createRealtime } from '../../server/platform/realtime/socket';
import { wechatSignature } from '../../integrations/wechat/crypto';
import { signRequest } from '../../integrations/shared/hmac';

const WECHAT = { WECHAT_APP_ID: 'wx1234567890abcdef', WECHAT_TOKEN: 'rexiantoken', WECHAT_MODE: 'plain', WECHAT_ORIGINAL_ID: 'gh_abc' };
const env = useTestEnv({
  app: { channels: { wechat: WECHAT, ctiKeys: 'cti1:cti-secret-1', open311ApiKeys: 'app-1:open311-key', open311Jurisdiction: 'rexian.test' } },
});
let agent: ApiClient;

beforeAll(async () => {
  await importCategoryTree(
    env.rt.db,
    [
      { code: '01', name: '城乡建设', parentCode: null, level: 1 },
      { code: '0101', name: '市政设施', parentCode: '01', level: 2 },
    ],
    'test',
    'test',
  );
  agent = await ApiClient.login(env.baseUrl, (await makeUser(env, 'agent', { phoneExtension: '8001' })).user.username);
});

async function ticketByNumber(number: string) {
  const r = await agent.get(`/api/tickets?number=${number}`);
  return r.body.data[0];
}

describe('WeChat official account', () => {
  const post = (xml: string, ts = String(Math.floor(Date.now() / 1000))) => {
    const nonce = randomBytes(6).toString('hex');
    const sig = wechatSignature(WECHAT.WECHAT_TOKEN, ts, nonce);
    return fetch(`${env.baseUrl}/channels/wechat?signature=${sig}&timestamp=${ts}&nonce=${nonce}&openid=o-citizen-1`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: xml,
    });
  };
  const text = (msgId: string, content: string) => `<xml><ToUserName><![CDATA[gh_abc]]></ToUserName><FromUserName><![CDATA[o-citizen-1]]></FromUserName>
    <CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;

  it('turns a text message into a ticket, replies with its number, and makes nothing new on a retry', async () => {
    const r1 = await post(text('7000000000000000001', '我家楼下的路灯已经坏了两周了'));
    expect(r1.status).toBe(200);
    const reply = await r1.text();
    const number = reply.match(/(\d{13})/)?.[1];
    expect(number).toBeTruthy();
    const t = await ticketByNumber(number!);
    expect(t.channel).toBe('wechat');
    expect(t.status).toBe('received');
    const r2 = await post(text('7000000000000000001', '我家楼下的路灯已经坏了两周了'));
    expect(await r2.text()).toContain(number!);
    const n = (await env.rt.db.execute<{ n: number }>(sql`select count(*)::int as n from tickets where channel = 'wechat'`)).rows[0].n;
    expect(n).toBe(1);
  });

  it('refuses a bad signature and a stale timestamp, storing nothing', async () => {
    const before = (await env.rt.db.execute<{ n: number }>(sql`select count(*)::int as n from tickets`)).rows[0].n;
    const bad = await fetch(`${env.baseUrl}/channels/wechat?signature=deadbeef&timestamp=1&nonce=x`, {
      method: 'POST',
      body: text('7000000000000000002', 'x'),
    });
    expect(bad.status).toBe(401);
    const stale = await post(text('7000000000000000003', '路灯'), String(Math.floor(Date.now() / 1000) - 3600));
    expect(stale.status).toBe(401);
    expect((await env.rt.db.execute<{ n: number }>(sql`select count(*)::int as n from tickets`)).rows[0].n).toBe(before);
  });
});

describe('WeChat follow-ups (channels.md §1: media/location within the window complete the last appeal)', () => {
  let msgId = 7100000000000000000n;
  let OPENID = 'o-citizen-followup-1';
  const send = async (inner: string) => {
    const ts = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(6).toString('hex');
    const sig = wechatSignature(WECHAT.WECHAT_TOKEN, ts, nonce);
    msgId += 1n;
    const xml = `<xml><ToUserName><![CDATA[gh_abc]]></ToUserName><FromUserName><![CDATA[${OPENID}]]></FromUserName>
      <CreateTime>${ts}</CreateTime>${inner}<MsgId>${msgId}</MsgId></xml>`;
    const r = await fetch(`${env.baseUrl}/channels/wechat?signature=${sig}&timestamp=${ts}&nonce=${nonce}&openid=${OPENID}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: xml,
    });
    return (await r.text()).match(/(\d{13})/)?.[1];
  };
  const text = (c: string) => `<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${c}]]></Content>`;
  const image = `<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://mmbiz.example/p.jpg]]></PicUrl><MediaId><![CDATA[media-photo-1]]></MediaId>`;
  const location = `<MsgType><![CDATA[location]]></MsgType><Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y><Scale>20</Scale><Label><![CDATA[广州市天河区体育西路]]></Label>`;
  const wechatTickets = async () => (await env.rt.db.execute<{ n: number }>(sql`select count(*)::int as n from tickets where channel = 'wechat'`)).rows[0].n;

  it('a photo and a location sent right after the text land on the same ticket; the next text opens a new one', async () => {
    const first = await send(text('体育西路井盖缺失，很危险'));
    expect(first).toBeTruthy();
    const before = await wechatTickets();
    expect(await send(image)).toBe(first);
    expect(await send(location)).toBe(first);
    expect(await wechatTickets()).toBe(before);
    const t = await ticketByNumber(first!);
    const detail = (await agent.get(`/api/tickets/${t.id}`)).body.data;
    const added = detail.timeline.filter((e: { type: string }) => e.type === 'citizen.supplemented');
    expect(added.map((e: { data: { files: { kind: string }[]; location?: unknown } }) => [e.data.files[0]?.kind ?? null, !!e.data.location])).toEqual([
      ['image', false],
      [null, true],
    ]);
    expect(detail.address).toBe('广州市天河区体育西路');
    const second = await send(text('另外，路口红绿灯也坏了'));
    expect(second).not.toBe(first);
  });

  it('after the window, or once the ticket moved on, a photo is an appeal of its own', async () => {
    OPENID = 'o-citizen-followup-2'; // a citizen with no other recent appeal
    const first = await send(text('小区门口垃圾堆放三天没人清理'));
    // The citizen's last message was 11 minutes ago.
    await env.rt.db.execute(sql`update tickets set created_at = created_at - interval '11 minutes' where number = ${first!}`);
    const late = await send(image);
    expect(late).toBeTruthy();
    expect(late).not.toBe(first);
    expect(await send(image)).toBe(late); // a second photo right after completes that new one
    // Within the window, but the ticket is no longer `received`.
    await env.rt.db.execute(sql`update tickets set status = 'pending_dispatch' where number = ${late!}`);
    const next = await send(image);
    expect(next).not.toBe(late);
  });

  it("a text starting with the ticket number is the citizen's supplement, as from the web form; to a closed ticket it is a new appeal", async () => {
    OPENID = 'o-citizen-followup-3';
    const first = await send(text('解放路下水道堵塞，污水漫到路面'));
    expect(first).toBeTruthy();
    expect(await send(text(`${first} 补充：今天早上更严重了`))).toBe(first);
    const t = await ticketByNumber(first!);
    const timeline = async () =>
      (await agent.get(`/api/tickets/${t.id}`)).body.data.timeline.filter((e: { type: string }) => e.type === 'citizen.supplemented');
    // What a supplement sent through the citizen portal shows the agent: the citizen added it.
    expect((await timeline()).map((e: { actorRole: string; actorName: string; data: { text: string } }) => [e.actorRole, e.actorName, e.data.text])).toEqual([
      ['citizen', '诉求人', `${first} 补充：今天早上更严重了`],
    ]);

    // A closed ticket takes no supplement (the portal answers 409): the message is a new appeal, not a note no one reads.
    await env.rt.db.execute(sql`update tickets set status = 'closed' where number = ${first!}`);
    const later = await send(text(`${first} 还是没修好`));
    expect(later).toBeTruthy();
    expect(later).not.toBe(first);
    expect(await timeline()).toHaveLength(1);
  });
});

describe('Open311 GeoReport v2', () => {
  it('lists our categories as services and creates a ticket from a POST, readable by GET', async () => {
    const services = (await (await fetch(`${env.baseUrl}/open311/v2/services.json`)).json()) as { service_code: string }[];
    expect(services.map((s) => s.service_code)).toEqual(expect.arrayContaining(['01', '0101']));
    const form = new URLSearchParams({
      api_key: 'open311-key',
      service_code: '0101',
      description: '天河路口路灯整晚不亮',
      phone: '13800138000',
      lat: '23.13',
      long: '113.32',
    });
    const r = await fetch(`${env.baseUrl}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    expect(r.status).toBe(201);
    const [{ service_request_id: number }] = (await r.json()) as { service_request_id: string }[];
    const t = await ticketByNumber(number);
    expect(t).toMatchObject({ channel: 'open311', categoryCode: '0101' });
    const got = (await (await fetch(`${env.baseUrl}/open311/v2/requests/${number}.json?api_key=open311-key`)).json()) as {
      status: string;
      service_code: string;
    }[];
    expect(got[0]).toMatchObject({ status: 'open', service_code: '0101' });
    const bad = await fetch(`${env.baseUrl}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ api_key: 'wrong', service_code: '0101', description: 'x' }),
    });
    expect(bad.status).toBe(403);
    const unknown = await fetch(`${env.baseUrl}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ api_key: 'open311-key', service_code: '9999', description: '路灯' }),
    });
    expect(unknown.status).toBe(404);
  });
});

describe('phone (CTI events)', () => {
  it('pops the caller history to the answering agent only, and keeps the IVR satisfaction key on the (still open) ticket of that call as ignored', async () => {
    const realtime = createRealtime(env.server, { db: env.rt.db, redisUrl: 'redis://127.0.0.1:6379', prefix: env.prefix, log: env.rt.log });
    env.rt.io = realtime.io;
    const prior = await agent.post('/api/tickets', { callerPhone: '13911112222', content: '上次反映的噪音问题', callId: 'call-0' });
    expect(prior.status).toBe(201);
    const sock = ioClient(env.baseUrl, { extraHeaders: { cookie: agent.cookie }, transports: ['websocket'] });
    await new Promise<void>((r) => sock.on('connect', () => r()));
    const popped = new Promise<{ callId: string; recentTickets: { ticketNo: string }[] }>((r) => sock.on('call:ringing', r));
    const send = (events: unknown[]) => {
      const body = JSON.stringify(events);
      return fetch(`${env.baseUrl}/channels/phone/events`, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          ...signRequest({ keyId: 'cti1', secret: 'cti-secret-1', method: 'POST', path: '/channels/phone/events', body }),
        },
      });
    };
    const base = { callId: 'call-77', direction: 'inbound', caller: '13911112222', callee: '12345', agentExtension: '8001' };
    expect((await send([{ ...base, eventId: 'e1', type: 'ringing', at: new Date().toISOString() }])).status).toBeLessThan(300);
    const pop = await Promise.race([popped, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no screen pop')), 5000))]);
    expect(pop.callId).toBe('call-77');
    expect(pop.recentTickets[0].ticketNo).toBe(prior.body.data.number);

    const reg = await agent.post('/api/tickets', { callerPhone: '13911112222', content: '小区垃圾清运不及时', callId: 'call-77' });
    expect((await send([{ ...base, eventId: 'e9', type: 'survey_result', surveyDigit: '1', at: new Date().toISOString() }])).status).toBeLessThan(300);
    const detail = await agent.get(`/api/tickets/${reg.body.data.id}`);
    // The ticket is still open, so the key press is kept on its timeline as ignored, not a rating
    // (closed tickets get a real rating: test/integration/ivr-rating.test.ts).
    const rating = detail.body.data.timeline.find((e: { type: string }) => e.type === 'rating.ignored');
    expect(rating).toMatchObject({ reason: 'TICKET_NOT_CLOSED', data: { score: 5, source: 'ivr' } });

    const forged = await fetch(`${env.baseUrl}/channels/phone/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' });
    expect(forged.status).toBe(401);
    sock.close();
    env.rt.io = null;
    await realtime.close();
  });
});
