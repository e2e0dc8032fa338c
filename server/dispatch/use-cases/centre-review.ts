/**
 * The centre's decisions on a unit's requests: a return (退单) is approved by reassigning
 * (改派, a new clock for the new unit) or rejected (back to the unit, its clock still running,
 * counted as an improper return); an extension (延期) is approved (new deadline, citizen told) or denied.
 */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import { problem } from '../../platform/http/problems';
import { dispatches } from '../tables';
import { assertDispatchMove } from '../states';
import { currentLeadDispatch } from '../lead-dispatch';
import { guardAction, type TicketRow } from '../../tickets/guard';
import { recordEvent } from '../../tickets/events';
import type { TicketStatus } from '../../tickets/tables';
import { assertUnits, insertDispatches } from './dispatch-ticket';
import { extensionDeadlines } from '../../sla/extension';
import { nextWakeAt } from '../../sla/dispatch-deadlines';
import { inTransaction } from '../../platform/transaction';

const Note = z.string().trim().max(2000);

async function pendingDispatch(tx: Tx, ticket: TicketRow, status: 'return_requested' | 'extension_requested') {
  const d = await currentLeadDispatch(tx, ticket, { lock: true });
  if (!d || d.status !== status) throw problem('TICKET_STATE_CONFLICT', `no ${status} dispatch`);
  return d;
}

export const ApproveReturnInput = z.strictObject({ leadUnitId: z.uuid(), assistingUnitIds: z.array(z.uuid()).max(10).default([]), note: Note.optional() });
export async function approveReturn(ctx: Ctx, ticketId: string, input: z.infer<typeof ApproveReturnInput>) {
  await inTransaction(ctx, async (tx) => {
    const { ticket, transition } = await guardAction(tx, ctx, ticketId, 'approve-return');
    const old = await pendingDispatch(tx, ticket, 'return_requested');
    if (input.leadUnitId === old.unitId) throw problem('VALIDATION_FAILED', 'reassign to another unit, or reject the return');
    await assertUnits(tx, [input.leadUnitId, ...input.assistingUnitIds]);
    assertDispatchMove(old, 'returned');
    await tx.update(dispatches).set({ status: 'returned', nextWakeAt: null, updatedAt: ctx.now() }).where(eq(dispatches.id, old.id));
    const [lead] = await insertDispatches(tx, ctx, ticket, ticket.currentRound, input.leadUnitId, input.assistingUnitIds, null);
    await recordEvent(tx, ctx, ticket.id, {
      type: 'dispatch.reassigned',
      from: ticket.status,
      to: transition.to,
      reason: input.note ?? null,
      unitId: input.leadUnitId,
      notifyUnitIds: [old.unitId, input.leadUnitId, ...input.assistingUnitIds],
      data: { fromUnitId: old.unitId, toUnitId: input.leadUnitId, dispatchId: lead.id, replyDueAt: lead.replyDueAt },
      patch: { overdue: false, reminded: false },
    });
  });
}

export const RejectReturnInput = z.strictObject({ note: Note.min(1) });
export async function rejectReturn(ctx: Ctx, ticketId: string, input: z.infer<typeof RejectReturnInput>) {
  await inTransaction(ctx, async (tx) => {
    const { ticket } = await guardAction(tx, ctx, ticketId, 'reject-return');
    const d = await pendingDispatch(tx, ticket, 'return_requested');
    const back = (d.statusBeforeReturn === 'signed' ? 'signed' : 'dispatched') as 'signed' | 'dispatched';
    assertDispatchMove(d, back);
    await tx.update(dispatches).set({ status: back, improperReturn: true, updatedAt: ctx.now() }).where(eq(dispatches.id, d.id));
    await recordEvent(tx, ctx, ticket.id, {
      type: 'dispatch.return_rejected',
      from: ticket.status,
      to: back as TicketStatus,
      reason: input.note,
      unitId: d.unitId,
      notifyUnitIds: [d.unitId],
      data: { dispatchId: d.id },
    });
  });
}

export const ApproveExtensionInput = z.strictObject({ note: Note.optional() });
export async function approveExtension(ctx: Ctx, ticketId: string, input: z.infer<typeof ApproveExtensionInput>) {
  await inTransaction(ctx, async (tx) => {
    const { ticket, transition } = await guardAction(tx, ctx, ticketId, 'approve-extension');
    const d = await pendingDispatch(tx, ticket, 'extension_requested');
    const at = ctx.now();
    const next = await extensionDeadlines(tx, d, d.requestedDueDate ?? undefined, at, { strict: false });
    const newDue = next.replyDueAt;
    // Every stage is armed again for the new deadline: the reminder at the policy's share of the
    // time the extension gives, overdue at the new deadline, supervision (督办) the policy's delay after it.
    const clock = {
      remindAt: next.remindAt,
      remindedAt: null,
      replyDueAt: newDue,
      overdueAt: null,
      supervisionDueAt: next.supervisionDueAt,
      supervisedAt: null,
    };
    await tx
      .update(dispatches)
      .set({
        ...clock,
        status: 'in_progress',
        extensionCount: d.extensionCount + 1,
        supervisionResponseDueAt: next.supervisionResponseDueAt,
        nextWakeAt: nextWakeAt({
          ...clock,
          firstResponseDueAt: d.firstResponseDueAt,
          firstRespondedAt: d.firstRespondedAt,
          firstResponseOverdueAt: d.firstResponseOverdueAt,
        }),
        deadlinesProvisional: next.provisional,
        updatedAt: at,
      })
      .where(eq(dispatches.id, d.id));
    // The citizen is told (domain.md §2) with the extension template: the outbox topic drives the notification.
    await recordEvent(tx, ctx, ticket.id, {
      type: 'extension.approved',
      from: ticket.status,
      to: transition.to,
      reason: input.note ?? null,
      unitId: d.unitId,
      notifyUnitIds: [d.unitId],
      data: { dispatchId: d.id, previousDueAt: d.replyDueAt, replyDueAt: newDue, notifyCitizen: true },
      patch: { overdue: false, reminded: false },
    });
  });
}

export const DenyExtensionInput = z.strictObject({ note: Note.min(1) });
export async function denyExtension(ctx: Ctx, ticketId: string, input: z.infer<typeof DenyExtensionInput>) {
  await inTransaction(ctx, async (tx) => {
    const { ticket, transition } = await guardAction(tx, ctx, ticketId, 'deny-extension');
    const d = await pendingDispatch(tx, ticket, 'extension_requested');
    await tx.update(dispatches).set({ status: 'in_progress', requestedDueDate: null, updatedAt: ctx.now() }).where(eq(dispatches.id, d.id));
    await recordEvent(tx, ctx, ticket.id, {
      type: 'extension.denied',
      from: ticket.status,
      to: transition.to,
      reason: input.note,
      unitId: d.unitId,
      notifyUnitIds: [d.unitId],
      data: { dispatchId: d.id },
    });
  });
}
