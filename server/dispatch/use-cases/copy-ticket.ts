/**
 * 抄送 (copy): the centre tells a unit about a ticket — a street office's matter copied to its
 * district government, a matter another department should know of. A copy is a notice with a read
 * receipt, not a dispatch: no clock, reminder, overdue or KPI follows from it (domain.md §2, "a
 * street/town unit's ticket is copied to its district government").
 */
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { actorId, type Ctx } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import { problem } from '../../platform/http/problems';
import { inTransaction } from '../../platform/transaction';
import { lockTicket, type TicketRow } from '../../tickets/guard';
import { recordEvent } from '../../tickets/events';
import { dispatchCopies } from '../tables';
import { tickets } from '../../tickets/tables';
import { assertUnits } from './dispatch-ticket';
import { leadDispatchSql } from '../lead-dispatch';

export const CopyTicketInput = z.strictObject({
  unitIds: z.array(z.uuid()).min(1).max(10),
  note: z.string().trim().max(500).optional(),
});

const CENTRE_ROLES = ['agent', 'dispatcher', 'supervisor'];

/** Inside the caller's transaction (dispatch copies while it dispatches); units already copied are skipped. */
export async function copyTicketTx(tx: Tx, ctx: Ctx, ticket: TicketRow, unitIds: string[], note: string | null) {
  const ids = [...new Set(unitIds)];
  if (!ids.length) return [];
  await assertUnits(tx, ids);
  const at = ctx.now();
  const rows = await tx
    .insert(dispatchCopies)
    .values(
      ids.map((unitId) => ({
        ticketId: ticket.id,
        unitId,
        round: ticket.currentRound,
        note,
        copiedBy: actorId(ctx.actor),
        copiedAt: at,
      })),
    )
    .onConflictDoNothing()
    .returning({ id: dispatchCopies.id, unitId: dispatchCopies.unitId });
  if (!rows.length) return rows;
  await recordEvent(tx, ctx, ticket.id, {
    type: 'ticket.copied',
    reason: note,
    notifyUnitIds: rows.map((r) => r.unitId),
    data: { copyIds: rows.map((r) => r.id), unitIds: rows.map((r) => r.unitId) },
  });
  return rows;
}

export async function copyTicket(ctx: Ctx, ticketId: string, input: z.infer<typeof CopyTicketInput>) {
  const a = ctx.actor;
  if (a.kind !== 'staff' || !CENTRE_ROLES.includes(a.role)) throw problem('FORBIDDEN', 'only the centre copies a ticket');
  return inTransaction(ctx, async (tx) => {
    const ticket = await lockTicket(tx, ticketId);
    if (ticket.status === 'archived') throw problem('TICKET_STATE_CONFLICT', 'an archived ticket is not copied');
    return copyTicketTx(tx, ctx, ticket, input.unitIds, input.note ?? null);
  });
}

export const ListCopiesQuery = z.strictObject({ unread: z.enum(['true', 'false']).optional() });

/** The clerk's unit's copies, newest first: what the ticket is about and who leads it, never the citizen. */
export async function listCopies(ctx: Ctx, q: z.infer<typeof ListCopiesQuery>) {
  const unitId = ctx.actor.kind === 'staff' ? ctx.actor.unitId : null;
  if (!unitId || ctx.actor.kind !== 'staff' || ctx.actor.role !== 'unit_clerk') throw problem('FORBIDDEN', "copies are a unit clerk's list");
  const where = [eq(dispatchCopies.unitId, unitId), ...(q.unread === 'true' ? [isNull(dispatchCopies.readAt)] : [])];
  const rows = await ctx.db
    .select({
      id: dispatchCopies.id,
      ticketId: dispatchCopies.ticketId,
      number: tickets.number,
      title: tickets.title,
      status: tickets.status,
      note: dispatchCopies.note,
      copiedAt: dispatchCopies.copiedAt,
      readAt: dispatchCopies.readAt,
      leadUnitName: sql<string | null>`(select u.name from ${sql.raw(leadDispatchSql('"tickets"."id"', '"tickets"."current_round"'))} l
      join handling_units u on u.id = l.unit_id)`,
    })
    .from(dispatchCopies)
    .innerJoin(tickets, eq(tickets.id, dispatchCopies.ticketId))
    .where(and(...where))
    .orderBy(desc(dispatchCopies.copiedAt))
    .limit(200);
  return rows;
}

/** Read receipt (已阅): once; a second call changes nothing. */
export async function markCopyRead(ctx: Ctx, copyId: string) {
  const a = ctx.actor;
  if (a.kind !== 'staff' || a.role !== 'unit_clerk' || !a.unitId) throw problem('FORBIDDEN', 'only the copied unit marks a copy read');
  return inTransaction(ctx, async (tx) => {
    const [c] = await tx
      .select()
      .from(dispatchCopies)
      .where(and(eq(dispatchCopies.id, copyId), eq(dispatchCopies.unitId, a.unitId!)))
      .for('update');
    if (!c) throw problem('NOT_FOUND');
    if (c.readAt) return c;
    const at = ctx.now();
    const [row] = await tx.update(dispatchCopies).set({ readAt: at, readBy: a.id }).where(eq(dispatchCopies.id, c.id)).returning();
    await recordEvent(tx, ctx, c.ticketId, { type: 'copy.read', unitId: c.unitId, notifyUnitIds: [c.unitId], data: { copyId: c.id } });
    return row!;
  });
}

/** Whether a unit holds a copy of a ticket (lets the copied clerk open the ticket, read-only). */
export const copiedToUnitSql = (unitId: string) => sql`exists (select 1 from dispatch_copies vc where vc.ticket_id = t.id and vc.unit_id = ${unitId})`;
