/** SMS provider contract (channels.md §4.1) and our template keys. */

export type TemplateKey = 'verify_code' | 'accepted' | 'dispatched' | 'extended' | 'closed' | 'callback_survey' | 'knowledge_answer';

export interface SmsSendRequest {
  to: string[];
  template: TemplateKey;
  params: Record<string, string>;
  /**
   * The words as the centre's stored message template renders them. Aliyun and Tencent Cloud send
   * only the approved template id with params and ignore it; providers that send text use it.
   */
  text?: string;
  /** Outbox row id: the idempotency key of this notification (also sent as OutId / SessionContext). */
  notificationId: string;
}

export interface SmsSendResult {
  providerMsgIds: Record<string, string>;
  rejected: { phone: string; code: string }[];
}

export interface DeliveryReceipt {
  providerMsgId: string;
  phone: string;
  ok: boolean;
  code?: string;
  at: string;
  notificationId?: string;
}

/** An SMS a citizen sent to us (上行): a reply to a survey, or a new appeal; the server decides. */
export interface InboundSms {
  providerMsgId: string;
  phone: string;
  text: string;
  at: string;
  destCode?: string;
}

export interface RawRequest {
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface SmsProvider {
  id: 'aliyun' | 'tencent' | 'kannel' | 'log';
  send(req: SmsSendRequest): Promise<SmsSendResult>;
  parseReceipts(req: RawRequest): DeliveryReceipt[];
  parseInbound?(req: RawRequest): InboundSms[];
  /** The body the vendor expects back after a receipt push. */
  receiptAck(ok: boolean): { status: number; body: unknown };
}

/** Vendor template binding: the approved template id and the order of its parameters. */
export interface TemplateBinding {
  templateCode: string;
  params: string[];
}

/**
 * Our texts, as submitted for vendor approval (the vendor holds the real content; we send params
 * only). Used verbatim by the `log` provider in dev/test.
 */
export const TEMPLATE_TEXTS: Record<TemplateKey, { text: string; params: string[] }> = {
  verify_code: { text: '您的验证码为${code}，5分钟内有效。如非本人操作请忽略。', params: ['code'] },
  accepted: { text: '您反映的诉求已受理，工单号${ticketNo}，可通过${trackUrl}查询进度。', params: ['ticketNo', 'trackUrl'] },
  dispatched: { text: '您的工单${ticketNo}已转${unit}办理。', params: ['ticketNo', 'unit'] },
  extended: { text: '您的工单${ticketNo}办理期限已延长至${dueDate}。', params: ['ticketNo', 'dueDate'] },
  closed: { text: '您的工单${ticketNo}已答复办结，详情及评价：${link}', params: ['ticketNo', 'link'] },
  callback_survey: { text: '请对工单${ticketNo}的办理情况评价：${link}', params: ['ticketNo', 'link'] },
  // The agent sends a knowledge-base answer to the caller (the console's "短信发送"); the answer is cut to fit one long SMS.
  knowledge_answer: { text: '您咨询的“${title}”：${answer}（12345热线，工单${ticketNo}）', params: ['title', 'answer', 'ticketNo'] },
};

/** Mainland mobile numbers in the forms citizens type them; anything else is rejected per number. */
export function normalizeCnMobile(phone: string): string | null {
  const p = phone.replace(/[\s-]/g, '');
  const m = /^(?:\+?86)?(1[3-9]\d{9})$/.exec(p);
  return m ? m[1] : null;
}

export class SmsProviderError extends Error {
  constructor(
    public provider: string,
    public code: string,
    message: string,
  ) {
    super(message);
  }
}
