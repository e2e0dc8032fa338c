/**
 * The one call dispatch makes: stored rows in, stored deadlines out. Pure, so the foundation's
 * `deadlinesForDispatch(tx, key, at)` is two SELECTs (holidays, active sla_policies) and this.
 */
import type { WorkCalendar } from './calendar.js';
import { centreCalendar } from './centre-calendar.js';
import type { HolidayRow } from './holiday-rows.js';
import { type SlaPolicyRow, policyFromRow } from './policy-rows.js';
import {
  type AppealType,
  type SlaPolicy,
  type Urgency,
  computeCaseResponseDueAt,
  computeDispatchDeadlines,
  computeSupervisionAt,
  resolvePolicy,
  roundReplyLimit,
} from './policy.js';
import { CalendarInputError } from './errors.js';

/** What a dispatch row stores (column names of the foundation's `dispatches` table). */
export interface StoredDispatchDeadlines {
  /** Snapshot of the policy in force, so a later policy edit never moves a running clock. */
  policy: Record<string, unknown>;
  signDueAt: Date;
  replyDueAt: Date;
  remindAt: Date;
  returnWindowEndsAt: Date;
  supervisionDueAt: Date;
  /** When the unit must answer the supervision case raised at `supervisionDueAt`. */
  supervisionResponseDueAt: Date;
  /** First feedback due (特急), or null when the policy has no first-response limit. */
  firstResponseDueAt: Date | null;
  /** First moment the sweeper must look at this dispatch (see {@link nextWakeAt}). */
  nextWakeAt: Date;
  /**
   * A deadline fell in a year whose holiday notice is not loaded and was counted Monday–Friday
   * (see centre-calendar.ts); it is recomputed when the notice is loaded.
   */
  provisional: boolean;
}

/** The ticket fields that pick a policy; a ticket without region or type falls back to `'*'` rows / `other`. */
export interface DispatchKey {
  regionCode: string | null;
  appealType: string | null;
  urgency: string;
}

const APPEAL_TYPES: readonly string[] = ['consult', 'help', 'complaint', 'report', 'suggestion', 'praise', 'other'];
const URGENCIES: readonly string[] = ['normal', 'urgent', 'critical'];

/**
 * Deadlines for a dispatch made at `at`, from the `holidays` rows and the active `sla_policies` rows.
 * Throws `CalendarYearMissingError` (a deadline needs a year without holiday rows),
 * `SlaPolicyNotFoundError` / `SlaPolicyAmbiguousError`, `SlaPolicyInvalidError` (a stored row is
 * unusable) or `CalendarInputError` (unknown urgency or appeal type); map them to problems at the edge.
 */
export function deadlinesFromRows(
  holidayRows: readonly HolidayRow[],
  policyRows: readonly SlaPolicyRow[],
  key: DispatchKey,
  at: Date,
  o: { reopened?: boolean } = {},
): StoredDispatchDeadlines {
  if (!URGENCIES.includes(key.urgency)) throw new CalendarInputError(`Unknown urgency ${key.urgency}`);
  const appealType = key.appealType ?? 'other';
  if (!APPEAL_TYPES.includes(appealType)) throw new CalendarInputError(`Unknown appeal type ${appealType}`);
  const calendar = centreCalendar(holidayRows);
  const policy = resolvePolicy(policyRows.map(policyFromRow), {
    regionCode: key.regionCode ?? '', // no region: only '*' rows match
    appealType: appealType as AppealType,
    urgency: key.urgency as Urgency,
  });
  const d = computeDispatchDeadlines(calendar, policy, at, o);
  const supervisionDueAt = computeSupervisionAt(calendar, policy, d.replyDueAt, roundReplyLimit(policy, o.reopened));
  const supervisionResponseDueAt = computeCaseResponseDueAt(calendar, policy, 'supervision', supervisionDueAt);
  const stored = { ...d, supervisionDueAt, supervisionResponseDueAt, policy: snapshot(policy) };
  return { ...stored, nextWakeAt: nextWakeAt(stored)!, provisional: anyProvisional(calendar, stored) };
}

/** Whether any of the deadlines lies in a year the calendar only counts provisionally. */
export function anyProvisional(calendar: WorkCalendar, d: Partial<Record<string, unknown>>): boolean {
  if (calendar.provisionalYears.length === 0) return false;
  return Object.values(d).some((v) => v instanceof Date && calendar.isProvisional(v));
}

export function snapshot(policy: SlaPolicy): Record<string, unknown> {
  return JSON.parse(JSON.stringify(policy)) as Record<string, unknown>;
}

/** Deadlines of a dispatch and what has already fired on it (the dispatch row's columns). */
export interface DispatchClock {
  remindAt: Date | null;
  replyDueAt: Date | null;
  supervisionDueAt?: Date | null;
  remindedAt?: Date | null;
  overdueAt?: Date | null;
  supervisedAt?: Date | null;
  repliedAt?: Date | null;
  firstResponseDueAt?: Date | null;
  firstRespondedAt?: Date | null;
  firstResponseOverdueAt?: Date | null;
}

/**
 * The next instant the sweeper must wake for: the earliest of the first-response stage (特急, until
 * the unit's first feedback), the reminder (催办), the overdue flag
 * at the reply deadline and supervision (督办) that has not fired yet; `null` once the unit has
 * replied or nothing is left. Sign-for lateness needs no wake-up: reports compare `signed_at` with
 * the stored `sign_due_at`.
 */
export function nextWakeAt(c: DispatchClock): Date | null {
  if (c.repliedAt) return null;
  let best: Date | null = null;
  const consider = (due: Date | null | undefined, fired: Date | null | undefined) => {
    if (due && !fired && (!best || due.getTime() < best.getTime())) best = due;
  };
  if (!c.firstRespondedAt) consider(c.firstResponseDueAt, c.firstResponseOverdueAt);
  consider(c.remindAt, c.remindedAt);
  consider(c.replyDueAt, c.overdueAt);
  consider(c.supervisionDueAt, c.supervisedAt);
  return best;
}
