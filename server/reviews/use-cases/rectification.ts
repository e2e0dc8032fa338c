/**
 * Each step of a 差评整改 case: one transaction that locks the case, checks role, unit and state
 * against RECTIFICATION_TRANSITIONS, writes, and records event + audit + outbox.
 */
import { and, eq, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../../platform/db/client';
import type { Ctx } from '../../platform/context';
import { problem } from '../../platform/http/problems';
import { rectifications, ratings } from '../tables';
import { RECTIFICATION_TRANSITIONS, type RectificationAction } from '../states';
import { recordRectificationEvent } from '../rectification-events';
import { getPolicy, rectificationDueAt } from '../../callbacks/policy';
import { recordEvent } from '../../tickets/events';
import { inTransaction } from '../../platform/transaction';

type RectRow = typeof rectifications.$inferSelect;
const Note = z.string().trim().max(2000);

export const RECTIFICATION_INPUTS = {
  verify: z.strictObject({ note: Note.min(1) }),
  dismiss: z.strictObject({ note: Note.min(1) }),
  report: z.strictObject({ text: Note.min(1) }),
  contest: z.strictObject({ reason: Note.min(1) }),
  'uphold-contest': z.strictObject({ note: Note.min(1) }),
  'reject-contest': z.strictObject({ note: Note.min(1) }),
  /** The citizen asked again after the unit's report. */
  confirm: z.strictObject({ citizenSatisfied: z.boolean(), note: Note.optional() }),
  /** The supervisors' decision on a case still unsatisfied after the last round. */
  'resolve-escalation': z.strictObject({ note: Note.min(1) }),
} satisfies Record<RectificationAction, z.ZodType>;

async function guard(tx: Tx, ctx: Ctx, id: string, action: RectificationAction) {
  const t = RECTIFICATION_TRANSITIONS[action];
  const a = ctx.actor;
  if (a.kind !== 'staff' || !t.roles.includes(a.role)) throw problem('FORBIDDEN', `role may not ${action}`);
  const [rect] = await tx.select().from(rectifications).where(eq(rectifications.id, id)).for('update');
  // Another unit's case: 404, no hint that it exists.
  if (!rect || (a.role === 'unit_clerk' && (!a.unitId || a.unitId !== rect.unitId))) throw problem('RECTIFICATION_NOT_FOUND');
  if (!t.from.includes(rect.status)) {
    throw problem('RECTIFICATION_STATE_CONFLICT', `${rect.status} → ${t.to} is not allowed`, { from: rect.status, action });
  }
  return { rect, t };
}

export async function actOnRectification(ctx: Ctx, id: string, action: RectificationAction, raw: unknown): Promise<void> {
  const input = RECTIFICATION_INPUTS[action].parse(raw ?? {}) as Record<string, unknown>;
  await inTransaction(ctx, async (tx) => {
    const { rect, t } = await guard(tx, ctx, id, action);
    const at = ctx.now();
    const base = { type: t.event, from: rect.status, to: t.to };
    switch (action) {
      case 'verify': {
        const policy = await getPolicy(tx);
        const dueAt = await rectificationDueAt(tx, at, policy.rectificationWorkingDays, ctx.svc.refs);
        await recordRectificationEvent(tx, ctx, rect, {
          ...base,
          reason: input.note as string,
          data: { dueAt: dueAt.toISOString() },
          patch: { verifyNote: input.note as string, dueAt },
        });
        break;
      }
      case 'dismiss':
        await recordRectificationEvent(tx, ctx, rect, {
          ...base,
          reason: input.note as string,
          patch: { outcome: 'not_substantiated', outcomeNote: input.note as string, closedAt: at },
        });
        break;
      case 'report': {
        const late = !!rect.dueAt && at > rect.dueAt;
        await recordRectificationEvent(tx, ctx, rect, {
          ...base,
          reason: input.text as string,
          data: { late },
          patch: { reportText: input.text as string, reportedAt: at, ...(late ? { overdue: true } : {}) },
        });
        break;
      }
      case 'contest':
        await recordRectificationEvent(tx, ctx, rect, {
          ...base,
          reason: input.reason as string,
          patch: { contestReason: input.reason as string, statusBeforeContest: rect.status },
        });
        break;
      case 'reject-contest': {
        const dueAt = rect.dueAt ?? (await rectificationDueAt(tx, at, (await getPolicy(tx)).rectificationWorkingDays, ctx.svc.refs));
        await recordRectificationEvent(tx, ctx, rect, { ...base, reason: input.note as string, patch: { dueAt } });
        break;
      }
      case 'uphold-contest':
        await excludeRating(tx, ctx, rect, input.note as string);
        await recordRectificationEvent(tx, ctx, rect, {
          ...base,
          reason: input.note as string,
          patch: { outcome: 'excluded', outcomeNote: input.note as string, closedAt: at },
        });
        break;
      case 'confirm': {
        const ok = input.citizenSatisfied as boolean;
        const note = (input.note as string) ?? null;
        if (ok) {
          await recordRectificationEvent(tx, ctx, rect, {
            ...base,
            reason: note,
            data: { citizenSatisfied: true },
            patch: { outcome: 'rectified', outcomeNote: note, closedAt: at },
          });
          break;
        }
        // Still unsatisfied: another round for the unit, or after the last one the supervisors (domain.md §4).
        const policy = await getPolicy(tx);
        if (rect.round < policy.rectificationRounds) {
          const dueAt = await rectificationDueAt(tx, at, policy.rectificationWorkingDays, ctx.svc.refs);
          const round = rect.round + 1;
          await recordRectificationEvent(tx, ctx, rect, {
            type: 'rectification.next_round',
            from: rect.status,
            to: 'rectifying',
            reason: note,
            data: { round, dueAt: dueAt.toISOString() },
            patch: { round, dueAt, overdue: false, reportText: null, reportedAt: null },
          });
        } else {
          await recordRectificationEvent(tx, ctx, rect, {
            type: 'rectification.escalated',
            from: rect.status,
            to: 'escalated',
            reason: note,
            data: { round: rect.round },
          });
        }
        break;
      }
      case 'resolve-escalation':
        await recordRectificationEvent(tx, ctx, rect, {
          ...base,
          reason: input.note as string,
          patch: { outcome: 'citizen_unsatisfied', outcomeNote: input.note as string, closedAt: at },
        });
        break;
    }
  });
}

/** An upheld contest: the review stays, marked excluded, and leaves the satisfaction figures of its day. */
async function excludeRating(tx: Tx, ctx: Ctx, rect: RectRow, note: string) {
  const [r] = await tx.update(ratings).set({ excluded: true, excludedReason: note }).where(eq(ratings.id, rect.ratingId)).returning();
  const day = new Date(r.createdAt.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  await tx.execute(sql`select id from tickets where id = ${rect.ticketId} for update`);
  await recordEvent(tx, ctx, rect.ticketId, {
    type: 'rating.excluded',
    unitId: r.unitId,
    reason: note,
    notifyUnitIds: r.unitId ? [r.unitId] : [],
    data: { ratingId: r.id, score: r.score, rollupDay: day },
  });
}

/**
 * Flags rectifications past their limit (the cron sweeper calls this; it is also safe to call
 * from anywhere, as often as you like). Returns how many were flagged.
 */
export async function markOverdueRectifications(ctx: Ctx): Promise<number> {
  const n = await inTransaction(ctx, async (tx) => {
    const due = await tx
      .select()
      .from(rectifications)
      .where(and(eq(rectifications.status, 'rectifying'), eq(rectifications.overdue, false), lt(rectifications.dueAt, ctx.now())))
      .for('update', { skipLocked: true })
      .limit(500);
    for (const rect of due) {
      await recordRectificationEvent(tx, ctx, rect, { type: 'rectification.overdue', data: { dueAt: rect.dueAt?.toISOString() }, patch: { overdue: true } });
    }
    return due.length;
  });
  return n;
}
