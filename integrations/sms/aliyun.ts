/**
 * Aliyun Dysmsapi SendSms (version 2017-05-25), signed with ACS3-HMAC-SHA256 (channels.md §4.2).
 * RPC-style parameters travel in the query string with an empty body, as in the V3 doc example.
 */
import { randomBytes } from 'node:crypto';
import { postRaw } from './http';
import { acs3Sign } from './signers';
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

/** Aliyun times are Beijing time without offset, as "2017-02-02 22:23:24" or "20150101120000". */
function beijingTime(v: unknown): string {
  if (typeof v !== 'string') return new Date().toISOString();
  const compact = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(v);
  if (compact) return `${compact[1]}-${compact[2]}-${compact[3]}T${compact[4]}:${compact[5]}:${compact[6]}+08:00`;
  return `${v.replace(' ', 'T')}+08:00`;
}

export interface AliyunSmsOptions {
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  templates: Partial<Record<TemplateKey, TemplateBinding>>;
  /** Default https://dysmsapi.aliyuncs.com; tests point it at a loopback fake. */
  endpoint?: string;
  /** The Host that is signed and sent. Default: the endpoint's host. */
  host?: string;
  now?: () => Date;
  nonce?: () => string;
}

export class AliyunSmsProvider implements SmsProvider {
  readonly id = 'aliyun' as const;
  constructor(private o: AliyunSmsOptions) {}

  async send(req: SmsSendRequest): Promise<SmsSendResult> {
    const binding = this.o.templates[req.template];
    if (!binding) throw new SmsProviderError('aliyun', 'NO_TEMPLATE', `no Aliyun template for ${req.template}`);
    const rejected: SmsSendResult['rejected'] = [];
    const phones: string[] = [];
    for (const p of req.to) {
      const n = normalizeCnMobile(p);
      if (n) phones.push(n);
      else rejected.push({ phone: p, code: 'INVALID_NUMBER' });
    }
    if (phones.length === 0) return { providerMsgIds: {}, rejected };
    const endpoint = this.o.endpoint ?? 'https://dysmsapi.aliyuncs.com';
    const host = this.o.host ?? new URL(endpoint).host;
    const query = {
      PhoneNumbers: phones.join(','),
      SignName: this.o.signName,
      TemplateCode: binding.templateCode,
      TemplateParam: JSON.stringify(Object.fromEntries(binding.params.map((k) => [k, req.params[k] ?? '']))),
      OutId: req.notificationId,
    };
    const signed = acs3Sign({
      method: 'POST',
      host,
      query,
      body: '',
      action: 'SendSms',
      version: '2017-05-25',
      accessKeyId: this.o.accessKeyId,
      accessKeySecret: this.o.accessKeySecret,
      date: (this.o.now?.() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      nonce: this.o.nonce?.() ?? randomBytes(16).toString('hex'),
    });
    const qs = Object.entries(query)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join('&');
    const res = await postRaw(`${endpoint.replace(/\/$/, '')}/?${qs}`, signed.headers, '');
    let body: { Code?: string; Message?: string; BizId?: string };
    try {
      body = JSON.parse(res.body);
    } catch {
      throw new SmsProviderError('aliyun', `HTTP_${res.status}`, 'non-JSON answer');
    }
    if (body.Code !== 'OK' || !body.BizId) throw new SmsProviderError('aliyun', body.Code ?? `HTTP_${res.status}`, body.Message ?? '');
    // One BizId covers the whole batch; receipts then tell phone by phone.
    return { providerMsgIds: Object.fromEntries(phones.map((p) => [p, body.BizId!])), rejected };
  }

  /** SmsReport push: JSON array of {phone_number, send_time, report_time, success, err_code, err_msg, sms_size, biz_id, out_id}. */
  parseReceipts(req: RawRequest): DeliveryReceipt[] {
    const arr = JSON.parse(req.body.toString('utf8')) as unknown;
    if (!Array.isArray(arr)) throw new SmsProviderError('aliyun', 'BAD_RECEIPT', 'not an array');
    return arr.map((r: Record<string, unknown>) => {
      if (typeof r.biz_id !== 'string' || typeof r.phone_number !== 'string') throw new SmsProviderError('aliyun', 'BAD_RECEIPT', 'missing ids');
      return {
        providerMsgId: r.biz_id,
        phone: r.phone_number,
        ok: r.success === true || r.success === 'true',
        code: typeof r.err_code === 'string' ? r.err_code : undefined,
        // report_time is Beijing time without an offset ("2017-02-02 22:23:24").
        at: beijingTime(r.report_time),
        notificationId: typeof r.out_id === 'string' && r.out_id ? r.out_id : undefined,
      };
    });
  }

  /** SmsUp push: JSON array of {phone_number, send_time, content, sign_name, dest_code, sequence_id}. */
  parseInbound(req: RawRequest): InboundSms[] {
    const arr = JSON.parse(req.body.toString('utf8')) as unknown;
    if (!Array.isArray(arr)) throw new SmsProviderError('aliyun', 'BAD_INBOUND', 'not an array');
    return arr.map((r: Record<string, unknown>) => {
      if (typeof r.phone_number !== 'string' || typeof r.content !== 'string' || r.sequence_id === undefined) {
        throw new SmsProviderError('aliyun', 'BAD_INBOUND', 'missing fields');
      }
      return {
        providerMsgId: String(r.sequence_id),
        phone: r.phone_number,
        text: r.content,
        at: beijingTime(r.send_time),
        ...(typeof r.dest_code === 'string' ? { destCode: r.dest_code } : {}),
      };
    });
  }

  receiptAck(ok: boolean) {
    return ok ? { status: 200, body: { code: 0, msg: '成功' } } : { status: 400, body: { code: 1, msg: '接收失败' } };
  }
}
