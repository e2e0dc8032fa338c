/**
 * The centre's own correction of a dispatch (撤回 / 改派), not prompted by a unit's return: before
 * the unit signs for it, or after a wrong dispatch. A reassignment is a dispatch for the new unit
 * (it counts in that unit's dispatched figure, so its sign-for never pushes a response rate past
 * 100 %), with a new clock; the recalled dispatch keeps its history and stops every timer.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import { problem } from '../../platform/http/problems';
import { inTransaction } from '../../platform/transaction';
import { guardAction, type TicketRow } from '../../tickets/guard';
import { recordEvent } from '../../tickets/events';
import { dispatches } from '../tables';
import { assertDispatchMove, OPEN_DISPATCH_STATUSES } from '../states';
import { currentLeadDispatch } from '../lead-dispatch';
import { assertUnits, insertDispatches } from './dispatch-ticket';
import { RECALL_REASONS } from '../../../contract/enums';

/** Why the centre takes a ticket back: a wrong dispatch may be corrected after sign-for; the others only before. */
export { RECALL_REASONS };
const Reason = { reasonCode: z.enum(RECALL_REASONS), note: z.string().trim().min(1).max(2000) };

export const ReassignInput = z.strictObject({ leadUnitId: z.uuid(), assistingUnitIds: z.array(z.uuid()).max(10).default([]), ...Reason });
export const RecallInput = z.strictObject(Reason);

/** The lead dispatch the centre may take back, locked; refuses after sign-for unless the dispatch was wrong. */
async function recallableLead(tx: Tx, ticket: TicketRow, reasonCode: (typeof RECALL_REASONS)[number]) {
  const lead = await currentLeadDispatch(tx, ticket, { lock: true });
  if (!lead) throw problem('TICKET_STATE_CONFLICT', 'no lead dispatch to recall');
  assertDispatchMove(lead, 'recalled');
  if (lead.status !== 'dispatched' && reasonCode !== 'wrong_dispatch') {
    throw problem('RECALL_AFTER_SIGN_NEEDS_WRONG_DISPATCH', `dispatch is ${lead.status}`);
  }
  return lead;
}

async function markRecalled(tx: Tx, ctx: Ctx, ids: string[]) {
  if (!ids.length) return;
  await tx.update(dispatches).set({ status: 'recalled', nextWakeAt: null, updatedAt: ctx.now() }).where(inArray(dispatches.id, ids));
}

/** 改派: the lead goes to another unit in the same round; assisting units already on it stay. */
export async function reassignTicket(ctx: Ctx, ticketId: string, input: z.infer<typeof ReassignInput>) {
  await inTransaction(ctx, async (tx) => {
    const { ticket, transition } = await guardAction(tx, ctx, ticketId, 'reassign');
    const old = await recallableLead(tx, ticket, input.reasonCode);
    if (input.leadUnitId === old.unitId) throw problem('VALIDATION_FAILED', 'reassign to another unit');
    const staying = await tx
      .select({ unitId: dispatches.unitId })
      .from(dispatches)
      .where(
        and(
          eq(dispatches.ticketId, ticket.id),
          eq(dispatches.round, ticket.currentRound),
          eq(dispatches.role, 'assisting'),
          inArray(dispatches.status, [...OPEN_DISPATCH_STATUSES, 'replied']),
        ),
      );
    const assisting = [...new Set(input.assistingUnitIds)].filter((id) => id !== input.leadUnitId && !staying.some((s) => s.unitId === id));
    await assertUnits(tx, [input.leadUnitId, ...assisting]);
    await markRecalled(tx, ctx, [old.id]);
    const [lead] = await insertDispatches(tx, ctx, ticket, ticket.currentRound, input.leadUnitId, assisting, null);
    await recordEvent(tx, ctx, ticket.id, {
      type: 'dispatch.reassigned',
      from: ticket.status,
      to: transition.to,
      reason: input.note,
      unitId: input.leadUnitId,
      notifyUnitIds: [old.unitId, input.leadUnitId, ...assisting],
      data: {
        fromUnitId: old.unitId,
        toUnitId: input.leadUnitId,
        dispatchId: lead!.id,
        replyDueAt: lead!.replyDueAt,
        recalledDispatchId: old.id,
        reasonCode: input.reasonCode,
        byCentre: true,
        recalledUnanswered: !old.respondedAt,
      },
      patch: { overdue: false, reminded: false, supervised: false },
    });
  });
}

/** 撤回: the centre takes the ticket back to dispatch it again; every open dispatch of the round ends. */
export async function recallTicket(ctx: Ctx, ticketId: string, input: z.infer<typeof RecallInput>) {
  await inTransaction(ctx, async (tx) => {
    const { ticket, transition } = await guardAction(tx, ctx, ticketId, 'recall');
    const lead = await recallableLead(tx, ticket, input.reasonCode);
    const open = await tx
      .select({ id: dispatches.id, unitId: dispatches.unitId, status: dispatches.status })
      .from(dispatches)
      .where(
        and(eq(dispatches.ticketId, ticket.id), eq(dispatches.round, ticket.currentRound), inArray(dispatches.status, [...OPEN_DISPATCH_STATUSES, 'replied'])),
      )
      .for('update');
    const ended = open.filter((d) => d.id === lead.id || d.status !== 'replied');
    await markRecalled(
      tx,
      ctx,
      ended.map((d) => d.id),
    );
    await recordEvent(tx, ctx, ticket.id, {
      type: 'dispatch.recalled',
      from: ticket.status,
      to: transition.to,
      reason: input.note,
      unitId: lead.unitId,
      notifyUnitIds: [...new Set(ended.map((d) => d.unitId))],
      data: { dispatchIds: ended.map((d) => d.id), fromUnitId: lead.unitId, reasonCode: input.reasonCode, unanswered: !lead.respondedAt },
      patch: { overdue: false, reminded: false, supervised: false },
    });
  });
}
