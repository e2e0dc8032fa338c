import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryEventSink, MemoryRateLimit } from '../shared/test-fixtures';
import { listen } from '../shared/test-server';
import { AliyunSmsProvider } from './aliyun';
import { SmsDispatcher, type SmsSendLog } from './dispatcher';
import { startFakeAliyun, startFakeTencent, type FakeVendor } from './fixtures/fake-vendors';
import { LogSmsProvider } from './log-provider';
import { createSmsReceiptRouter } from './receipts-router';
import { TencentSmsProvider } from './tencent';

let ali: FakeVendor, tc: FakeVendor;
beforeAll(async () => {
  ali = await startFakeAliyun({ LTAI_TEST: 'ali-secret' });
  tc = await startFakeTencent({ AKID_TEST: 'tc-secret' });
});
afterAll(async () => {
  await ali.close();
  await tc.close();
});

const templates = { accepted: { templateCode: 'SMS_1001', params: ['ticketNo', 'trackUrl'] }, verify_code: { templateCode: '2001', params: ['code'] } };
const aliyun = (secret = 'ali-secret') =>
  new AliyunSmsProvider({
    accessKeyId: 'LTAI_TEST',
    accessKeySecret: secret,
    signName: '12345热线',
    templates,
    endpoint: ali.url,
    host: 'dysmsapi.aliyuncs.com',
  });
const tencent = (secret = 'tc-secret') =>
  new TencentSmsProvider({
    secretId: 'AKID_TEST',
    secretKey: secret,
    smsSdkAppId: '1400000001',
    signName: '12345热线',
    templates,
    endpoint: tc.url,
    host: 'sms.tencentcloudapi.com',
  });
const req = (notificationId: string, to = ['13800138000']) => ({
  to,
  template: 'accepted' as const,
  params: { ticketNo: '20261125000001', trackUrl: 'https://12345.example/t/abc' },
  notificationId,
});

describe('Aliyun SendSms against the loopback fake that re-verifies ACS3-HMAC-SHA256', () => {
  it('is accepted; params as documented (TemplateParam JSON, OutId = notificationId)', async () => {
    const r = await aliyun().send(req('n-1', ['13800138000', '+86 139-0013-9000', '12345']));
    expect(Object.keys(r.providerMsgIds)).toEqual(['13800138000', '13900139000']);
    expect(r.rejected).toEqual([{ phone: '12345', code: 'INVALID_NUMBER' }]);
    expect(ali.calls.at(-1)).toMatchObject({
      ok: true,
      params: {
        PhoneNumbers: '13800138000,13900139000',
        SignName: '12345热线',
        TemplateCode: 'SMS_1001',
        OutId: 'n-1',
        TemplateParam: '{"ticketNo":"20261125000001","trackUrl":"https://12345.example/t/abc"}',
      },
    });
  });
  it('a wrong secret is refused by the fake (SignatureDoesNotMatch) and surfaces as a provider error', async () => {
    await expect(aliyun('wrong').send(req('n-2'))).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });
});

describe('Tencent SendSms against the loopback fake that re-verifies TC3-HMAC-SHA256', () => {
  it('is accepted; per-number status: Ok → SerialNo, other codes → rejected', async () => {
    const r = await tencent().send(req('n-3', ['13800138000', '17000000000']));
    expect(r.providerMsgIds).toEqual({ '13800138000': expect.stringMatching(/^2640:/) });
    expect(r.rejected).toEqual([{ phone: '17000000000', code: 'FailedOperation.PhoneNumberInBlacklist' }]);
    expect(tc.calls.at(-1)).toMatchObject({
      ok: true,
      params: {
        PhoneNumberSet: ['+8613800138000', '+8617000000000'],
        SmsSdkAppId: '1400000001',
        TemplateId: 'SMS_1001',
        TemplateParamSet: ['20261125000001', 'https://12345.example/t/abc'],
        SessionContext: 'n-3',
      },
    });
  });
  it('a wrong secret is refused by the fake (AuthFailure.SignatureFailure)', async () => {
    await expect(tencent('wrong').send(req('n-4'))).rejects.toMatchObject({ code: 'AuthFailure.SignatureFailure' });
  });
});

class MemorySendLog implements SmsSendLog {
  claimed = new Set<string>();
  records = new Map<string, unknown>();
  async claim(id: string) {
    if (this.claimed.has(id)) return false;
    this.claimed.add(id);
    return true;
  }
  async release(id: string) {
    this.claimed.delete(id);
  }
  async record(id: string, r: unknown) {
    this.records.set(id, r);
  }
}

describe('SmsDispatcher', () => {
  it('fails over by priority, and never sends one notification twice', async () => {
    const d = new SmsDispatcher({ providers: [aliyun(), tencent()], log: new MemorySendLog() });
    ali.mode = 'limit';
    const before = tc.calls.length;
    expect(await d.send(req('n-10'))).toMatchObject({ provider: 'tencent', duplicate: false });
    expect(await d.send(req('n-10'))).toEqual({ duplicate: true });
    expect(tc.calls.length - before).toBe(1);
    ali.mode = 'ok';
  });
  it('when every provider fails the claim is released so the outbox can retry', async () => {
    const log = new MemorySendLog();
    const d = new SmsDispatcher({ providers: [aliyun('wrong'), tencent('wrong')], log });
    await expect(d.send(req('n-11'))).rejects.toBeTruthy();
    expect(log.claimed.has('n-11')).toBe(false);
  });
  it('rate-limits per phone number, other numbers still go out', async () => {
    const sent: string[] = [];
    const d = new SmsDispatcher({
      providers: [new LogSmsProvider((m) => sent.push(m.to))],
      log: new MemorySendLog(),
      rateLimit: new MemoryRateLimit(),
      perPhonePerHour: 2,
    });
    for (let i = 0; i < 3; i++) await d.send(req(`n-2${i}`, ['13800138000']));
    const last = await d.send(req('n-30', ['13800138000', '13900139000']));
    expect(last).toMatchObject({ rejected: [{ phone: '13800138000', code: 'RATE_LIMITED' }] });
    expect(sent).toEqual(['13800138000', '13800138000', '13900139000']);
  });
});

describe('receipt pushes', () => {
  let srv: { url: string; close(): Promise<void> };
  const events = new MemoryEventSink();
  beforeAll(async () => {
    srv = await listen([['/channels/sms', createSmsReceiptRouter({ providers: [aliyun(), tencent()], events, secretPathToken: 's3cretPath' })]]);
  });
  afterAll(() => srv.close());
  const push = (p: string, body: string, token = 's3cretPath') =>
    fetch(`${srv.url}/channels/sms/${p}/receipts/${token}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

  it('Aliyun SmsReport → receipts and {"code":0,"msg":"成功"}; a repeat is deduped', async () => {
    const body = JSON.stringify([
      {
        phone_number: '13800138000',
        send_time: '2026-11-25 10:00:00',
        report_time: '2026-11-25 10:00:05',
        success: true,
        err_code: 'DELIVERED',
        err_msg: '用户接收成功',
        sms_size: '1',
        biz_id: '900619746936498440^0',
        out_id: 'n-1',
      },
    ]);
    const res = await push('aliyun', body);
    expect(await res.json()).toEqual({ code: 0, msg: '成功' });
    await push('aliyun', body);
    expect(events.events).toHaveLength(1);
    expect(events.events[0]).toMatchObject({
      type: 'sms.receipt',
      at: '2026-11-25T10:00:05+08:00',
      data: { providerMsgId: '900619746936498440^0', ok: true, notificationId: 'n-1' },
    });
  });
  it('Tencent callback → receipts and {"result":0,"errmsg":"OK"}', async () => {
    const res = await push(
      'tencent',
      JSON.stringify([
        {
          user_receive_time: '2026-11-25 10:01:00',
          nationcode: '86',
          mobile: '13800138000',
          report_status: 'FAIL',
          errmsg: 'MK:0001',
          description: '用户关机',
          sid: '2640:9',
        },
      ]),
    );
    expect(await res.json()).toEqual({ result: 0, errmsg: 'OK' });
    expect(events.events.at(-1)).toMatchObject({ data: { ok: false, code: 'MK:0001', phone: '13800138000' } });
  });
  it('上行 replies from both vendors → sms.inbound events, deduped on retry', async () => {
    const n = events.events.length;
    const aliBody = JSON.stringify([
      { phone_number: '13800138000', send_time: '20261125100200', content: '2', sign_name: '12345热线', dest_code: '1234', sequence_id: 1234567 },
    ]);
    const a = await fetch(`${srv.url}/channels/sms/aliyun/inbound/s3cretPath`, { method: 'POST', body: aliBody });
    expect(await a.json()).toEqual({ code: 0, msg: '成功' });
    await fetch(`${srv.url}/channels/sms/aliyun/inbound/s3cretPath`, { method: 'POST', body: aliBody });
    const t = await fetch(`${srv.url}/channels/sms/tencent/inbound/s3cretPath`, {
      method: 'POST',
      body: JSON.stringify({ extend: '', mobile: '13900139000', nationcode: '86', sign: '12345热线', text: '路灯还没修', time: 1795600000 }),
    });
    expect(await t.json()).toEqual({ result: 0, errmsg: 'OK' });
    const got = events.events.slice(n);
    expect(got.map((e) => [e.type, e.data.phone, e.data.text])).toEqual([
      ['sms.inbound', '13800138000', '2'],
      ['sms.inbound', '13900139000', '路灯还没修'],
    ]);
    expect(got[0].at).toBe('2026-11-25T10:02:00+08:00');
    expect((await fetch(`${srv.url}/channels/sms/tencent/inbound/guess`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('wrong path token or unknown provider → 404; malformed body → vendor-shaped error', async () => {
    const n = events.events.length;
    expect((await push('aliyun', '[]', 'guess')).status).toBe(404);
    expect((await push('nosuch', '[]')).status).toBe(404);
    const bad = await push('aliyun', '{not json');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ code: 1, msg: '接收失败' });
    expect(events.events).toHaveLength(n);
  });
});
