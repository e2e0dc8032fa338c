/**
 * The one hook `recordEvent` calls (server/tickets/events.ts), inside the event's transaction:
 * rollup counters for reports, the callback tasks on close (merged callers' too), knowledge-base usage on a direct
 * answer. Everything here must be idempotent per event and cheap (bench: npm run bench:reports).
 */
import { sql } from 'drizzle-orm';
import type { Tx } from '../platform/db/client';
import type { Ctx } from '../platform/context';
import { applyRollup } from './rollup';
import { scheduleCallbackOnClose } from '../callbacks/use-cases/schedule-callback';
import { followUpMergedCallers } from '../callbacks/use-cases/merged-callers';

export interface HookEvent {
  type: string;
  unitId?: string | null;
  data?: Record<string, unknown>;
}

/**
 * 改派 recalling a lead that had not answered yet: the recall is the old unit's (response-rate
 * denominator), while the event itself files the new dispatch under the new unit. The back-fill
 * files it the same way (backfill.ts).
 */
export function reassignRecall(e: HookEvent): HookEvent | null {
  const d = e.data ?? {};
  if (e.type !== 'dispatch.reassigned' || !d.recalledUnanswered || typeof d.fromUnitId !== 'string') return null;
  return { type: 'dispatch.recalled', unitId: d.fromUnitId, data: { unanswered: true } };
}

/** `at` is the event's own time, so a back-fill from ticket_events files it on the same day with the same durations. */
export async function onTicketEvent(tx: Tx, ctx: Ctx, ticketId: string, e: HookEvent, at: Date = ctx.now()): Promise<void> {
  await applyRollup(tx, ticketId, e, at);
  const recalledPart = reassignRecall(e);
  if (recalledPart) await applyRollup(tx, ticketId, recalledPart, at);
  if (e.type === 'ticket.closed') {
    await scheduleCallbackOnClose(tx, ticketId, at);
    await followUpMergedCallers(tx, ctx, ticketId, at); // 并单: the merged callers are told and called back
  }
  const articleId = e.data?.knowledgeArticleId;
  if (e.type === 'ticket.answered_directly' && typeof articleId === 'string') {
    await tx.execute(sql`update knowledge_articles set usage_count = usage_count + 1 where id = ${articleId}`);
  }
}
