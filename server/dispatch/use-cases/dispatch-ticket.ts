import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import { problem } from '../../platform/http/problems';
import { dispatches, handlingUnits, OPEN_DISPATCH_STATUSES } from '../tables';
import { guardAction, type TicketRow } from '../../tickets/guard';
import { recordEvent } from '../../tickets/events';
import { deadlinesForDispatch } from '../../sla/deadlines';
import { inTransaction } from '../../platform/transaction';
import { copyTicketTx } from './copy-ticket';
import { assistDeadlines } from '../assist-deadline';

export const DispatchTicketInput = z.strictObject({
  leadUnitId: z.uuid(),
  assistingUnitIds: z.array(z.uuid()).max(10).default([]),
  /** 抄送: units told about it with a read receipt, not dispatched (copy-ticket.ts). */
  copyUnitIds: z.array(z.uuid()).max(10).default([]),
  ruleId: z.uuid().optional(),
  note: z.string().trim().max(500).optional(),
});
export type DispatchTicketInput = z.infer<typeof DispatchTicketInput>;

/**
 * 派单: a new round with one lead (主办) and any assisting (协办) units, each dispatch with the
 * policy in force and its deadlines computed and stored in the same transaction.
 */
export async function dispatchTicket(ctx: Ctx, ticketId: string, input: Omit<DispatchTicketInput, 'copyUnitIds'> & { copyUnitIds?: string[] }) {
  const assisting = [...new Set(input.assistingUnitIds)].filter((id) => id !== input.leadUnitId);
  await inTransaction(ctx, async (tx) => {
    const { ticket, transition } = await guardAction(tx, ctx, ticketId, 'dispatch');
    await assertUnits(tx, [input.leadUnitId, ...assisting]);
    const round = ticket.currentRound + 1;
    // A reopened ticket's earlier round is finished; its history stays.
    await tx
      .update(dispatches)
      .set({ status: 'closed', nextWakeAt: null, updatedAt: ctx.now() })
      .where(and(eq(dispatches.ticketId, ticket.id), inArray(dispatches.status, [...OPEN_DISPATCH_STATUSES, 'replied'])));
    const rows = await insertDispatches(tx, ctx, ticket, round, input.leadUnitId, assisting, input.ruleId ?? null);
    const lead = rows[0];
    await recordEvent(tx, ctx, ticket.id, {
      type: 'ticket.dispatched',
      from: ticket.status,
      to: transition.to,
      reason: input.note ?? null,
      unitId: input.leadUnitId,
      notifyUnitIds: [input.leadUnitId, ...assisting],
      data: { round, leadUnitId: input.leadUnitId, assistingUnitIds: assisting, replyDueAt: lead.replyDueAt, ruleId: input.ruleId ?? null },
      patch: { currentRound: round, overdue: false, reminded: false, supervised: false },
    });
    const copies = (input.copyUnitIds ?? []).filter((id) => id !== input.leadUnitId && !assisting.includes(id));
    await copyTicketTx(tx, ctx, { ...ticket, currentRound: round }, copies, input.note ?? null);
  });
}

export async function assertUnits(tx: Tx, ids: string[]) {
  const found = await tx
    .select({ id: handlingUnits.id })
    .from(handlingUnits)
    .where(and(inArray(handlingUnits.id, ids), eq(handlingUnits.active, true)));
  const missing = ids.filter((id) => !found.some((f) => f.id === id));
  if (missing.length) throw problem('UNIT_NOT_FOUND', missing.join(','));
}

/** Lead first, then assisting units; every row gets its own deadlines from the policy in force. */
export async function insertDispatches(tx: Tx, ctx: Ctx, ticket: TicketRow, round: number, leadUnitId: string, assisting: string[], ruleId: string | null) {
  const at = ctx.now();
  // Rounds after the first exist only after a reopen (重办): they take the policy's reopen limit.
  const d = await deadlinesForDispatch(
    tx,
    { regionCode: ticket.regionCode, appealType: ticket.appealType, urgency: ticket.urgency },
    at,
    { reopened: round > 1 },
    ctx.svc.refs,
  );
  const base = {
    ticketId: ticket.id,
    round,
    ruleId,
    policy: d.policy,
    dispatchedAt: at,
    signDueAt: d.signDueAt,
    replyDueAt: d.replyDueAt,
    remindAt: d.remindAt,
    returnWindowEndsAt: d.returnWindowEndsAt,
    supervisionDueAt: d.supervisionDueAt,
    nextWakeAt: d.nextWakeAt,
    supervisionResponseDueAt: d.supervisionResponseDueAt,
    firstResponseDueAt: d.firstResponseDueAt,
    deadlinesProvisional: d.provisional,
    createdAt: at,
    updatedAt: at,
  };
  // 协办 units run on their own limit (assist-deadline.ts), not the lead's.
  const assist = assisting.length ? { ...base, ...(await assistDeadlines(tx, d, at)) } : base;
  return tx
    .insert(dispatches)
    .values([{ ...base, unitId: leadUnitId, role: 'lead' as const }, ...assisting.map((unitId) => ({ ...assist, unitId, role: 'assisting' as const }))])
    .returning();
}
