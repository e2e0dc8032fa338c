/**
 * Tencent Cloud SMS SendSms (version 2021-01-11), signed with TC3-HMAC-SHA256 (channels.md §4.2).
 */
import { postRaw } from './http';
import { tc3Sign } from './signers';
import {
  normalizeCnMobile,
  SmsProviderError,
  type DeliveryReceipt,
  type InboundSms,
  type RawRequest,
  type SmsProvider,
  type SmsSendRequest,
  type SmsSendResult,
  type TemplateBinding,
  type TemplateKey,
} from './types';

export interface TencentSmsOptions {
  secretId: string;
  secretKey: string;
  smsSdkAppId: string;
  signName: string;
  region?: string;
  templates: Partial<Record<TemplateKey, TemplateBinding>>;
  /** Default https://sms.tencentcloudapi.com; tests point it at a loopback fake. */
  endpoint?: string;
  host?: string;
  now?: () => Date;
}

export class TencentSmsProvider implements SmsProvider {
  readonly id = 'tencent' as const;
  constructor(private o: TencentSmsOptions) {}

  async send(req: SmsSendRequest): Promise<SmsSendResult> {
    const binding = this.o.templates[req.template];
    if (!binding) throw new SmsProviderError('tencent', 'NO_TEMPLATE', `no Tencent template for ${req.template}`);
    const rejected: SmsSendResult['rejected'] = [];
    const phones: string[] = [];
    for (const p of req.to) {
      const n = normalizeCnMobile(p);
      if (n) phones.push(`+86${n}`);
      else rejected.push({ phone: p, code: 'INVALID_NUMBER' });
    }
    if (phones.length === 0) return { providerMsgIds: {}, rejected };
    if (phones.length > 200) throw new SmsProviderError('tencent', 'TOO_MANY', 'at most 200 numbers per request');
    const endpoint = this.o.endpoint ?? 'https://sms.tencentcloudapi.com';
    const host = this.o.host ?? new URL(endpoint).host;
    const payload = JSON.stringify({
      PhoneNumberSet: phones,
      SmsSdkAppId: this.o.smsSdkAppId,
      SignName: this.o.signName,
      TemplateId: binding.templateCode,
      TemplateParamSet: binding.params.map((k) => req.params[k] ?? ''),
      SessionContext: req.notificationId,
    });
    const timestamp = Math.floor((this.o.now?.() ?? new Date()).getTime() / 1000);
    const contentType = 'application/json; charset=utf-8';
    const { authorization } = tc3Sign({ secretId: this.o.secretId, secretKey: this.o.secretKey, service: 'sms', host, timestamp, payload, contentType });
    const res = await postRaw(
      endpoint,
      {
        Authorization: authorization,
        'Content-Type': contentType,
        Host: host,
        'X-TC-Action': 'SendSms',
        'X-TC-Version': '2021-01-11',
        'X-TC-Timestamp': String(timestamp),
        'X-TC-Region': this.o.region ?? 'ap-guangzhou',
      },
      payload,
    );
    let body: { Response?: { Error?: { Code: string; Message: string }; SendStatusSet?: { SerialNo: string; PhoneNumber: string; Code: string }[] } };
    try {
      body = JSON.parse(res.body);
    } catch {
      throw new SmsProviderError('tencent', `HTTP_${res.status}`, 'non-JSON answer');
    }
    const r = body.Response;
    if (!r || r.Error || !r.SendStatusSet) throw new SmsProviderError('tencent', r?.Error?.Code ?? `HTTP_${res.status}`, r?.Error?.Message ?? '');
    const providerMsgIds: Record<string, string> = {};
    for (const s of r.SendStatusSet) {
      const phone = s.PhoneNumber.replace(/^\+86/, '');
      if (s.Code === 'Ok') providerMsgIds[phone] = s.SerialNo;
      else rejected.push({ phone, code: s.Code });
    }
    return { providerMsgIds, rejected };
  }

  /** Status callback: JSON array of {user_receive_time, nationcode, mobile, report_status, errmsg, description, sid}. */
  parseReceipts(req: RawRequest): DeliveryReceipt[] {
    const arr = JSON.parse(req.body.toString('utf8')) as unknown;
    if (!Array.isArray(arr)) throw new SmsProviderError('tencent', 'BAD_RECEIPT', 'not an array');
    return arr.map((r: Record<string, unknown>) => {
      if (typeof r.sid !== 'string' || typeof r.mobile !== 'string') throw new SmsProviderError('tencent', 'BAD_RECEIPT', 'missing ids');
      return {
        providerMsgId: r.sid,
        phone: r.mobile,
        ok: r.report_status === 'SUCCESS',
        code: typeof r.errmsg === 'string' ? r.errmsg : undefined,
        at: typeof r.user_receive_time === 'string' ? `${r.user_receive_time.replace(' ', 'T')}+08:00` : new Date().toISOString(),
      };
    });
  }

  /** Reply (上行) callback: JSON array (or one object) of {extend, mobile, nationcode, sign, text, time}. */
  parseInbound(req: RawRequest): InboundSms[] {
    const parsed = JSON.parse(req.body.toString('utf8')) as unknown;
    const arr = Array.isArray(parsed) ? parsed : [parsed];
    return arr.map((r: Record<string, unknown>) => {
      if (!r || typeof r.mobile !== 'string' || typeof r.text !== 'string' || typeof r.time !== 'number') {
        throw new SmsProviderError('tencent', 'BAD_INBOUND', 'missing fields');
      }
      // No message id in the push: mobile + time + text identify a retry of the same push.
      return {
        providerMsgId: `${r.mobile}:${r.time}:${r.text.length}`,
        phone: r.mobile,
        text: r.text,
        at: new Date(r.time * 1000).toISOString(),
        ...(typeof r.extend === 'string' && r.extend ? { destCode: r.extend } : {}),
      };
    });
  }

  receiptAck(ok: boolean) {
    return ok ? { status: 200, body: { result: 0, errmsg: 'OK' } } : { status: 400, body: { result: 1, errmsg: 'bad request' } };
  }
}
