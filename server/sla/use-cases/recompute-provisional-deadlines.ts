/**
 * When an administrator loads a year's holiday notice, the dispatches whose deadlines were
 * counted Monday–Friday for that year (centre-calendar.ts) get their real deadlines, inside the
 * same transaction as the new rows. Each changed ticket gets one timeline event with the old and
 * new reply deadlines, so the unit sees why its countdown moved.
 *
 * What is recomputed: sign-for and return-window deadlines always; reply deadline, reminder and
 * supervision only while no extension was approved (an approved extension is a date the unit
 * asked for, not a count). Stages that already fired keep their instants; the sweeper's next wake
 * follows the new deadlines, and one that is now in the past fires on the next sweep.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../platform/db/client';
import type { Ctx } from '../../platform/context';
import { dispatches, holidays } from '../../dispatch/tables';
import { recordEvent } from '../../tickets/events';
import { centreCalendar } from '../centre-calendar';
import { anyProvisional, nextWakeAt } from '../dispatch-deadlines';
import type { HolidayRow } from '../holiday-rows';
import { computeCaseResponseDueAt, computeDispatchDeadlines, computeSupervisionAt, roundReplyLimit, type SlaPolicy } from '../policy';

export async function recomputeProvisionalDeadlines(tx: Tx, ctx: Ctx): Promise<{ tickets: number; dispatches: number }> {
  // Tickets first, in id order, like every user transition (lockTicket) and the sweeper: no deadlock.
  const ticketIds = (
    await tx.execute<{ id: string }>(sql`select id from tickets where id in
    (select ticket_id from dispatches where deadlines_provisional) order by id for update`)
  ).rows.map((r) => r.id);
  if (ticketIds.length === 0) return { tickets: 0, dispatches: 0 };
  const rows = await tx.select({ date: holidays.date, kind: holidays.kind, name: holidays.name }).from(holidays);
  const calendar = centreCalendar(rows as HolidayRow[]);
  const flagged = await tx
    .select()
    .from(dispatches)
    .where(and(eq(dispatches.deadlinesProvisional, true), inArray(dispatches.ticketId, ticketIds)))
    .orderBy(dispatches.ticketId, dispatches.id)
    .for('update');

  const changes = new Map<string, { dispatchId: string; unitId: string; replyDueAt: { from: string | null; to: string | null } }[]>();
  for (const d of flagged) {
    const policy = d.policy as unknown as SlaPolicy;
    const reopened = d.round > 1;
    const base = computeDispatchDeadlines(calendar, policy, d.dispatchedAt, { reopened });
    const counted = d.extensionCount === 0;
    const replyDueAt = counted ? base.replyDueAt : d.replyDueAt;
    const remindAt = counted && !d.remindedAt ? base.remindAt : d.remindAt;
    const supervisionDueAt =
      counted && !d.supervisedAt && replyDueAt ? computeSupervisionAt(calendar, policy, replyDueAt, roundReplyLimit(policy, reopened)) : d.supervisionDueAt;
    const supervisionResponseDueAt =
      supervisionDueAt && !d.supervisedAt ? computeCaseResponseDueAt(calendar, policy, 'supervision', supervisionDueAt) : d.supervisionResponseDueAt;
    const next = { signDueAt: base.signDueAt, returnWindowEndsAt: base.returnWindowEndsAt, replyDueAt, remindAt, supervisionDueAt, supervisionResponseDueAt };
    await tx
      .update(dispatches)
      .set({
        ...next,
        nextWakeAt: nextWakeAt({
          ...next,
          remindedAt: d.remindedAt,
          overdueAt: d.overdueAt,
          supervisedAt: d.supervisedAt,
          repliedAt: d.repliedAt,
          firstResponseDueAt: d.firstResponseDueAt,
          firstRespondedAt: d.firstRespondedAt,
          firstResponseOverdueAt: d.firstResponseOverdueAt,
        }),
        deadlinesProvisional: anyProvisional(calendar, next),
        updatedAt: ctx.now(),
      })
      .where(eq(dispatches.id, d.id));
    const list = changes.get(d.ticketId) ?? [];
    list.push({ dispatchId: d.id, unitId: d.unitId, replyDueAt: { from: d.replyDueAt?.toISOString() ?? null, to: replyDueAt?.toISOString() ?? null } });
    changes.set(d.ticketId, list);
  }
  for (const [ticketId, list] of changes) {
    await recordEvent(tx, ctx, ticketId, {
      type: 'dispatch.deadlines_recomputed',
      notifyUnitIds: [...new Set(list.map((x) => x.unitId))],
      data: { reason: 'holiday_calendar_loaded', dispatches: list },
    });
  }
  return { tickets: changes.size, dispatches: flagged.length };
}
