import { sql } from 'drizzle-orm';
import type { Runtime } from '../platform/runtime';
import type { HandlerRegistry } from '../platform/events/handlers';
import { EVENTS, noticeFor, type CitizenTemplate, type EventType } from '../platform/events/catalogue';
import type { OutboxMessage } from '../platform/events/outbox';
import { extensionNoticeParams } from '../sla/extension';
import { trackCodeFor } from './track-code';

/**
 * The variables of a citizen notice, named as the vendor templates name them (integrations/sms
 * TEMPLATE_TEXTS: `ticketNo`, `trackUrl`, `link`; a test walks every template against this).
 * The link opens the tracking page on this ticket with its tracking token, so the citizen reads the
 * answer and rates it (好差评) without asking for an SMS code: the "closed" notice carries it.
 */
export function noticeParams(rt: Pick<Runtime, 'svc'>, publicBaseUrl: string, template: CitizenTemplate, ticketNo: string): Record<string, string> {
  const trackUrl = `${publicBaseUrl.replace(/\/$/, '')}/track?number=${ticketNo}&token=${trackCodeFor(rt, ticketNo)}`;
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

/**
 * Telling the citizen after the events whose catalogue entry names a notice (received, extended,
 * closed, a merged caller's main ticket closed): by mail for mail appeals, in their thread
 * (channels.md §0.2), else by SMS. The notification id is the outbox row id, claimed in the send
 * log before sending, so a redelivered job sends nothing twice.
 */
export function registerCitizenNotices(registry: HandlerRegistry, rt: Runtime, deps: { publicBaseUrl?: string } = {}) {
  const topics = (Object.keys(EVENTS) as EventType[]).filter((t) => noticeFor(t));
  registry.on(topics, 'citizen-notice', (m) => notifyCitizen(rt, m, deps.publicBaseUrl ?? ''));
}

async function notifyCitizen(rt: Runtime, m: OutboxMessage, publicBaseUrl: string) {
  const template = noticeFor(m.topic);
  if (!template) return;
  // The answer a merged caller (并单) is told is the main ticket's accepted one (citizen/public-reply.ts).
  const r = await rt.db.execute<{
    number: string;
    phoneEnc: string | null;
    emailEnc: string | null;
    channel: string;
    externalId: string;
    replyText: string | null;
  }>(sql`select t.number, t.channel, t.external_id as "externalId",
    coalesce((select m.reply_text from tickets m where m.id = t.merged_into_id), t.reply_text) as "replyText",
    (select value_enc from citizen_contacts cc where cc.citizen_id = t.citizen_id and cc.kind = 'phone' order by created_at limit 1) as "phoneEnc",
    (select value_enc from citizen_contacts cc where cc.citizen_id = t.citizen_id and cc.kind = 'email' order by created_at limit 1) as "emailEnc"
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
  if (!t.phoneEnc) return;
  await rt.sms.send(rt.svc.pii.decrypt(t.phoneEnc), template, extended ?? noticeParams(rt, publicBaseUrl, template, t.number), notificationId);
}
