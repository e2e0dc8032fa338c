/**
 * A unit's progress feedback (阶段反馈) on a ticket it handles: a note on the timeline. The first
 * one stops the first-response stage (特急: "first result within 2 h", policy `firstResponseLimit`);
 * a reply stops it too (dispatch/use-cases/unit-handling.ts).
 */
import { z } from 'zod';
import { eq } from 'drizzle-orm';
import type { Ctx } from '../../platform/context';
import { problem } from '../../platform/http/problems';
import { inTransaction } from '../../platform/transaction';
import { dispatches, OPEN_DISPATCH_STATUSES } from '../../dispatch/tables';
import { lockTicket, unitDispatchOf } from '../../tickets/guard';
import { recordEvent } from '../../tickets/events';
import { nextWakeAt } from '../../sla/dispatch-deadlines';

export const GiveFeedbackInput = z.strictObject({ text: z.string().trim().min(1).max(4000) });

export async function giveFeedback(ctx: Ctx, ticketId: string, input: z.infer<typeof GiveFeedbackInput>) {
  const a = ctx.actor;
  if (a.kind !== 'staff' || a.role !== 'unit_clerk') throw problem('FORBIDDEN');
  return inTransaction(ctx, async (tx) => {
    const ticket = await lockTicket(tx, ticketId);
    const d = a.unitId ? await unitDispatchOf(tx, ticket, a.unitId) : undefined;
    if (!d) throw problem('TICKET_NOT_FOUND');
    if (!OPEN_DISPATCH_STATUSES.includes(d.status)) throw problem('TICKET_STATE_CONFLICT', `dispatch is ${d.status}`);
    const at = ctx.now();
    const first = !d.firstRespondedAt;
    const late = first && !!d.firstResponseDueAt && at > d.firstResponseDueAt;
    if (first) {
      await tx
        .update(dispatches)
        .set({ firstRespondedAt: at, nextWakeAt: nextWakeAt({ ...d, firstRespondedAt: at }), updatedAt: at })
        .where(eq(dispatches.id, d.id));
    }
    await recordEvent(tx, ctx, ticket.id, {
      type: 'dispatch.feedback_given',
      reason: input.text,
      unitId: d.unitId,
      notifyUnitIds: [d.unitId],
      data: { dispatchId: d.id, first, late },
    });
    return { dispatchId: d.id, first, late };
  });
}
