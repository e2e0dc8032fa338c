/**
 * Callback and rectification policy as data (domain.md §4: "configurable", cities differ).
 * Stored in feedback_settings under one key; defaults fill in whatever the centre has not set.
 */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../platform/db/client';
import type { Db } from '../platform/db/client';
import { feedbackSettings } from './tables';
import type { ReferenceCache } from '../platform/reference-cache';
import { holidayRows } from '../sla/reference-rows';
import { centreCalendar } from '../sla/centre-calendar';
import { CalendarYearMissingError } from '../sla/errors';
import { problem } from '../platform/http/problems';

export const FeedbackPolicy = z.strictObject({
  /** Share of on-time closed tickets that get a callback (0..1). Overdue ones always do. */
  sampleRate: z.number().min(0).max(1),
  /** Working hours are not modelled here: the callback limit is wall-clock hours after close. */
  callbackDueHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30),
  badReviewCallbackDueHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30),
  /** What an unsolved/dissatisfied callback does: reopen at once, or let the agent choose reopen or close with a reason. */
  onDissatisfied: z.enum(['reopen', 'agent_decides']),
  /** Whether a "partly solved" answer counts as dissatisfied. */
  partlyIsDissatisfied: z.boolean(),
  /** Unreachable citizens: after this many attempts the task is closed as unreachable. */
  maxAttempts: z.number().int().min(1).max(10),
  /** 差评整改 limit in working days (Sichuan 15, Dezhou feedback 5). */
  rectificationWorkingDays: z.number().int().min(1).max(60),
  /** Rounds of 差评整改 before a still-unsatisfied citizen's case goes to the supervisors (1 = escalate at once). */
  rectificationRounds: z.number().int().min(1).max(5),
  /** Who makes callback calls: agents from their task list, or the CTI dialling out (回访外呼, channels.md §2). */
  callbackBy: z.enum(['agent', 'cti']),
  /** CTI calls: hours between a no-answer/busy attempt and the next one (maxAttempts calls, then the SMS survey link). */
  dialRetryHours: z.number().min(0).max(72),
  /** CTI calls only on working days (holiday calendar), between these China-time hours [start, end). */
  dialStartHour: z.number().int().min(0).max(23),
  dialEndHour: z.number().int().min(1).max(24),
});
export type FeedbackPolicy = z.infer<typeof FeedbackPolicy>;

export const DEFAULT_POLICY: FeedbackPolicy = {
  sampleRate: 0.3,
  callbackDueHours: 72,
  badReviewCallbackDueHours: 24,
  onDissatisfied: 'reopen',
  partlyIsDissatisfied: false,
  maxAttempts: 3,
  rectificationWorkingDays: 15,
  rectificationRounds: 2,
  callbackBy: 'agent',
  dialRetryHours: 2,
  dialStartHour: 9,
  dialEndHour: 18,
};

const KEY = 'feedback_policy';

export async function getPolicy(db: Tx | Db): Promise<FeedbackPolicy> {
  const [row] = await db.select().from(feedbackSettings).where(eq(feedbackSettings.key, KEY));
  return { ...DEFAULT_POLICY, ...((row?.value as Partial<FeedbackPolicy>) ?? {}) };
}

export async function setPolicy(db: Db, patch: Partial<FeedbackPolicy>, actorId: string | null): Promise<FeedbackPolicy> {
  const next = FeedbackPolicy.parse({ ...(await getPolicy(db)), ...patch });
  if (next.dialStartHour >= next.dialEndHour)
    throw problem('VALIDATION_FAILED', undefined, { fields: { dialEndHour: 'dialStartHour must be before dialEndHour' } });
  await db
    .insert(feedbackSettings)
    .values({ key: KEY, value: next, updatedBy: actorId })
    .onConflictDoUpdate({ target: feedbackSettings.key, set: { value: next, updatedBy: actorId, updatedAt: new Date() } });
  return next;
}

/**
 * The rectification deadline: `workingDays` working days after `from` on the centre's holiday
 * calendar (server/sla: statutory holidays and make-up workdays from the `holidays` table; the
 * start day is not counted, Civil Code art. 201; the due day ends at 24:00, art. 203).
 * Next year is counted Monday–Friday until its notice is loaded (centre-calendar.ts); a
 * rectification due date is not recomputed afterwards (the unit was told the date when the case
 * was accepted). Two years ahead is a clear 422, never a guess.
 */
export async function rectificationDueAt(db: Tx | Db, from: Date, workingDays: number, refs?: ReferenceCache): Promise<Date> {
  const rows = await holidayRows(db, refs);
  try {
    return centreCalendar(rows).computeDeadline(from, { unit: 'working_days', value: workingDays });
  } catch (err) {
    if (err instanceof CalendarYearMissingError) {
      throw problem('CALENDAR_YEAR_MISSING', err.message, { year: err.year, loadedYears: err.loadedYears });
    }
    throw err;
  }
}
