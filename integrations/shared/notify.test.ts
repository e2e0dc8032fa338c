import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmsDispatcher } from '../sms/dispatcher';
import { LogSmsProvider } from '../sms/log-provider';
import { WechatApiClient } from '../wechat/api-client';
import { startFakeWechatApi, type FakeWechatApi } from '../wechat/fixtures/fake-api';
import { sendNotification, type NotifyPorts, type OutboundMessage } from './notify';

let api: FakeWechatApi;
const smsOut: { to: string; text: string; notificationId: string }[] = [];
let ports: NotifyPorts;
beforeAll(async () => {
  api = await startFakeWechatApi('wxAPP', 'SECRET');
  const cache = new Map<string, string>();
  const client = new WechatApiClient({ appId: 'wxAPP', appSecret: 'SECRET', baseUrl: api.url,
    tokens: { get: async (k) => cache.get(k) ?? null, set: async (k, v) => { cache.set(k, v); }, del: async (k) => { cache.delete(k); } } });
  const claimed = new Set<string>();
  ports = {
    wechat: { templateIds: { accepted: 'TPL_ACCEPTED', closed: 'TPL_CLOSED' }, trackUrl: (no) => `https://12345.example/t/${no}`,
      sendTemplate: (i) => client.sendTemplate(i) },
    sms: new SmsDispatcher({ providers: [new LogSmsProvider((m) => smsOut.push(m))],
      log: { claim: async (id) => !claimed.has(id) && !!claimed.add(id), release: async (id) => { claimed.delete(id); }, record: async () => {} } }),
  };
});
afterAll(() => api.close());

const msg = (over: Partial<OutboundMessage> = {}): OutboundMessage => ({ notificationId: `n-${Math.random()}`, ticketNo: '20261125000001',
  template: 'accepted', params: { trackUrl: 'https://12345.example/t/1' }, route: { channel: 'wechat', address: 'oUSER' },
  fallbackPhone: '13800138000', ...over });

describe('sendNotification: citizen channel first, then fallback', () => {
  it('WeChat template with the tracking URL', async () => {
    const r = await sendNotification(msg(), ports);
    expect(r).toMatchObject({ status: 'sent', channel: 'wechat', ref: expect.any(String) });
    expect(api.sent.at(-1)!.body).toMatchObject({ touser: 'oUSER', template_id: 'TPL_ACCEPTED', url: 'https://12345.example/t/20261125000001' });
  });
  it('WeChat refuses (user unsubscribed: 43004) or has no such template → SMS fallback; quota → retry later, no SMS', async () => {
    const n = smsOut.length;
    api.unsubscribed.add('oGONE');
    expect(await sendNotification(msg({ route: { channel: 'wechat', address: 'oGONE' } }), ports)).toMatchObject({ status: 'sent', channel: 'sms' });
    expect(await sendNotification(msg({ template: 'dispatched', params: { unit: '市城管局' } }), ports)).toMatchObject({ status: 'sent', channel: 'sms' });
    expect(smsOut.length).toBe(n + 2);
    api.quotaExhausted = true;
    expect(await sendNotification(msg(), ports)).toEqual({ status: 'retry_later', channel: 'wechat', code: '45009' });
    api.quotaExhausted = false;
    expect(smsOut.length).toBe(n + 2);
  });
  it('SMS route; the same notificationId twice sends once', async () => {
    const m = msg({ route: { channel: 'sms', address: '13900139000' }, template: 'closed', params: { link: 'https://r/1' } });
    const n = smsOut.length;
    expect(await sendNotification(m, ports)).toMatchObject({ status: 'sent', channel: 'sms' });
    expect(await sendNotification(m, ports)).toMatchObject({ status: 'sent', channel: 'sms' });
    expect(smsOut.length).toBe(n + 1);
    expect(smsOut.at(-1)!.text).toBe('您的工单20261125000001已答复办结，详情及评价：https://r/1');
  });
  it('no usable route and no phone → failed', async () => {
    expect(await sendNotification(msg({ route: { channel: 'open311', address: 'app-1' }, fallbackPhone: undefined }), ports))
      .toEqual({ status: 'failed', code: 'NO_ROUTE' });
  });
});
