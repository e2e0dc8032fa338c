import { sql } from 'drizzle-orm';
import type { Runtime } from '../platform/runtime';
import type { HandlerRegistry } from '../platform/events/handlers';
import { EVENTS, noticeFor, type CitizenTemplate, type EventType } from '../platform/events/catalogue';
import { extensionNoticeParams } from '../sla/extension';
import { trackCodeFor } from './track-code';
import { recordFallback, sendWechatNotice, wechatNoticeOutcomes, type WechatNoticeDeps } from '../channels/wechat-notices';

/**
 * The variables of a citizen notice, named as the vendor templates name them (integrations/sms
 * TEMPLATE_TEXTS: `ticketNo`, `trackUrl`, `link`; a test walks every template against this).
 * The link opens the tracking page on this ticket with its tracking token, so the citizen reads the
 * answer and rates it (好差评) without asking for an SMS code: the "closed" notice carries it.
 */
export function noticeParams(rt: Pick<Runtime, 'svc'>, publicBaseUrl: string, template: CitizenTemplate, ticketNo: string): Record<string, string> {
  const trackUrl = trackUrlFor(rt, publicBaseUrl, ticketNo);
  switch (template) {
    case 'ticket_received':
      // `link` too, so the centre's templates (texts/notice-texts.ts) can name the tracking link one way in every notice.
      return { ticketNo, trackUrl, link: trackUrl };
    case 'ticket_replied':
      return { ticketNo, link: trackUrl };
    case 'ticket_extended':
      // The due date comes from the dispatch (sla/extension.ts extensionNoticeParams); without it only the number.
      return { ticketNo };
  }
}

/** The citizen tracking page on this ticket, with its tracking token (no SMS code needed). */
export const trackUrlFor = (rt: Pick<Runtime, 'svc'>, publicBaseUrl: string, ticketNo: string) =>
  `${publicBaseUrl.replace(/\/$/, '')}/track?number=${ticketNo}&token=${trackCodeFor(rt, ticketNo)}`;

export interface CitizenNoticeDeps {
  publicBaseUrl?: string;
  /** WeChat template messages (channels/wechat-notices.ts); absent → WeChat appeals are told by SMS. */
  wechat?: WechatNoticeDeps;
}

/**
 * Telling the citizen after the events whose catalogue entry names a notice (received, extended,
 * closed, a merged caller's main ticket closed): by mail for mail appeals, in their thread
 * (channels.md §0.2), WeChat appeals by template message on the official account with SMS as the
 * fallback, else by SMS. The notification id is the outbox row id, claimed in the send
 * log before sending, so a redelivered job sends nothing twice.
 */
export function registerCitizenNotices(registry: HandlerRegistry, rt: Runtime, deps: CitizenNoticeDeps = {}) {
  const topics = (Object.keys(EVENTS) as EventType[]).filter((t) => noticeFor(t));
  registry.on(topics, 'citizen-notice', (m, job) => notifyCitizen(rt, m, deps, job.attemptsMade + 1 >= job.attempts));
}

/** One notice (an outbox row whose topic names one), sent once whatever the number of runs. */
export async function notifyCitizen(rt: Runtime, m: { topic: string; ticketId: string; outboxId: number }, deps: CitizenNoticeDeps, lastAttempt = true) {
  const publicBaseUrl = deps.publicBaseUrl ?? '';
  const template = noticeFor(m.topic);
  if (!template) return;
  // The answer a merged caller (并单) is told is the main ticket's accepted one (citizen/public-reply.ts).
  const r = await rt.db.execute<{
    number: string;
    phoneEnc: string | null;
    emailEnc: string | null;
    channel: string;
    channelAccount: string;
    externalId: string;
    openIdEnc: string | null;
    replyText: string | null;
  }>(sql`select t.number, t.channel, t.channel_account as "channelAccount", t.external_id as "externalId",
    coalesce((select m.reply_text from tickets m where m.id = t.merged_into_id), t.reply_text) as "replyText",
    (select value_enc from citizen_contacts cc where cc.citizen_id = t.citizen_id and cc.kind = 'phone' order by created_at limit 1) as "phoneEnc",
    (select value_enc from citizen_contacts cc where cc.citizen_id = t.citizen_id and cc.kind = 'email' order by created_at limit 1) as "emailEnc",
    (select value_enc from citizen_contacts cc where cc.citizen_id = t.citizen_id and cc.kind = 'wechat' order by created_at desc limit 1) as "openIdEnc"
    from tickets t where t.id = ${m.ticketId}`);
  const t = r.rows[0];
  if (!t) return;
  const notificationId = `outbox-${m.outboxId}`;
  // 延期: the extended template names the new due date (TEMPLATE_TEXTS.extended: ticketNo, dueDate).
  const extended = template === 'ticket_extended' ? await extensionNoticeParams(rt.db, m.ticketId, t.number) : null;
  if (t.channel === 'email' && t.emailEnc && rt.mail) {
    await rt.mail.notify({
      notificationId,
      ticketNo: t.number,
      to: rt.svc.pii.decrypt(t.emailEnc),
      template,
      replyText: t.replyText,
      inReplyTo: t.externalId,
      dueDate: extended?.dueDate,
    });
    return;
  }
  const params = extended ?? noticeParams(rt, publicBaseUrl, template, t.number);
  if (t.channel === 'wechat' && t.openIdEnc && deps.wechat) {
    const route = await sendWechatNotice(rt, deps.wechat, {
      notificationId,
      outboxId: m.outboxId,
      topic: m.topic,
      ticketId: m.ticketId,
      appId: t.channelAccount,
      openId: rt.svc.pii.decrypt(t.openIdEnc),
      template,
      values: params,
      url: trackUrlFor(rt, publicBaseUrl, t.number),
      lastAttempt,
    });
    if (route === 'sent') return;
    if (route === 'fallback') {
      // Never silently: the WeChat failure is on the notice's row and logged; the SMS (or its absence) is counted.
      if (!t.phoneEnc) {
        wechatNoticeOutcomes.inc({ code: template, outcome: 'no_fallback' });
        rt.log.warn({ ticketId: m.ticketId, notificationId }, 'wechat notice failed and no phone is known: the citizen was not told');
        await recordFallback(rt.db, t.channelAccount, notificationId, 'none');
        return;
      }
      await rt.sms.send(rt.svc.pii.decrypt(t.phoneEnc), template, params, notificationId);
      wechatNoticeOutcomes.inc({ code: template, outcome: 'fallback_sms' });
      await recordFallback(rt.db, t.channelAccount, notificationId, 'sms');
      return;
    }
  }
  if (!t.phoneEnc) return;
  await rt.sms.send(rt.svc.pii.decrypt(t.phoneEnc), template, params, notificationId);
}
