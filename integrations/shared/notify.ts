/**
 * Outbound notifications (受理/派单/延期/办结/回访, channels.md §0.2): one OutboundMessage goes out
 * on the citizen's channel, then falls back (WeChat template → SMS). The outbox job calls this
 * with the outbox row id as notificationId and acts on the result.
 */
import type { ChannelKind } from '../inbound-appeal';
import type { TemplateKey } from '../sms/types';

export type NotificationTemplate = Exclude<TemplateKey, 'verify_code'>;

export interface OutboundMessage {
  notificationId: string;
  ticketNo: string;
  template: NotificationTemplate;
  params: Record<string, string>;
  route: { channel: ChannelKind; address: string };
  /** Citizen's mobile, used when the first route fails for good. */
  fallbackPhone?: string;
}

export type DeliveryResult =
  | { status: 'sent'; channel: ChannelKind; ref?: string }
  | { status: 'retry_later'; channel: ChannelKind; code: string }
  | { status: 'failed'; code: string };

export interface NotifyPorts {
  wechat?: {
    /** Template id per our template (受理 accepted, 办理进度 progress, 办结 closed, 回访 callback). */
    templateIds: Partial<Record<NotificationTemplate, string>>;
    trackUrl(ticketNo: string): string;
    sendTemplate(input: { openId: string; templateId: string; url?: string; data: Record<string, string> }):
      Promise<{ ok: true; msgid?: string } | { ok: false; errcode: number; retryLater: boolean; fallback: boolean }>;
  };
  sms?: { send(req: { to: string[]; template: TemplateKey; params: Record<string, string>; notificationId: string }):
    Promise<{ duplicate: true } | { duplicate: false; provider: string; providerMsgIds: Record<string, string>; rejected: { phone: string; code: string }[] }> };
  email?: { send(m: { ticketNo: string; notificationId: string; to: string; subject: string; text: string }): Promise<{ messageId: string }> };
  /** Subject/text for email, rendered by the server's templates. */
  renderEmail?(msg: OutboundMessage): { subject: string; text: string };
}

async function viaSms(ports: NotifyPorts, msg: OutboundMessage, phone: string): Promise<DeliveryResult> {
  if (!ports.sms) return { status: 'failed', code: 'NO_SMS' };
  try {
    const r = await ports.sms.send({ to: [phone], template: msg.template, params: { ticketNo: msg.ticketNo, ...msg.params },
      notificationId: msg.notificationId });
    if (r.duplicate) return { status: 'sent', channel: 'sms' };
    const id = r.providerMsgIds[phone] ?? Object.values(r.providerMsgIds)[0];
    return id ? { status: 'sent', channel: 'sms', ref: id } : { status: 'failed', code: r.rejected[0]?.code ?? 'REJECTED' };
  } catch (e) {
    return { status: 'retry_later', channel: 'sms', code: (e as { code?: string }).code ?? 'SMS_ERROR' };
  }
}

export async function sendNotification(msg: OutboundMessage, ports: NotifyPorts): Promise<DeliveryResult> {
  const { channel, address } = msg.route;
  if (channel === 'wechat' && ports.wechat) {
    const templateId = ports.wechat.templateIds[msg.template];
    if (templateId) {
      const r = await ports.wechat.sendTemplate({ openId: address, templateId, url: ports.wechat.trackUrl(msg.ticketNo),
        data: { ticketNo: msg.ticketNo, ...msg.params } });
      if (r.ok) return { status: 'sent', channel: 'wechat', ref: r.msgid };
      if (r.retryLater) return { status: 'retry_later', channel: 'wechat', code: String(r.errcode) };
    }
    return msg.fallbackPhone ? viaSms(ports, msg, msg.fallbackPhone) : { status: 'failed', code: 'NO_FALLBACK' };
  }
  if (channel === 'email' && ports.email && ports.renderEmail) {
    try {
      const r = await ports.email.send({ ticketNo: msg.ticketNo, notificationId: msg.notificationId, to: address, ...ports.renderEmail(msg) });
      return { status: 'sent', channel: 'email', ref: r.messageId };
    } catch (e) {
      const code = (e as { responseCode?: number }).responseCode;
      // 4xx from SMTP is temporary; a 5xx means this address will not work: fall back.
      if (code === undefined || code < 500) return { status: 'retry_later', channel: 'email', code: String(code ?? 'NETWORK') };
      return msg.fallbackPhone ? viaSms(ports, msg, msg.fallbackPhone) : { status: 'failed', code: `SMTP_${code}` };
    }
  }
  if (channel === 'sms' || channel === 'phone' || channel === 'web' || channel === 'h5') {
    const phone = channel === 'sms' ? address : msg.fallbackPhone ?? address;
    return viaSms(ports, msg, phone);
  }
  return msg.fallbackPhone ? viaSms(ports, msg, msg.fallbackPhone) : { status: 'failed', code: 'NO_ROUTE' };
}
