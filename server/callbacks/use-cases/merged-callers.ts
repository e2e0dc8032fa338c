/**
 * 并单: callers whose tickets were merged into this one hear when it closes, and are called back
 * (issue 15, item 11). Run in the closing transaction (reports/on-ticket-event.ts, on
 * `ticket.closed`): each merged ticket gets a callback task of its own (reason `merged`; one per
 * ticket and round like every task) and a `ticket.main_closed` event on its timeline, whose
 * catalogue entry sends the caller the "closed" notice with a link to their own ticket, where the
 * main ticket's accepted answer shows (citizen/public-reply.ts).
 *
 * Every merged caller is called, not a sample: they never heard from the unit first-hand. Their
 * answer rates the main ticket's handling, and a dissatisfied one reopens it (record-callback.ts).
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../platform/db/client';
import type { Ctx } from '../../platform/context';
import { tickets } from '../../tickets/tables';
import { recordEvent } from '../../tickets/events';
import { callbacks } from '../tables';
import { getPolicy } from '../policy';
import { createCallbackTask } from './schedule-callback';

export async function followUpMergedCallers(tx: Tx, ctx: Ctx, mainTicketId: string, at: Date): Promise<number> {
  const merged = await tx
    .select({ id: tickets.id, round: tickets.currentRound })
    .from(tickets)
    .where(and(eq(tickets.mergedIntoId, mainTicketId), inArray(tickets.status, ['merged', 'archived'])))
    .orderBy(tickets.createdAt)
    .for('update');
  if (merged.length === 0) return 0;
  const [main] = await tx.select({ number: tickets.number, round: tickets.currentRound }).from(tickets).where(eq(tickets.id, mainTicketId));
  const [mainTask] = await tx
    .select({ unitId: callbacks.unitId, dueAt: callbacks.dueAt })
    .from(callbacks)
    .where(and(eq(callbacks.ticketId, mainTicketId), eq(callbacks.round, main.round)));
  const policy = await getPolicy(tx);
  // The main ticket's own task (if sampled or overdue) sets the limit; else the policy's.
  const dueAt = mainTask?.dueAt ?? new Date(at.getTime() + policy.callbackDueHours * 3600_000);
  const unitId = mainTask?.unitId ?? (await leadUnit(tx, mainTicketId, main.round));
  for (const d of merged) {
    const callbackId = await createCallbackTask(tx, { ticketId: d.id, round: d.round, unitId, reason: 'merged', dueAt }, policy, at);
    await recordEvent(tx, ctx, d.id, { type: 'ticket.main_closed', data: { mainTicketId, mainTicketNumber: main.number, callbackId } });
  }
  return merged.length;
}

async function leadUnit(tx: Tx, ticketId: string, round: number): Promise<string | null> {
  const r = await tx.execute<{ unitId: string }>(sql`select unit_id as "unitId" from dispatches
    where ticket_id = ${ticketId} and round = ${round} and role = 'lead' order by dispatched_at desc limit 1`);
  return r.rows[0]?.unitId ?? null;
}
