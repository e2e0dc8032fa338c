/**
 * The platform's default error body (channels.md, preamble): `{ code, message }` with the
 * message in zh-CN or en per Accept-Language. Channels with their own error shape (WeChat,
 * Open311, SMS receipts) do not use this.
 */
import type { Request, Response } from 'express';

const MESSAGES: Record<string, { zh: string; en: string }> = {
  STALE_REQUEST: { zh: '请求时间戳超出允许范围', en: 'Request timestamp outside the allowed window' },
  REPLAYED: { zh: '请求已被处理过（重放）', en: 'Request nonce already used' },
  BAD_SIGNATURE: { zh: '签名校验失败', en: 'Signature verification failed' },
  UNKNOWN_KEY: { zh: '未知的密钥标识', en: 'Unknown key id' },
  MISSING_AUTH: { zh: '缺少签名头', en: 'Missing signature headers' },
  VALIDATION_FAILED: { zh: '请求参数校验失败', en: 'Request validation failed' },
  MALFORMED_BODY: { zh: '请求体格式错误', en: 'Malformed request body' },
  PAYLOAD_TOO_LARGE: { zh: '请求体过大', en: 'Payload too large' },
  UNKNOWN_EVENT_TYPE: { zh: '未知的事件类型', en: 'Unknown event type' },
  NOT_FOUND: { zh: '未找到', en: 'Not found' },
  FORBIDDEN_SENDER: { zh: '发送方与签名方不一致', en: 'Sender does not match the signing platform' },
  WRONG_DIRECTION: { zh: '该消息类型不允许此方向发送', en: 'Message type not allowed in this direction' },
  UNKNOWN_MESSAGE_TYPE: { zh: '未知的消息类型', en: 'Unknown message type' },
  EXCHANGE_ID_CONFLICT: { zh: '交换编号已被另一内容使用', en: 'exchangeId already used with a different body' },
  SEQUENCE_GAP: { zh: '消息序号不连续，请稍后重发', en: 'Sequence gap, retry later' },
  INVALID_TRANSITION: { zh: '当前状态不允许此操作', en: 'Transition not allowed in the current state' },
  UNKNOWN_ORDER: { zh: '未知的工单', en: 'Unknown order' },
  INTERNAL: { zh: '服务暂时不可用', en: 'Service temporarily unavailable' },
};

/** Picks zh-CN unless the client clearly prefers English. */
export function prefersEnglish(req: Pick<Request, 'headers'>): boolean {
  const al = String(req.headers['accept-language'] ?? '')
    .toLowerCase()
    .trim();
  return al.startsWith('en');
}

export function errorBody(req: Pick<Request, 'headers'>, code: string, extra?: Record<string, unknown>) {
  const m = MESSAGES[code];
  const message = m ? (prefersEnglish(req) ? m.en : m.zh) : code;
  return { code, message, ...extra };
}

export function sendError(req: Request, res: Response, status: number, code: string, extra?: Record<string, unknown>) {
  res
    .status(status)
    .type('application/json')
    .send(JSON.stringify(errorBody(req, code, extra)));
}
