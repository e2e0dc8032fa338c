import { sql } from 'drizzle-orm';
import type { Ctx } from '../platform/context';
import { iso } from '../tickets/present';
import { citizenReplySql, declineText, publicStatus } from './public-reply';

/**
 * What a citizen may read of their own ticket: status, their text, the accepted answer (the review
 * gate, public-reply.ts), why it was declined; no staff names, no internal notes.
 */
const STATUS_LABELS: Record<string, { zh: string; en: string }> = {
  received: { zh: '已受理', en: 'Received' },
  answered_directly: { zh: '已直接答复', en: 'Answered' },
  transferred_emergency: { zh: '已转应急部门', en: 'Transferred to emergency services' },
  declined: { zh: '不予受理', en: 'Declined' },
  merged: { zh: '已合并办理', en: 'Merged with another ticket' },
  pending_dispatch: { zh: '待派单', en: 'Awaiting dispatch' },
  dispatched: { zh: '已派单', en: 'Dispatched' },
  signed: { zh: '承办单位已签收', en: 'Accepted by the unit' },
  in_progress: { zh: '办理中', en: 'In progress' },
  return_requested: { zh: '办理中', en: 'In progress' },
  extension_requested: { zh: '办理中', en: 'In progress' },
  replied: { zh: '已答复，待审核', en: 'Replied, under review' },
  closed: { zh: '已办结', en: 'Closed' },
  reopened: { zh: '重新办理', en: 'Reopened' },
  archived: { zh: '已办结', en: 'Closed' },
};
const PUBLIC_EVENTS: Record<string, { zh: string; en: string }> = {
  'ticket.registered': { zh: '诉求已受理', en: 'Appeal received' },
  'ticket.answered_directly': { zh: '已直接答复', en: 'Answered directly' },
  'ticket.transferred_emergency': { zh: '已转应急部门', en: 'Transferred to emergency services' },
  'ticket.declined': { zh: '不予受理', en: 'Declined' },
  'ticket.merged': { zh: '与同一事项合并办理', en: 'Merged with the same matter' },
  'ticket.dispatched': { zh: '已派发承办单位', en: 'Sent to the handling unit' },
  'ticket.signed': { zh: '承办单位已签收', en: 'Accepted by the handling unit' },
  'dispatch.reassigned': { zh: '已改派承办单位', en: 'Sent to another unit' },
  'extension.approved': { zh: '办理期限已延长', en: 'Deadline extended' },
  'ticket.closed': { zh: '已办结', en: 'Closed' },
  // 并单: the ticket this one was merged into is closed; its accepted answer is this ticket's answer.
  'ticket.main_closed': { zh: '合并办理的工单已办结', en: 'The ticket it was merged into is closed' },
  'ticket.reopened': { zh: '重新办理', en: 'Reopened' },
  // A photo/voice/video the citizen sent by WeChat, downloaded after intake (channels.md §1).
  'attachment.stored': { zh: '您发送的附件已收到', en: 'Your attachment was received' },
};

export async function presentPublicTicket(ctx: Ctx, id: string) {
  const [t] = (
    await ctx.db.execute<Record<string, string>>(sql`select t.number, t.status, t.created_at as "createdAt", t.title, t.content,
    ${citizenReplySql()} as "replyText", t.decline_reason as "declineReason"
    from tickets t where t.id = ${id}`)
  ).rows;
  const events = (
    await ctx.db.execute<{ type: string; at: string; data: Record<string, unknown> }>(sql`select type, at, data
    from ticket_events where ticket_id = ${id} order by seq`)
  ).rows;
  const lang = ctx.lang;
  const status = publicStatus(t.status);
  const declined = declineText(t.declineReason, lang);
  return {
    number: t.number,
    status,
    statusLabel: STATUS_LABELS[status]?.[lang] ?? status,
    createdAt: iso(t.createdAt),
    title: t.title,
    content: t.content,
    replyText: t.replyText ?? null,
    declineReason: declined ? { code: t.declineReason, text: declined } : null,
    timeline: events
      .filter((e) => PUBLIC_EVENTS[e.type])
      .map((e) => ({
        at: iso(e.at),
        type: e.type,
        label: PUBLIC_EVENTS[e.type][lang],
        ...(e.type === 'extension.approved' ? { replyDueAt: e.data.replyDueAt } : {}),
        ...(e.type === 'ticket.merged' ? { intoTicketNumber: e.data.intoTicketNumber } : {}),
      })),
  };
}
