/**
 * The WeChat media download as deployed: a real server process (`server/main.ts`, all roles) configured
 * by env, the api.weixin.qq.com contract stub (written from the docs, not a real peer) on loopback. Checks
 * main.ts wires the worker to the client, and that the process logs errcodes but never the access_token.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createTestDatabase } from '../helpers/env';
import { spawnServer, type ServerProcess } from '../helpers/server-process';
import { wechatSignature } from '../../integrations/wechat/crypto';
import { startFakeWechatApi, type FakeWechatApi } from '../../integrations/wechat/fixtures/fake-api';
import { PiiVault } from '../../server/platform/crypto/pii';

const APP_ID = 'wxprocess0000001';
const TOKEN = 'processtoken';
// The server's PII key, so the test can read the photo it stored encrypted.
const PII_KEY = randomBytes(32).toString('base64');
let api: FakeWechatApi;
let server: ServerProcess;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;

beforeAll(async () => {
  api = await startFakeWechatApi(APP_ID, 'PROCESS_SECRET');
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  server = await spawnServer({
    databaseUrl: db.url,
    redisUrl: 'redis://127.0.0.1:6379',
    prefix: `rxt-wxm-${randomBytes(3).toString('hex')}`,
    logLevel: 'info',
    piiKey: PII_KEY,
    extraEnv: {
      WECHAT_APP_ID: APP_ID,
      WECHAT_APP_SECRET: 'PROCESS_SECRET',
      WECHAT_TOKEN: TOKEN,
      WECHAT_MODE: 'plain',
      WECHAT_ORIGINAL_ID: 'gh_abc',
      WECHAT_API_BASE: api.url,
    },
  });
}, 90_000);

afterAll(async () => {
  await server?.kill('SIGKILL');
  await pool?.end();
  await db?.drop();
  await api?.close();
});

async function sendImage(msgId: string, mediaId: string) {
  const ts = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(6).toString('hex');
  const xml = `<xml><ToUserName><![CDATA[gh_abc]]></ToUserName><FromUserName><![CDATA[o-proc-${mediaId}]]></FromUserName><CreateTime>${ts}</CreateTime>
    <MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://mmbiz.example/p.png]]></PicUrl><MediaId><![CDATA[${mediaId}]]></MediaId><MsgId>${msgId}</MsgId></xml>`;
  const r = await fetch(
    `${server.url}/channels/wechat?signature=${wechatSignature(TOKEN, ts, nonce)}&timestamp=${ts}&nonce=${nonce}&openid=o-proc-${mediaId}`,
    { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml },
  );
  const number = (await r.text()).match(/(\d{13})/)?.[1];
  expect(number).toBeTruthy();
  return number!;
}

async function storedFile(number: string) {
  const end = Date.now() + 20_000;
  for (;;) {
    const row = (
      await pool.query(
        `select a.mime, a.body from ticket_events e
      join tickets t on t.id = e.ticket_id join channel_attachments a on 'att:' || a.id::text = e.data->>'storageKey'
      where t.number = $1 and e.type = 'attachment.stored'`,
        [number],
      )
    ).rows[0] as { mime: string; body: Buffer } | undefined;
    if (row || Date.now() > end) return row;
    await new Promise((res) => setTimeout(res, 200));
  }
}

it('image messages sent to the running server end as stored files and timeline events; 40001 is logged, the token never', async () => {
  const photo = randomBytes(3000);
  api.media.set('MEDIA_PROC_1', photo);
  api.mediaTypes.set('MEDIA_PROC_1', 'image/png');
  const first = await storedFile(await sendImage('7400000000000000001', 'MEDIA_PROC_1'));
  expect(first, server.output().slice(-2000)).toBeTruthy();
  expect(first!.mime).toBe('image/png');
  expect(Buffer.compare(new PiiVault(PII_KEY).decryptBytes(first!.body), photo)).toBe(0); // encrypted at rest

  // WeChat invalidates the token the server has cached in Redis: the next download meets 40001, refreshes once.
  api.expireTokens();
  const before = api.tokenRequests.length;
  api.media.set('MEDIA_PROC_2', randomBytes(100));
  expect(await storedFile(await sendImage('7400000000000000002', 'MEDIA_PROC_2'))).toBeTruthy();
  expect(api.tokenRequests.slice(before)).toEqual([{ force: true }]);
  const out = server.output();
  expect(out).toMatch(/"errcode":40001/);
  expect(out).not.toMatch(/TOKEN_\d/);
}, 60_000);
