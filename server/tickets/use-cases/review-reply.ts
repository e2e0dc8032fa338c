/**
 * After the lead unit replies: the centre reviews the reply (审核) and closes the ticket (办结)
 * or sends it back; a closed ticket may be reopened (重办) after an unsolved or dissatisfied
 * callback, which starts a new dispatch round, or archived.
 */
import { and, eq, gt, inArray, or } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../platform/context';
import { dispatches } from '../../dispatch/tables';
import { assertFrom, guardAction, type TicketRow } from '../guard';
import { transitionFor } from '../states';
import { problem } from '../../platform/http/problems';
import type { Tx } from '../../platform/db/client';
import { callbacks } from '../../callbacks/tables';
import { tickets } from '../tables';
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
    const closed = await tx
      .update(dispatches)
      .set({ status: 'closed', nextWakeAt: null, updatedAt: at })
      .where(
        and(
          eq(dispatches.ticketId, ticket.id),
          eq(dispatches.round, ticket.currentRound),
          inArray(dispatches.status, ['dispatched', 'signed', 'in_progress', 'replied', 'extension_requested']),
        ),
      )
      .returning({ unitId: dispatches.unitId });
    await recordEvent(tx, ctx, ticket.id, {
      type: 'ticket.closed',
      from: ticket.status,
      to: transition.to,
      reason: input.note ?? null,
      notifyUnitIds: closed.map((c) => c.unitId),
      patch: { closedAt: at },
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
      type: 'ticket.sent_back',
      from: ticket.status,
      to: transition.to,
      reason: input.note,
      unitId: lead?.unitId ?? null,
      notifyUnitIds: lead ? [lead.unitId] : [],
      patch: { replyText: null, repliedAt: null },
    });
  });
}

export const ReopenInput = z.strictObject({ reason: Note.min(1), callbackId: z.uuid().optional() });
export async function reopenTicket(ctx: Ctx, ticketId: string, input: z.infer<typeof ReopenInput>) {
  await inTransaction(ctx, async (tx) => {
    const { ticket } = await guardAction(tx, ctx, ticketId, 'reopen');
    await reopenLockedTicket(tx, ctx, ticket, input);
  });
}

/**
 * 重办 inside the caller's transaction, the ticket already locked: the dispatcher's action above
 * and a dissatisfied callback (callbacks/use-cases/record-callback.ts, where the feedback policy,
 * not the agent's role, makes the move) both come here. An archived ticket reopens too: a callback
 * answered after the ticket was filed away still sends it back (issue 15, item 12).
 */
export async function reopenLockedTicket(tx: Tx, ctx: Ctx, ticket: TicketRow, input: z.infer<typeof ReopenInput>) {
  const transition = transitionFor('reopen')!;
  assertFrom(ticket, transition);
  await recordEvent(tx, ctx, ticket.id, {
    type: 'ticket.reopened',
    from: ticket.status,
    to: transition.to,
    reason: input.reason,
    data: { callbackId: input.callbackId ?? null, previousRound: ticket.currentRound },
    patch: { reopenCount: ticket.reopenCount + 1, closedAt: null },
  });
  await supersedeOpenCallbacks(tx, ctx, ticket);
}

/**
 * A reopen replaces the reply the earlier round's callback asks about: its still-open task (a
 * manual reopen while the callback was pending; a callback-driven reopen has already completed its
 * own) and the open tasks of callers merged into this ticket (并单) are superseded, each with its
 * event on its ticket's timeline. The new round's close creates its own task (reason `reopened`).
 */
async function supersedeOpenCallbacks(tx: Tx, ctx: Ctx, ticket: TicketRow) {
  const open = await tx
    .update(callbacks)
    .set({ status: 'superseded', nextDialAt: null, doneAt: ctx.now() })
    .where(
      and(
        eq(callbacks.status, 'pending'),
        or(
          and(eq(callbacks.ticketId, ticket.id), eq(callbacks.round, ticket.currentRound)),
          and(
            eq(callbacks.reason, 'merged'),
            inArray(callbacks.ticketId, tx.select({ id: tickets.id }).from(tickets).where(eq(tickets.mergedIntoId, ticket.id))),
          ),
        ),
      ),
    )
    .returning({ id: callbacks.id, ticketId: callbacks.ticketId, round: callbacks.round, reason: callbacks.reason, unitId: callbacks.unitId });
  for (const c of open) {
    await recordEvent(tx, ctx, c.ticketId, {
      type: 'callback.superseded',
      unitId: c.unitId,
      data: { callbackId: c.id, round: c.round, reason: c.reason },
    });
  }
}

export const ArchiveInput = z.strictObject({});
/**
 * 归档 waits for the callback: a ticket whose callback task for this round is still open (and not
 * past its limit) stays closed, so the callback's answer can still reopen it (issue 15, item 12).
 */
export async function archiveTicket(ctx: Ctx, ticketId: string, _input: z.infer<typeof ArchiveInput>) {
  await inTransaction(ctx, async (tx) => {
    const { ticket, transition } = await guardAction(tx, ctx, ticketId, 'archive');
    const [open] = await tx
      .select({ id: callbacks.id, dueAt: callbacks.dueAt })
      .from(callbacks)
      .where(and(eq(callbacks.ticketId, ticket.id), eq(callbacks.round, ticket.currentRound), eq(callbacks.status, 'pending'), gt(callbacks.dueAt, ctx.now())));
    if (open) throw problem('CALLBACK_PENDING', undefined, { callbackId: open.id, dueAt: open.dueAt.toISOString() });
    await recordEvent(tx, ctx, ticket.id, { type: 'ticket.archived', from: ticket.status, to: transition.to });
  });
}
