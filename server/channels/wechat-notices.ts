/**
 * Citizen notices by WeChat template message (模板消息, channels.md §0.2 and §1 "Outbound"): a ticket
 * that came in on the official account is told there first; SMS is the fallback. One notice, one
 * claim: a channel_events row keyed `notice:{notificationId}` (the outbox row id) under the account,
 * so a redelivered job sends nothing twice, and the row says which route the notice took.
 */
import { sql } from 'drizzle-orm';
import { Counter } from 'prom-client';
import { z } from 'zod';
import type { Db } from '../platform/db/client';
import type { Logger } from '../platform/log/logger';
import { metrics } from '../platform/metrics';
import type { CitizenTemplate } from '../platform/events/catalogue';
import type { WechatApiClient } from '../../integrations/wechat/api-client';
import type { ChannelEventSink } from '../../integrations/shared/ports';
import { noticeText } from '../texts/notice-texts';
import { channelEvents } from './tables';

/** The template's field keys the notice's lines fill, in order, when the configuration names none. */
export const DEFAULT_TEMPLATE_FIELDS = ['first', 'keyword1', 'keyword2', 'remark'] as const;

const TemplateConfig = z.union([
  z.string().min(1),
  z.object({
    templateId: z.string().min(1),
    fields: z
      .array(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/))
      .min(1)
      .optional(),
  }),
]);
const TemplatesConfig = z.object({
  ticket_received: TemplateConfig.optional(),
  ticket_replied: TemplateConfig.optional(),
  ticket_extended: TemplateConfig.optional(),
});

export interface WechatNoticeTemplate {
  templateId: string;
  fields: readonly string[];
}
export type WechatNoticeTemplates = Partial<Record<CitizenTemplate, WechatNoticeTemplate>>;

/**
 * WECHAT_NOTICE_TEMPLATES: JSON from notice code to the template id the account's administrator
 * chose in the WeChat back office, or `{ templateId, fields }` naming the template's field keys.
 * A notice without an entry goes by SMS as before. Bad JSON stops the start (a typo must not
 * silently turn WeChat notices off).
 */
export function parseWechatNoticeTemplates(raw: string | undefined): WechatNoticeTemplates {
  if (!raw?.trim()) return {};
  const parsed = TemplatesConfig.parse(JSON.parse(raw));
  const out: WechatNoticeTemplates = {};
  for (const [code, v] of Object.entries(parsed) as [CitizenTemplate, z.infer<typeof TemplateConfig> | undefined][]) {
    if (!v) continue;
    out[code] =
      typeof v === 'string' ? { templateId: v, fields: DEFAULT_TEMPLATE_FIELDS } : { templateId: v.templateId, fields: v.fields ?? DEFAULT_TEMPLATE_FIELDS };
  }
  return out;
}

/**
 * The template's `data`: the notice's words (the stored 'wechat' message template, else the built-in
 * text) one line per field in order; lines beyond the last field join it, so nothing is cut off.
 */
export function templateData(text: string, fields: readonly string[]): Record<string, string> {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const data: Record<string, string> = {};
  fields.forEach((f, i) => {
    const part = i === fields.length - 1 ? lines.slice(i).join('\n') : lines[i];
    if (part) data[f] = part;
  });
  return data;
}

/** WeChat notices by outcome: sent, fallback_sms, no_fallback (failed and no phone), quota_retry, undelivered, fallback_failed, not_configured. */
export const wechatNoticeOutcomes = new Counter({
  name: 'rexian_wechat_notices_total',
  help: 'Citizen notices routed to WeChat template messages, by notice code and outcome (sent, fallback_sms, no_fallback, quota_retry, undelivered, fallback_failed, not_configured)',
  labelNames: ['code', 'outcome'],
  registers: [metrics],
});

export interface WechatNoticeDeps {
  /** The API client of this official account (appId), or null when it has no app secret here. */
  clientFor(appId: string): WechatApiClient | null;
  templates: WechatNoticeTemplates;
}

export interface WechatNotice {
  notificationId: string;
  outboxId: number;
  topic: string;
  ticketId: string;
  appId: string;
  openId: string;
  template: CitizenTemplate;
  values: Record<string, string>;
  url: string;
  /** The job's last try: a quota error then falls back to SMS instead of waiting for another retry. */
  lastAttempt?: boolean;
}

/** What the caller does next: nothing (sent, or claimed by an earlier run), SMS instead, or the usual route (not set up for WeChat). */
export type WechatNoticeResult = 'sent' | 'fallback' | 'not_configured';

const noticeKey = (notificationId: string) => `notice:${notificationId}`;

/**
 * Sends one notice as a template message. Token errors are refreshed and retried once by the
 * client; quota errors (45009/45047) and transport failures release the claim and throw, so the
 * job retries later (on its last try a quota error falls back to SMS: the citizen is told today);
 * any other errcode is recorded on the claim and answered 'fallback'.
 */
export async function sendWechatNotice(rt: { db: Db; log: Logger }, deps: WechatNoticeDeps, n: WechatNotice): Promise<WechatNoticeResult> {
  const cfg = deps.templates[n.template];
  const client = cfg ? deps.clientFor(n.appId) : null;
  if (!cfg || !client) {
    wechatNoticeOutcomes.inc({ code: n.template, outcome: 'not_configured' });
    rt.log.info(
      { ticketId: n.ticketId, notificationId: n.notificationId, template: n.template, reason: cfg ? 'no_api_client' : 'no_template_id' },
      'wechat notice: not set up for this notice, sent the usual way',
    );
    return 'not_configured';
  }
  const claim = await rt.db
    .insert(channelEvents)
    .values({
      channel: 'wechat',
      channelAccount: n.appId,
      type: 'wechat.notice',
      externalId: noticeKey(n.notificationId),
      data: { status: 'claimed', template: n.template, templateId: cfg.templateId, outboxId: n.outboxId, topic: n.topic, ticketId: n.ticketId },
      ticketId: n.ticketId,
      at: new Date(),
    })
    .onConflictDoNothing()
    .returning({ id: channelEvents.id });
  if (claim.length === 0) {
    // An earlier run of this job: sent (or sending) → nothing; failed → the SMS, which is itself idempotent on the id.
    const [prev] = (
      await rt.db.execute<{ status: string }>(sql`select data->>'status' as status from channel_events
      where channel = 'wechat' and channel_account = ${n.appId} and external_id = ${noticeKey(n.notificationId)}`)
    ).rows;
    return prev && ['failed', 'undelivered'].includes(prev.status) ? 'fallback' : 'sent';
  }
  const id = claim[0].id;
  const words = await noticeText(rt, n.template, 'wechat', n.values);
  let r: Awaited<ReturnType<WechatApiClient['sendTemplate']>>;
  try {
    r = await client.sendTemplate({ openId: n.openId, templateId: cfg.templateId, url: n.url, data: templateData(words.text, cfg.fields) });
  } catch (err) {
    await rt.db.execute(sql`delete from channel_events where id = ${id}`);
    rt.log.warn({ ticketId: n.ticketId, notificationId: n.notificationId, err: (err as Error).message }, 'wechat notice: send failed, the job retries');
    throw err;
  }
  if (r.ok) {
    await rt.db.execute(sql`update channel_events set data = data || ${JSON.stringify({ status: 'sent', msgid: r.msgid ?? null })}::jsonb where id = ${id}`);
    wechatNoticeOutcomes.inc({ code: n.template, outcome: 'sent' });
    return 'sent';
  }
  if (r.retryLater && !n.lastAttempt) {
    await rt.db.execute(sql`delete from channel_events where id = ${id}`);
    wechatNoticeOutcomes.inc({ code: n.template, outcome: 'quota_retry' });
    rt.log.warn({ ticketId: n.ticketId, notificationId: n.notificationId, errcode: r.errcode }, 'wechat notice: quota reached, the job retries later');
    throw new Error(`wechat notice: quota errcode ${r.errcode}, retry later`);
  }
  await rt.db.execute(sql`update channel_events set data = data || ${JSON.stringify({ status: 'failed', errcode: r.errcode })}::jsonb where id = ${id}`);
  rt.log.warn({ ticketId: n.ticketId, notificationId: n.notificationId, errcode: r.errcode }, 'wechat notice: refused by WeChat, falling back to SMS');
  return 'fallback';
}

/** After a fallback: which route the notice finally took (the claim row is the notice's record). */
export async function recordFallback(db: Db, appId: string, notificationId: string, route: 'sms' | 'none') {
  await db.execute(sql`update channel_events set data = data || ${JSON.stringify({ fallback: route })}::jsonb
    where channel = 'wechat' and channel_account = ${appId} and external_id = ${noticeKey(notificationId)}`);
}

export interface UndeliveredNotice {
  outboxId: number;
  topic: string;
  ticketId: string;
}

/**
 * TEMPLATESENDJOBFINISH (channels.md §1): WeChat's final word on a template message, matched on
 * MsgID. `success` is noted on the notice's row; any other status (`failed:user block`, `failed:
 * system failed`) marks it undelivered and hands it to `fallback` (the SMS, itself once per
 * notification id). Only the first copy of the event acts (the sink dedupes WeChat's retries); a
 * failed fallback is logged and counted, never thrown back at WeChat, whose retry would be a duplicate.
 */
export function withTemplateDeliveryReports(sink: ChannelEventSink, db: Db, log: Logger, fallback: (n: UndeliveredNotice) => Promise<void>): ChannelEventSink {
  return {
    async emit(e) {
      const r = await sink.emit(e);
      if ((r && r.duplicate) || e.channel !== 'wechat' || e.type !== 'wechat.templatesendjobfinish') return r;
      const msgId = String(e.data.MsgID ?? '');
      const status = String(e.data.Status ?? '');
      if (!msgId) return r;
      const delivered = status === 'success';
      const [row] = (
        await db.execute<{ outboxId: number | null; topic: string | null; ticketId: string | null; template: string | null }>(sql`update channel_events
        set data = data || ${JSON.stringify(delivered ? { deliveryStatus: status } : { status: 'undelivered', deliveryStatus: status })}::jsonb
        where channel = 'wechat' and channel_account = ${e.channelAccount} and type = 'wechat.notice' and data->>'msgid' = ${msgId}
          and data->>'status' = 'sent'
        returning (data->>'outboxId')::bigint as "outboxId", data->>'topic' as topic, data->>'ticketId' as "ticketId", data->>'template' as template`)
      ).rows;
      if (!row || delivered) return r;
      const code = row.template ?? 'unknown';
      wechatNoticeOutcomes.inc({ code, outcome: 'undelivered' });
      log.warn({ ticketId: row.ticketId, msgId, status }, 'wechat notice: WeChat reports the template message undelivered, falling back to SMS');
      if (row.outboxId === null || !row.topic || !row.ticketId) return r;
      try {
        await fallback({ outboxId: Number(row.outboxId), topic: row.topic, ticketId: row.ticketId });
      } catch (err) {
        wechatNoticeOutcomes.inc({ code, outcome: 'fallback_failed' });
        log.error({ ticketId: row.ticketId, msgId, err: (err as Error).message }, 'wechat notice: SMS fallback after an undelivered template message failed');
      }
      return r;
    },
  };
}
