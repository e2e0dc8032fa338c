/**
 * After the lead unit replies: the centre reviews the reply (审核) and closes the ticket (办结)
 * or sends it back; a closed ticket may be reopened (重办) after an unsolved or dissatisfied
 * callback, which starts a new dispatch round, or archived.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../platform/context';
import { dispatches } from '../../dispatch/tables';
import { guardAction } from '../guard';
import { recordEvent } from '../events';
import { inTransaction } from '../../platform/transaction';
import { currentLeadDispatch } from '../../dispatch/lead-dispatch';
import { assertDispatchMove } from '../../dispatch/states';

const Note = z.string().trim().max(2000);

export const AcceptReplyInput = z.strictObject({ note: Note.optional() });
export async function acceptReply(ctx: Ctx, ticketId: string, input: z.infer<typeof AcceptReplyInput>) {
  await inTransaction(ctx, async (tx) => {
    const { ticket, transition } = await guardAction(tx, ctx, ticketId, 'accept-reply');
    const at = ctx.now();
    const closed = await tx.update(dispatches).set({ status: 'closed', nextWakeAt: null, updatedAt: at })
      .where(and(eq(dispatches.ticketId, ticket.id), eq(dispatches.round, ticket.currentRound),
        inArray(dispatches.status, ['dispatched', 'signed', 'in_progress', 'replied', 'extension_requested'])))
      .returning({ unitId: dispatches.unitId });
    await recordEvent(tx, ctx, ticket.id, {
      type: 'ticket.closed', from: ticket.status, to: transition.to, reason: input.note ?? null,
      notifyUnitIds: closed.map((c) => c.unitId), patch: { closedAt: at },
    });
  });
}

export const SendBackInput = z.strictObject({ note: Note.min(1) });
export async function sendBackReply(ctx: Ctx, ticketId: string, input: z.infer<typeof SendBackInput>) {
  await inTransaction(ctx, async (tx) => {
    const { ticket, transition } = await guardAction(tx, ctx, ticketId, 'send-back');
    const current = await currentLeadDispatch(tx, ticket, { lock: true });
    const lead = current?.status === 'replied' ? current : undefined;
    if (lead) {
      assertDispatchMove(lead, 'in_progress');
      await tx.update(dispatches).set({ status: 'in_progress', nextWakeAt: lead.replyDueAt, updatedAt: ctx.now() }).where(eq(dispatches.id, lead.id));
    }
    await recordEvent(tx, ctx, ticket.id, {
      type: 'ticket.sent_back', from: ticket.status, to: transition.to, reason: input.note, unitId: lead?.unitId ?? null,
      notifyUnitIds: lead ? [lead.unitId] : [], patch: { replyText: null, repliedAt: null },
    });
  });
}

export const ReopenInput = z.strictObject({ reason: Note.min(1), callbackId: z.uuid().optional() });
export async function reopenTicket(ctx: Ctx, ticketId: string, input: z.infer<typeof ReopenInput>) {
  await inTransaction(ctx, async (tx) => {
    const { ticket, transition } = await guardAction(tx, ctx, ticketId, 'reopen');
    await recordEvent(tx, ctx, ticket.id, {
      type: 'ticket.reopened', from: ticket.status, to: transition.to, reason: input.reason,
      data: { callbackId: input.callbackId ?? null, previousRound: ticket.currentRound },
      patch: { reopenCount: ticket.reopenCount + 1, closedAt: null },
    });
  });
}

export const ArchiveInput = z.strictObject({});
export async function archiveTicket(ctx: Ctx, ticketId: string, _input: z.infer<typeof ArchiveInput>) {
  await inTransaction(ctx, async (tx) => {
    const { ticket, transition } = await guardAction(tx, ctx, ticketId, 'archive');
    await recordEvent(tx, ctx, ticket.id, { type: 'ticket.archived', from: ticket.status, to: transition.to });
  });
}
