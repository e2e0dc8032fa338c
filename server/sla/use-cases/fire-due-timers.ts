import { and, eq, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import { dispatches, OPEN_DISPATCH_STATUSES } from '../../dispatch/tables';
import { recordEvent } from '../../tickets/events';
import { nextWakeAt } from '../dispatch-deadlines';

type DispatchRow = typeof dispatches.$inferSelect;
export type TimerStage = 'reminder' | 'overdue' | 'supervision';

/**
 * The sweeper (domain.md §3: a deadline must fire even if the queue lost its timer). The
 * database is the source of truth: every open dispatch whose stored `next_wake_at` has passed is
 * claimed (`FOR UPDATE SKIP LOCKED`, so two nodes never fire the same one), each stage whose
 * instant has passed and has not fired yet fires once (reminder 催办, overdue, supervision 督办),
 * with its event, audit and outbox rows, and `next_wake_at` moves to the next stage. A BullMQ
 * wake-up job that arrives late or twice finds nothing left to do.
 */
export async function fireDueTimers(ctx: Ctx, opts: { limit?: number; dispatchId?: string } = {}) {
  const now = ctx.now();
  const fired: { dispatchId: string; stage: TimerStage }[] = [];
  await ctx.db.transaction(async (tx) => {
    const due = await tx.select().from(dispatches).where(and(
      isNotNull(dispatches.nextWakeAt), lte(dispatches.nextWakeAt, now), inArray(dispatches.status, OPEN_DISPATCH_STATUSES),
      opts.dispatchId ? eq(dispatches.id, opts.dispatchId) : sql`true`,
    )).orderBy(dispatches.nextWakeAt).limit(opts.limit ?? 500).for('update', { skipLocked: true });
    for (const d of due) {
      for (const stage of stagesDue(d, now)) {
        await fire(tx, ctx, d, stage, now);
        fired.push({ dispatchId: d.id, stage });
      }
    }
  });
  if (fired.length) ctx.svc.kickOutbox();
  return fired;
}

function stagesDue(d: DispatchRow, now: Date): TimerStage[] {
  const out: TimerStage[] = [];
  if (d.remindAt && !d.remindedAt && d.remindAt <= now) out.push('reminder');
  if (d.replyDueAt && !d.overdueAt && d.replyDueAt <= now) out.push('overdue');
  if (d.supervisionDueAt && !d.supervisedAt && d.supervisionDueAt <= now) out.push('supervision');
  return out;
}

const STAGE = {
  reminder: { column: 'remindedAt', event: 'ticket.reminded', flag: 'reminded' },
  overdue: { column: 'overdueAt', event: 'ticket.overdue', flag: 'overdue' },
  supervision: { column: 'supervisedAt', event: 'ticket.supervised', flag: 'supervised' },
} as const;

async function fire(tx: Tx, ctx: Ctx, d: DispatchRow, stage: TimerStage, now: Date) {
  const s = STAGE[stage];
  const after = { ...d, [s.column]: now };
  await tx.update(dispatches).set({ [s.column]: now, nextWakeAt: nextWakeAt(after), updatedAt: now }).where(eq(dispatches.id, d.id));
  Object.assign(d, after);
  // Only the lead's clock flags the ticket; an assisting unit's lateness is its own record.
  await recordEvent(tx, ctx, d.ticketId, {
    type: s.event, unitId: d.unitId, notifyUnitIds: [d.unitId],
    data: { dispatchId: d.id, role: d.role, replyDueAt: d.replyDueAt, stage, escalateToSupervisors: stage !== 'reminder' },
    patch: d.role === 'lead' ? { [s.flag]: true, ...(stage === 'supervision' ? { escalated: true } : {}) } : {},
  });
}
