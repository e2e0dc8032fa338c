/**
 * SMS delivery receipts (状态报告) through the mounted receipt endpoints into the PostgreSQL
 * send log (channels.md §4.2): vendor-shaped pushes, vendor-shaped answers, nothing stored
 * for a wrong token or a malformed push.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { useTestEnv } from '../helpers/env';
import { pgSmsSendLog } from '../../server/channels/sms';

const TOKEN = 'rcpt-0f3a9c2b7d5e4a1b';
const env = useTestEnv({
  sms: {
    aliyun: JSON.stringify({ accessKeyId: 'ak', accessKeySecret: 'sk', signName: '12345热线', templates: {}, endpoint: 'http://127.0.0.1:9' }),
    tencent: JSON.stringify({
      secretId: 'id',
      secretKey: 'key',
      smsSdkAppId: '1400000000',
      signName: '12345热线',
      templates: {},
      endpoint: 'http://127.0.0.1:9',
    }),
  },
  app: { channels: { ctiKeys: '', open311ApiKeys: '', open311Jurisdiction: 'rexian.test', smsReceiptToken: TOKEN } },
});

beforeAll(async () => {
  // Two notices as the dispatcher records them after the vendor accepted them.
  const log = pgSmsSendLog(env.rt.db);
  await log.claim('outbox-11');
  await log.record('outbox-11', { provider: 'aliyun', providerMsgIds: { '13800138000': '900612345678^0' }, rejected: [] });
  await log.claim('outbox-12');
  await log.record('outbox-12', { provider: 'tencent', providerMsgIds: { '+8613900139000': '2019:8470-0000-sid' }, rejected: [] });
});

const push = (provider: string, body: string, token = TOKEN) =>
  fetch(`${env.baseUrl}/channels/sms/${provider}/receipts/${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
const row = async (id: string) =>
  (
    await env.rt.db.execute<{ deliveryStatus: string | null; deliveryCode: string | null; deliveredAt: string | null }>(sql`
  select delivery_status as "deliveryStatus", delivery_code as "deliveryCode", delivered_at as "deliveredAt" from sms_send_log where notification_id = ${id}`)
  ).rows[0];
const events = async () => (await env.rt.db.execute<{ n: number }>(sql`select count(*)::int n from channel_events where type = 'sms.receipt'`)).rows[0].n;

const aliyunReceipt = JSON.stringify([
  {
    phone_number: '13800138000',
    send_time: '2026-11-26 10:00:00',
    report_time: '2026-11-26 10:00:05',
    success: true,
    err_code: 'DELIVERED',
    err_msg: '用户接收成功',
    sms_size: '1',
    biz_id: '900612345678^0',
    out_id: 'outbox-11',
  },
]);

describe('SMS delivery receipts', () => {
  it("an Aliyun receipt marks its notice delivered and gets Aliyun's answer; the same push again changes nothing", async () => {
    const r = await push('aliyun', aliyunReceipt);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ code: 0, msg: '成功' });
    const got = await row('outbox-11');
    expect(got).toMatchObject({ deliveryStatus: 'delivered', deliveryCode: 'DELIVERED' });
    expect(new Date(got.deliveredAt!).toISOString()).toBe('2026-11-26T02:00:05.000Z'); // Beijing time in the push
    const n = await events();
    expect((await push('aliyun', aliyunReceipt)).status).toBe(200);
    expect(await events()).toBe(n);
  });

  it('a Tencent failure receipt (matched by its sid) marks the notice undelivered with the vendor code', async () => {
    const r = await push(
      'tencent',
      JSON.stringify([
        {
          user_receive_time: '2026-11-26 10:01:00',
          nationcode: '86',
          mobile: '13900139000',
          report_status: 'FAIL',
          errmsg: '1016',
          description: '手机号格式错误',
          sid: '2019:8470-0000-sid',
        },
      ]),
    );
    expect(await r.json()).toEqual({ result: 0, errmsg: 'OK' });
    expect(await row('outbox-12')).toMatchObject({ deliveryStatus: 'undelivered', deliveryCode: '1016' });
    expect((await row('outbox-11')).deliveryStatus).toBe('delivered'); // the other notice untouched
  });

  it("wrong token, malformed or incomplete pushes are refused in the vendor's shape and store nothing", async () => {
    const before = await events();
    const wrong = await push('aliyun', aliyunReceipt.replace('outbox-11', 'outbox-12'), 'guessed-token-000000');
    expect(wrong.status).toBe(404);
    const broken = await push('aliyun', '[{"phone_number":');
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({ code: 1, msg: '接收失败' });
    const missing = await push('tencent', JSON.stringify([{ mobile: '13900139000', report_status: 'SUCCESS' }]));
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ result: 1, errmsg: 'bad request' });
    expect(await push('kannel', aliyunReceipt).then((r) => r.status)).toBe(404);
    expect(await events()).toBe(before);
    expect(await row('outbox-12')).toMatchObject({ deliveryStatus: 'undelivered' });
  });

  it('a receipt for an id we never sent is kept, and marks nothing', async () => {
    const before = await events();
    const r = await push(
      'aliyun',
      JSON.stringify([{ phone_number: '13700137000', report_time: '2026-11-26 11:00:00', success: true, biz_id: 'unknown-biz', out_id: '' }]),
    );
    expect(r.status).toBe(200);
    expect(await events()).toBe(before + 1);
    const touched = await env.rt.db.execute<{ n: number }>(sql`select count(*)::int n from sms_send_log where delivery_status is not null`);
    expect(touched.rows[0].n).toBe(2);
  });
});
