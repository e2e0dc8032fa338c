/**
 * The unit answers a case (its clerk, only its own unit's cases), and the centre closes it. An
 * urge (催办) is done once answered; a supervision (督办) waits for the centre to accept the answer
 * and close it, and the ticket's `supervised` overlay drops when its last open supervision closes.
 */
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../platform/context';
import { actorId } from '../../platform/context';
import { problem } from '../../platform/http/problems';
import { inTransaction } from '../../platform/transaction';
import type { Tx } from '../../platform/db/client';
import { lockTicket } from '../../tickets/guard';
import { recordEvent } from '../../tickets/events';
import { supervisionCases } from '../tables';
import { presentCase } from '../present';

export const RespondCaseInput = z.strictObject({ text: z.string().trim().min(1).max(4000) });
export const CloseCaseInput = z.strictObject({ note: z.string().trim().max(2000).optional() });

/** Ticket first, then the case (the order every ticket transition locks in). A clerk sees only its unit's cases. */
async function lockCase(tx: Tx, ctx: Ctx, caseId: string) {
  const [peek] = await tx.select({ ticketId: supervisionCases.ticketId }).from(supervisionCases).where(eq(supervisionCases.id, caseId));
  if (!peek) throw problem('SUPERVISION_CASE_NOT_FOUND');
  const ticket = await lockTicket(tx, peek.ticketId);
  const [c] = await tx.select().from(supervisionCases).where(eq(supervisionCases.id, caseId)).for('update');
  const a = ctx.actor;
  if (a.kind === 'staff' && a.role === 'unit_clerk' && a.unitId !== c.unitId) throw problem('SUPERVISION_CASE_NOT_FOUND');
  return { ticket, c };
}

export async function respondCase(ctx: Ctx, caseId: string, input: z.infer<typeof RespondCaseInput>) {
  return inTransaction(ctx, async (tx) => {
    const { ticket, c } = await lockCase(tx, ctx, caseId);
    if (c.status !== 'open') throw problem('SUPERVISION_CASE_STATE_CONFLICT', `case is ${c.status}`);
    const at = ctx.now();
    const late = !!c.responseDueAt && at > c.responseDueAt;
    const [row] = await tx
      .update(supervisionCases)
      .set({
        respondedAt: at,
        respondedBy: actorId(ctx.actor),
        responseText: input.text,
        ...(c.kind === 'urge' ? { status: 'closed' as const, closedAt: at } : { status: 'responded' as const }),
      })
      .where(eq(supervisionCases.id, c.id))
      .returning();
    await recordEvent(tx, ctx, ticket.id, {
      type: 'supervision.responded',
      reason: input.text,
      unitId: c.unitId,
      notifyUnitIds: [c.unitId],
      data: { caseId: c.id, kind: c.kind, late },
    });
    return presentCase(row, at);
  });
}

export async function closeCase(ctx: Ctx, caseId: string, input: z.infer<typeof CloseCaseInput>) {
  return inTransaction(ctx, async (tx) => {
    const { ticket, c } = await lockCase(tx, ctx, caseId);
    if (c.status === 'closed') throw problem('SUPERVISION_CASE_STATE_CONFLICT', 'case is closed');
    const at = ctx.now();
    const [row] = await tx
      .update(supervisionCases)
      .set({ status: 'closed', closedAt: at, closedBy: actorId(ctx.actor), closeNote: input.note ?? null })
      .where(eq(supervisionCases.id, c.id))
      .returning();
    const [{ open }] = await tx
      .select({ open: sql<number>`count(*)::int` })
      .from(supervisionCases)
      .where(
        and(
          eq(supervisionCases.ticketId, ticket.id),
          eq(supervisionCases.kind, 'supervision'),
          inArray(supervisionCases.status, ['open', 'responded']),
          ne(supervisionCases.id, c.id),
        ),
      );
    await recordEvent(tx, ctx, ticket.id, {
      type: 'supervision.closed',
      reason: input.note ?? null,
      unitId: c.unitId,
      notifyUnitIds: [c.unitId],
      data: { caseId: c.id, kind: c.kind },
      patch: c.kind === 'supervision' && open === 0 ? { supervised: false } : {},
    });
    return presentCase(row, at);
  });
}
