/**
 * Attack by someone who reads the database or the logs (a backup, a DBA, a log shipper) rather than
 * the API: personal data sat outside the encrypted columns — raw inbound payloads, caller numbers
 * in channel_events.data, attachment bytes — and a failed query's values reached the logs.
 * Downloads of a citizen's files left no trace. Real app, PostgreSQL and Redis, real HTTP.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { useTestEnv, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { signRequest } from '../../integrations/shared/hmac';
import { wechatSignature } from '../../integrations/wechat/crypto';
import { errorHandler, requestContext } from '../../server/platform/http/middleware';
import { sweepPersonalData } from '../../server/channels/retention';

const WECHAT = { WECHAT_APP_ID: 'wx1234567890abcdef', WECHAT_TOKEN: 'rexiantoken', WECHAT_MODE: 'plain', WECHAT_ORIGINAL_ID: 'gh_abc' };
const env = useTestEnv({ app: { channels: { wechat: WECHAT, ctiKeys: 'cti1:cti-secret-1', open311ApiKeys: '', open311Jurisdiction: 'x' } } });
const PHONE = '13912343927';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
const count = async (q: ReturnType<typeof sql>) => (await env.rt.db.execute<{ n: number }>(q)).rows[0].n;

beforeAll(async () => {
  // The runtime's Redis client fails fast rather than queueing: let it connect before the first signed request.
  while (env.rt.redis.status !== 'ready') await new Promise((r) => setTimeout(r, 50));
});

describe('personal data at rest', () => {
  it('a CTI call event stores the caller number masked, encrypted and hashed — never in clear', async () => {
    const body = JSON.stringify([
      { eventId: 'e-1', callId: 'c-1', type: 'ringing', at: new Date().toISOString(), direction: 'inbound', caller: PHONE, callee: '12345' },
    ]);
    const r = await fetch(`${env.baseUrl}/channels/phone/events`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        ...signRequest({ keyId: 'cti1', secret: 'cti-secret-1', method: 'POST', path: '/channels/phone/events', body }),
      },
    });
    expect(r.status, await r.clone().text()).toBeLessThan(300);
    const [row] = (await env.rt.db.execute<{ data: Record<string, string> }>(sql`select data from channel_events where external_id = 'e-1'`)).rows;
    expect(JSON.stringify(row.data)).not.toContain(PHONE);
    expect(row.data.caller).toBe('139****3927');
    expect(env.rt.svc.pii.decrypt(row.data.callerEnc)).toBe(PHONE);
  });

  it("a WeChat push's raw payload is stored encrypted", async () => {
    const ts = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(6).toString('hex');
    const xml = `<xml><ToUserName><![CDATA[gh_abc]]></ToUserName><FromUserName><![CDATA[o-raw-1]]></FromUserName><CreateTime>${ts}</CreateTime>
      <MsgType><![CDATA[text]]></MsgType><Content><![CDATA[我的电话${PHONE}，路灯坏了]]></Content><MsgId>7300000000000000001</MsgId></xml>`;
    const r = await fetch(
      `${env.baseUrl}/channels/wechat?signature=${wechatSignature(WECHAT.WECHAT_TOKEN, ts, nonce)}&timestamp=${ts}&nonce=${nonce}&openid=o-raw-1`,
      { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml },
    );
    expect(r.status).toBe(200);
    const rows = (await env.rt.db.execute<{ body: Buffer; enc: boolean }>(sql`select body, body_encrypted as enc from raw_payloads`)).rows;
    expect(rows.length).toBeGreaterThan(0);
    for (const x of rows) {
      expect(x.enc).toBe(true);
      expect(Buffer.from(x.body).toString('latin1')).not.toContain(PHONE);
      expect(Buffer.from(x.body).toString('utf8')).not.toContain('路灯');
    }
  });

  it('portal files are encrypted at rest, served decrypted, and every download is audited', async () => {
    const pub = new ApiClient(env.baseUrl);
    expect((await pub.post('/api/public/sms-codes', { phone: PHONE, purpose: 'submit' })).status).toBe(202);
    const code = (await pub.get(`/api/dev/sms?phone=${PHONE}`)).body.data.code as string;
    const form = new FormData();
    form.append('payload', JSON.stringify({ phone: PHONE, code, content: '身份证照片见附件' }));
    form.append('files', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'id.png');
    const sub = await pub.upload('/api/public/appeals', form);
    expect(sub.status, JSON.stringify(sub.body)).toBe(201);
    const agentUser = await makeUser(env, 'agent');
    const agent = await ApiClient.login(env.baseUrl, agentUser.user.username);
    const ticket = (await agent.get(`/api/tickets?number=${sub.body.data.number}`)).body.data[0];
    const detail = (await agent.get(`/api/tickets/${ticket.id}`)).body.data;
    const fileId = detail.timeline[0].data.files[0].storageKey.slice(4) as string;
    const [stored] = (
      await env.rt.db.execute<{ body: Buffer; enc: boolean }>(sql`select body, body_encrypted as enc from channel_attachments where id = ${fileId}`)
    ).rows;
    expect(stored.enc).toBe(true);
    expect(Buffer.from(stored.body).includes(PNG.subarray(0, 16))).toBe(false);
    const dl = await agent.download(`/api/tickets/${ticket.id}/attachments/${fileId}`);
    expect(dl.status).toBe(200);
    expect(dl.bytes.equals(PNG)).toBe(true);
    const audits = (
      await env.rt.db.execute<{ actorId: string; data: { attachmentId: string } }>(sql`select actor_id as "actorId", data from audit_log
      where action = 'attachment.downloaded' and entity_id = ${ticket.id}`)
    ).rows;
    expect(audits).toEqual([expect.objectContaining({ actorId: agentUser.user.id, data: expect.objectContaining({ attachmentId: fileId }) })]);
  });

  it('the retention sweep deletes raw payloads past their period and encrypts rows stored in clear before', async () => {
    await env.rt.db.execute(sql`insert into raw_payloads (channel, channel_account, content_type, body, created_at)
      values ('email', 'm', 'message/rfc822', ${Buffer.from(`From: a@b.c\n\n电话${PHONE}`)}, now() - interval '40 days'),
             ('email', 'm', 'message/rfc822', ${Buffer.from(`From: a@b.c\n\n电话${PHONE}`)}, now() - interval '2 days')`);
    await env.rt.db.execute(sql`insert into channel_attachments (channel, channel_account, sha256, mime, size, body)
      values ('email', 'm', ${'0'.repeat(64)}, 'image/png', ${PNG.length}, ${PNG})`);
    await env.rt.db.execute(sql`insert into channel_events (channel, channel_account, type, external_id, data, at)
      values ('phone', '12345', 'call.ringing', 'legacy-1', ${JSON.stringify({ callId: 'c-old', caller: PHONE, callee: '12345' })}::jsonb, now())`);
    const out = await sweepPersonalData(env.rt, { retentionDays: 30 });
    expect(out.failures).toEqual([]);
    expect(out.expiredRawPayloads).toBe(1);
    expect(await count(sql`select count(*)::int as n from raw_payloads where not body_encrypted`)).toBe(0);
    expect(await count(sql`select count(*)::int as n from channel_attachments where not body_encrypted`)).toBe(0);
    expect(await count(sql`select count(*)::int as n from channel_events where data::text like ${'%' + PHONE + '%'}`)).toBe(0);
    expect(await count(sql`select count(*)::int as n from raw_payloads where created_at < now() - interval '30 days'`)).toBe(0);
  });
});

describe('retention sweep failures', () => {
  it('a failing step is reported and does not stop the others', async () => {
    await env.rt.db.execute(sql`insert into channel_attachments (channel, channel_account, sha256, mime, size, body)
      values ('email', 'm', ${'1'.repeat(64)}, 'image/png', ${PNG.length}, ${PNG})`);
    await env.rt.db.execute(sql`alter table raw_payloads rename to raw_payloads_away`);
    try {
      const out = await sweepPersonalData(env.rt, { retentionDays: 30 });
      expect(out.failures).toEqual(['expire_raw_payloads', 'encrypt_raw_payloads']);
      expect(out.encryptedAttachments).toBe(1);
    } finally {
      await env.rt.db.execute(sql`alter table raw_payloads_away rename to raw_payloads`);
    }
  });
});

describe('database errors in logs', () => {
  it('a failed query is logged with its SQLSTATE, never with the values it carried', async () => {
    const lines: string[] = [];
    const log = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _e, cb) {
          lines.push(String(chunk));
          cb();
        },
      }),
    );
    const app = express();
    app.use(requestContext({ db: env.rt.db, log, svc: env.rt.svc }));
    // A query that fails on a value (an ID number where a uuid belongs), as a bug might produce.
    app.get('/boom', async () => {
      await env.rt.db.execute(sql`select ${'11010519491231002X'}::uuid, ${PHONE}::text`);
    });
    app.use(errorHandler(log));
    const server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const r = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/boom`);
      expect(r.status).toBe(500);
      expect(await r.text()).not.toContain(PHONE);
    } finally {
      await new Promise((r) => server.close(r));
    }
    const out = lines.join('');
    expect(out).toContain('22P02'); // invalid_text_representation: the code is there to find the bug
    expect(out).not.toContain(PHONE);
    expect(out).not.toContain('11010519491231002X');
  });
});
