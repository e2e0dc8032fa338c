import { and, eq } from 'drizzle-orm';
import { Counter } from 'prom-client';
import type { Db } from '../platform/db/client';
import type { Logger } from '../platform/log/logger';
import { metrics } from '../platform/metrics';
import { TEMPLATE_TEXTS } from '../../integrations/sms/types';
import { SERVER_TEMPLATE_MAP } from '../../integrations/sms/server-bridge';
import { messageTemplates, type TemplateChannel } from './tables';
import { placeholdersIn, renderTemplate } from './placeholders';

/**
 * The variables each sender fills in, per notice code and channel (citizen/notices.ts,
 * citizen/sms-codes.ts, callbacks/use-cases/outbound-calls.ts, knowledge/answer-sms.ts,
 * channels/mail-notifier.ts). A stored template may name only these: any other would reach the
 * citizen as a literal "{name}". WeChat template messages (channels/wechat-notices.ts) are given
 * the SMS notice's variables, so its templates are held to those.
 */
const SMS_VARIABLES = {
  verification_code: ['code', 'minutes'],
  ticket_received: ['ticketNo', 'trackUrl', 'link'],
  ticket_replied: ['ticketNo', 'link'],
  ticket_extended: ['ticketNo', 'dueDate'],
  callback_link: ['ticketNo', 'link'],
  knowledge_answer: ['title', 'answer', 'ticketNo'],
} as const satisfies Record<keyof typeof SERVER_TEMPLATE_MAP, readonly string[]>;

export type NoticeCode = keyof typeof SMS_VARIABLES;

const MAIL_VARIABLES: Partial<Record<NoticeCode, readonly string[]>> = {
  ticket_received: ['ticketNo'],
  ticket_replied: ['ticketNo', 'replyText'],
  ticket_extended: ['ticketNo', 'dueDate'],
};

/** The variables the platform fills for this notice on this channel; null when nothing sends this code there. */
export function knownVariables(code: string, channel: TemplateChannel): readonly string[] | null {
  if (!(code in SMS_VARIABLES)) return null;
  const c = code as NoticeCode;
  if (channel === 'mail') return MAIL_VARIABLES[c] ?? null;
  return SMS_VARIABLES[c];
}

/** The texts built into the platform: the SMS texts given to the vendors for approval, and the mail texts. */
function builtinText(code: NoticeCode, channel: TemplateChannel, v: Record<string, string>): { subject?: string; text: string } {
  if (channel === 'mail') {
    if (code === 'ticket_received')
      return { subject: '您的诉求已受理', text: `您好，已收到您的诉求，工单号 ${v.ticketNo}。办理结果将通过邮件告知您。直接回复本邮件可补充材料。` };
    if (code === 'ticket_extended') return { subject: '您的诉求办理期限已延长', text: `您好，工单号 ${v.ticketNo} 的办理期限经批准延长至${v.dueDate ?? ''}。` };
    return { subject: '您的诉求已有答复', text: `您好，工单号 ${v.ticketNo} 的答复如下：\n\n${v.replyText ?? ''}` };
  }
  return { text: TEMPLATE_TEXTS[SERVER_TEMPLATE_MAP[code]].text.replace(/\$\{(\w+)\}/g, (_m, k: string) => v[k] ?? '') };
}

/** A notice sent in the built-in words because no usable stored template exists; by code, channel and why. */
export const noticeTemplateFallbacks = new Counter({
  name: 'rexian_notice_template_fallbacks_total',
  help: 'Notices sent in the built-in text because no usable stored message template exists, by code, channel and reason',
  labelNames: ['code', 'channel', 'reason'],
  registers: [metrics],
});

export type FallbackReason = 'missing' | 'inactive' | 'syntax' | 'variable_unfilled' | 'read_failed';
export interface NoticeText {
  subject?: string;
  text: string;
  source: 'stored' | 'builtin';
  templateId?: string;
}

/**
 * The words of one notice: the administrator's stored template for (code, channel), its variables
 * filled in; the built-in text only when there is no usable one (none, switched off, broken braces
 * or naming a variable this send does not fill), logged with its context and counted. Read per
 * send, so an edit on /admin applies to the next message.
 */
export async function noticeText(
  deps: { db: Db; log: Logger },
  code: NoticeCode,
  channel: TemplateChannel,
  values: Record<string, string>,
): Promise<NoticeText> {
  const fallback = (reason: FallbackReason, extra: Record<string, unknown> = {}): NoticeText => {
    noticeTemplateFallbacks.inc({ code, channel, reason });
    deps.log.warn({ code, channel, reason, ...extra }, 'notice sent in the built-in text: no usable message template');
    return { ...builtinText(code, channel, values), source: 'builtin' };
  };
  let row: typeof messageTemplates.$inferSelect | undefined;
  try {
    [row] = await deps.db
      .select()
      .from(messageTemplates)
      .where(and(eq(messageTemplates.code, code), eq(messageTemplates.channel, channel)))
      .limit(1);
  } catch (err) {
    return fallback('read_failed', { err });
  }
  if (!row) return fallback('missing');
  if (!row.active) return fallback('inactive', { templateId: row.id });
  const used: string[] = [];
  for (const text of [row.body, row.subject ?? '']) {
    const p = placeholdersIn(text);
    if (!p.ok) return fallback('syntax', { templateId: row.id, at: p.syntaxAt });
    used.push(...p.used);
  }
  const unfilled = [...new Set(used.filter((k) => !values[k]))];
  if (unfilled.length) return fallback('variable_unfilled', { templateId: row.id, unfilled });
  if (channel === 'mail' && !row.subject) return fallback('syntax', { templateId: row.id, subject: 'missing' });
  return {
    text: renderTemplate(row.body, values),
    ...(row.subject ? { subject: renderTemplate(row.subject, values) } : {}),
    source: 'stored',
    templateId: row.id,
  };
}
