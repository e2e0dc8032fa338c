/**
 * SLA policies (时限规则): region × appeal type × urgency → time limits, and the deadlines a
 * dispatch stores. Pure; the server loads policies from its table and a calendar from `holidays`.
 */
import type { DeadlineOptions, TimeLimit, WorkCalendar } from './calendar.js';
import { parseClockMinutes } from './civil-date.js';
import { CalendarInputError } from './errors.js';

/** Appeal type (诉求类型): 咨询 consult, 求助 help, 投诉 complaint, 举报 report, 建议 suggestion, 表扬 praise, 其他 other. */
export type { AppealType } from '../../contract/enums';
import type { AppealType, Urgency } from '../../contract/enums';
/** Urgency: 一般 normal, 紧急 urgent, 特急 critical. */
export type { Urgency } from '../../contract/enums';

/** One row of the SLA policy table. `'*'` matches anything. All numbers are configurable per city. */
export interface SlaPolicy {
  /** Division code (行政区划代码, GB/T 2260, e.g. `440000`, `440106`) or `'*'`. */
  region: string;
  appealType: AppealType | '*';
  urgency: Urgency | '*';
  /** Intake → dispatch (派单), wall-clock minutes: the centre works around the clock. */
  dispatchLimitMinutes: number;
  /** Dispatch → sign for (签收). */
  signLimit: TimeLimit;
  /** How long after dispatch a unit may still return (退单) the ticket. */
  returnWindow: TimeLimit;
  /** Dispatch → reply (办理时限). */
  replyLimit: TimeLimit;
  /** 协办: an assisting unit's report to the lead, from dispatch (default: dispatch/assist-deadline.ts). */
  assistReplyLimit?: TimeLimit;
  /** Reply limit from dispatch once an extension (延期) or complex-case approval is granted; the approver may set another. */
  extendedReplyLimit?: TimeLimit;
  /**
   * Reply limit of a reopened round (重办), from its dispatch; usually shorter than `replyLimit`,
   * which applies when unset.
   */
  reopenReplyLimit?: TimeLimit;
  /** Dispatch → the unit's first feedback (首次反馈), a stage of its own (特急: "first result within 2 h"); none when unset. */
  firstResponseLimit?: TimeLimit;
  maxExtensions: number;
  /** Close → callback (回访). */
  callbackLimit: TimeLimit;
  /** Reminder (催办) when this share of the reply time is used, 0 < share < 1 (e.g. 0.75). */
  reminderShare: number;
  /** Supervision (督办) once a ticket has been overdue this many working days. */
  supervisionAfterWorkingDays: number;
  /**
   * For hour limits (hours, minutes): supervision this many wall-clock hours after the deadline,
   * since a working-day delay over a holiday would leave a 24-hour ticket unsupervised for days.
   * Unset: `supervisionAfterWorkingDays × 24` hours.
   */
  supervisionAfterHours?: number;
  /** How long a unit has to answer a supervision (督办) case. Unset: 3 working days (Shanghai street rules: supervision & re-check 3 wd). */
  supervisionResponseLimit?: TimeLimit;
  /** How long a unit has to answer a supervisor's urge (催办). Unset: 1 working day. */
  urgeResponseLimit?: TimeLimit;
  /** `HH:MM` a due day ends: `24:00` (Civil Code art. 203) or close of business. */
  endOfDay: string;
  /** Count the dispatch day as day 1 (otherwise Civil Code art. 201: the start day is not counted). */
  countReceiptDay: boolean;
  /** `HH:MM`: dispatched at or after it (or on a day off) counts as dispatched the next working day. */
  afterHoursCutoff?: string;
  /** Where the numbers come from, shown to the administrator. */
  source?: string;
}

/** What a ticket brings to policy resolution. */
export interface PolicyQuery {
  /** The ticket's division code, as specific as known (county `440106`, street `440106001`). */
  regionCode: string;
  appealType: AppealType;
  urgency: Urgency;
}

/** No policy matches the query; the administrator must add one (a `'*'/'*'/'*'` row catches all). */
export class SlaPolicyNotFoundError extends Error {
  readonly code = 'SLA_POLICY_NOT_FOUND';
  constructor(readonly query: PolicyQuery) {
    super(`No SLA policy for region ${query.regionCode}, ${query.appealType}, ${query.urgency}`);
    this.name = 'SlaPolicyNotFoundError';
  }
}

/** Two policies match equally well (same region level, type and urgency): the table has a duplicate. */
export class SlaPolicyAmbiguousError extends Error {
  readonly code = 'SLA_POLICY_AMBIGUOUS';
  constructor(
    readonly query: PolicyQuery,
    readonly candidates: readonly SlaPolicy[],
  ) {
    super(`${candidates.length} SLA policies match region ${query.regionCode}, ${query.appealType}, ${query.urgency} equally`);
    this.name = 'SlaPolicyAmbiguousError';
  }
}

/**
 * The part of a division code a policy's region stands for: a 6-digit code loses its trailing
 * `00` pairs (`440000` province → `44`, `440100` city → `4401`); other codes (short prefixes,
 * 9/12-digit street and village codes) stand for themselves.
 */
export function regionPrefix(region: string): string {
  return /^\d{6}$/.test(region) ? region.replace(/(?:00)+$/, '') : region;
}

/** How specifically `policyRegion` covers `regionCode`: exact 100, parent prefix = its length (1–12), `'*'` 0, no match -1. */
export function regionSpecificity(policyRegion: string, regionCode: string): number {
  if (policyRegion === '*') return 0;
  if (policyRegion === regionCode) return 100;
  const prefix = regionPrefix(policyRegion);
  return prefix.length > 0 && prefix.length < regionCode.length && regionCode.startsWith(prefix) ? prefix.length : -1;
}

/**
 * The most specific policy for a ticket. Ranking, most important first:
 * 1. region: exact code > nearest parent (longer prefix: county > city > province) > `'*'`.
 *    A local rule set replaces a wider one as a whole, so a district's `'*'` urgency row covers
 *    its critical tickets too: a district that overrides must add its own urgent/critical rows.
 * 2. urgency: exact > `'*'`. Above appeal type because urgency changes the unit (hours vs working
 *    days): a `complaint/'*'` row must not give a critical complaint a 15-day limit when a
 *    `'*'/critical` row of the same region exists.
 * 3. appeal type: exact > `'*'`.
 * Throws {@link SlaPolicyNotFoundError} when nothing matches and {@link SlaPolicyAmbiguousError} on a tie.
 */
export function resolvePolicy(policies: readonly SlaPolicy[], query: PolicyQuery): SlaPolicy {
  let best: SlaPolicy[] = [];
  let bestScore = -1;
  for (const p of policies) {
    if (p.appealType !== '*' && p.appealType !== query.appealType) continue;
    if (p.urgency !== '*' && p.urgency !== query.urgency) continue;
    const region = regionSpecificity(p.region, query.regionCode);
    if (region < 0) continue;
    const score = region * 4 + (p.urgency === '*' ? 0 : 2) + (p.appealType === '*' ? 0 : 1);
    if (score > bestScore) {
      best = [p];
      bestScore = score;
    } else if (score === bestScore) best.push(p);
  }
  if (best.length === 0) throw new SlaPolicyNotFoundError(query);
  if (best.length > 1) throw new SlaPolicyAmbiguousError(query, best);
  return best[0];
}

/** Deadlines of one dispatch, stored on the dispatch row (the database is the source of truth). */
export interface DispatchDeadlines {
  /** Sign for (签收) by. */
  signDueAt: Date;
  /** Reply (答复) by; the overdue flag is raised at this instant. */
  replyDueAt: Date;
  /** Reminder (催办) at `reminderShare` of the reply time (working time for working-day limits). */
  remindAt: Date;
  /** Return (退单) allowed until. */
  returnWindowEndsAt: Date;
  /** First feedback due (a stage of its own), when the policy has a `firstResponseLimit`. */
  firstResponseDueAt: Date | null;
}

/** The calendar options a policy implies. */
export function deadlineOptions(policy: SlaPolicy): DeadlineOptions {
  return { endOfDay: policy.endOfDay, countReceiptDay: policy.countReceiptDay, afterHoursCutoff: policy.afterHoursCutoff };
}

/**
 * Deadlines for a dispatch made at `dispatchedAt` (the unit's clock starts at dispatch).
 * Throws `CalendarYearMissingError` if a deadline needs a year without holiday data.
 */
export function computeDispatchDeadlines(calendar: WorkCalendar, policy: SlaPolicy, dispatchedAt: Date, o: { reopened?: boolean } = {}): DispatchDeadlines {
  const opts = deadlineOptions(policy);
  const limit = roundReplyLimit(policy, o.reopened);
  const replyDueAt = calendar.computeDeadline(dispatchedAt, limit, opts);
  const mode = limit.unit === 'working_days' ? 'working' : 'wall';
  return {
    firstResponseDueAt: policy.firstResponseLimit ? calendar.computeDeadline(dispatchedAt, policy.firstResponseLimit, opts) : null,
    signDueAt: calendar.computeDeadline(dispatchedAt, policy.signLimit, opts),
    replyDueAt,
    remindAt: calendar.instantAtShare(dispatchedAt, replyDueAt, policy.reminderShare, mode),
    returnWindowEndsAt: calendar.computeDeadline(dispatchedAt, policy.returnWindow, opts),
  };
}

/** The reply limit of a round: a reopened round (重办) takes `reopenReplyLimit` when the policy has one. */
export function roundReplyLimit(policy: SlaPolicy, reopened = false): TimeLimit {
  return (reopened && policy.reopenReplyLimit) || policy.replyLimit;
}

/** When a ticket is due for dispatch after intake (wall-clock minutes). */
export function computeDispatchDueAt(policy: SlaPolicy, receivedAt: Date): Date {
  return new Date(receivedAt.getTime() + policy.dispatchLimitMinutes * 60_000);
}

/** When the callback (回访) is due after the ticket was closed. */
export function computeCallbackDueAt(calendar: WorkCalendar, policy: SlaPolicy, closedAt: Date): Date {
  return calendar.computeDeadline(closedAt, policy.callbackLimit, deadlineOptions(policy));
}

/**
 * When supervision (督办) starts for a reply overdue since `replyDueAt`: the end of the N-th
 * working day after the due day (N = `supervisionAfterWorkingDays`, counted like any limit:
 * the due day itself not counted, Civil Code art. 201). A due instant of 24:00 belongs to its day.
 * A deadline from an hour limit (`limit`, default the reply limit) is followed in wall-clock hours
 * (`supervisionAfterHours`): hour limits run through holidays (domain.md §3), so must their supervision.
 */
export function computeSupervisionAt(calendar: WorkCalendar, policy: SlaPolicy, replyDueAt: Date, limit: TimeLimit = policy.replyLimit): Date {
  if (limit.unit !== 'working_days') {
    const hours = policy.supervisionAfterHours ?? policy.supervisionAfterWorkingDays * 24;
    return new Date(replyDueAt.getTime() + hours * 3600_000);
  }
  const dueDay = new Date(replyDueAt.getTime() - 1);
  const day = calendar.addWorkingDays(dueDay, policy.supervisionAfterWorkingDays);
  return calendar.endOfDayAt(day, policy.endOfDay);
}

/** How long a unit has to answer a supervision (督办) or urge (催办) case raised at `raisedAt`. */
export function computeCaseResponseDueAt(calendar: WorkCalendar, policy: SlaPolicy, kind: 'urge' | 'supervision', raisedAt: Date): Date {
  const limit =
    kind === 'urge'
      ? (policy.urgeResponseLimit ?? { unit: 'working_days', value: 1 })
      : (policy.supervisionResponseLimit ?? { unit: 'working_days', value: 3 });
  return calendar.computeDeadline(raisedAt, limit, deadlineOptions(policy));
}

/**
 * The latest reply deadline extensions (延期) may reach, counted from dispatch: `extendedReplyLimit`,
 * or, when the policy has none, the round's reply limit twice over (an extension at most doubles
 * the time the unit had). A cap on the total, so two extensions cannot go further than one.
 */
export function maxExtendedDueAt(calendar: WorkCalendar, policy: SlaPolicy, dispatchedAt: Date, reopened = false): Date {
  const base = roundReplyLimit(policy, reopened);
  const limit = policy.extendedReplyLimit ?? { unit: base.unit, value: base.value * 2 };
  return calendar.computeDeadline(dispatchedAt, limit, deadlineOptions(policy));
}

/**
 * New reply deadline and reminder after an approved extension (延期). `requestedDueDate`
 * (`YYYY-MM-DD`, as the unit asked) ends at the policy's end of day, moved to the next working day
 * if it is a holiday (Civil Code art. 203); without it, `extendedReplyLimit` counts from dispatch.
 * Throws a `CalendarInputError` when neither is given or the new deadline is not later than the old.
 */
export function computeExtensionDeadlines(
  calendar: WorkCalendar,
  policy: SlaPolicy,
  dispatch: { dispatchedAt: Date; replyDueAt: Date; requestedDueDate?: string; remindFrom?: Date },
): { replyDueAt: Date; remindAt: Date } {
  let replyDueAt: Date;
  if (dispatch.requestedDueDate) replyDueAt = calendar.endOfDayAt(calendar.rollForward(dispatch.requestedDueDate), policy.endOfDay);
  else if (policy.extendedReplyLimit) replyDueAt = calendar.computeDeadline(dispatch.dispatchedAt, policy.extendedReplyLimit, deadlineOptions(policy));
  else throw new CalendarInputError('An extension needs a requested due date or a policy extendedReplyLimit');
  if (replyDueAt.getTime() <= dispatch.replyDueAt.getTime()) {
    throw new CalendarInputError(`An extension must move the deadline later than ${dispatch.replyDueAt.toISOString()}`);
  }
  // A requested date follows the reply limit's clock; otherwise the extended limit's.
  const unit = dispatch.requestedDueDate ? policy.replyLimit.unit : policy.extendedReplyLimit!.unit;
  const mode = unit === 'hours' || unit === 'minutes' ? 'wall' : 'working';
  // `remindFrom` (the approval): the reminder falls at the share of the time the extension gives,
  // so a late approval does not fire it at once.
  return { replyDueAt, remindAt: calendar.instantAtShare(dispatch.remindFrom ?? dispatch.dispatchedAt, replyDueAt, policy.reminderShare, mode) };
}

/** Why a policy row cannot be saved. */
export interface SlaPolicyIssue {
  code: 'SLA_POLICY_DUPLICATE' | 'SLA_POLICY_VALUE_INVALID';
  index: number;
  message: string;
}

const validLimit = (l: TimeLimit | undefined) =>
  !!l && (l.unit === 'working_days' ? Number.isInteger(l.value) : l.unit === 'hours' || l.unit === 'minutes') && l.value >= 0 && Number.isFinite(l.value);

/** Checks a policy table before saving: duplicate keys (they would make resolution ambiguous) and bad values. */
export function validatePolicies(policies: readonly SlaPolicy[]): SlaPolicyIssue[] {
  const issues: SlaPolicyIssue[] = [];
  const seen = new Map<string, number>();
  policies.forEach((p, index) => {
    const key = `${regionPrefix(p.region)}|${p.appealType}|${p.urgency}`;
    const first = seen.get(key);
    if (first !== undefined) issues.push({ code: 'SLA_POLICY_DUPLICATE', index, message: `same region, type and urgency as row ${first}` });
    else seen.set(key, index);
    const bad: string[] = [];
    if (!(p.region === '*' || /^\d{1,12}$/.test(p.region))) bad.push('region');
    for (const k of ['signLimit', 'returnWindow', 'replyLimit', 'callbackLimit'] as const) if (!validLimit(p[k])) bad.push(k);
    for (const k of [
      'extendedReplyLimit',
      'assistReplyLimit',
      'reopenReplyLimit',
      'firstResponseLimit',
      'supervisionResponseLimit',
      'urgeResponseLimit',
    ] as const) {
      if (p[k] !== undefined && !validLimit(p[k])) bad.push(k);
    }
    if (p.supervisionAfterHours !== undefined && !(Number.isFinite(p.supervisionAfterHours) && p.supervisionAfterHours >= 0)) bad.push('supervisionAfterHours');
    if (!(Number.isInteger(p.dispatchLimitMinutes) && p.dispatchLimitMinutes >= 0)) bad.push('dispatchLimitMinutes');
    if (!(Number.isInteger(p.maxExtensions) && p.maxExtensions >= 0)) bad.push('maxExtensions');
    if (!(Number.isInteger(p.supervisionAfterWorkingDays) && p.supervisionAfterWorkingDays >= 0)) bad.push('supervisionAfterWorkingDays');
    if (!(p.reminderShare > 0 && p.reminderShare < 1)) bad.push('reminderShare');
    if (parseClockMinutes(p.endOfDay, true) <= 0) bad.push('endOfDay');
    if (p.afterHoursCutoff !== undefined && parseClockMinutes(p.afterHoursCutoff, false) < 0) bad.push('afterHoursCutoff');
    if (bad.length) issues.push({ code: 'SLA_POLICY_VALUE_INVALID', index, message: `invalid ${bad.join(', ')}` });
  });
  return issues;
}

/** A policy table that is valid but probably not what the administrator meant. */
export interface SlaPolicyWarning {
  code: 'SLA_POLICY_URGENCY_SHADOWED';
  index: number;
  message: string;
}

/**
 * Warns where region-first precedence hides a wider urgency rule: a region's `'*'`-urgency row
 * beats a parent's (or `'*'`'s) urgent/critical row, so critical tickets there would get the
 * region's normal limit unless the region has its own row for that urgency. Show before saving.
 */
export function policyWarnings(policies: readonly SlaPolicy[]): SlaPolicyWarning[] {
  const warnings: SlaPolicyWarning[] = [];
  policies.forEach((p, index) => {
    if (p.urgency !== '*' || p.region === '*') return;
    const warned = new Set<string>();
    for (const wider of policies) {
      // Normal rows being replaced by a local catch-all is the point of an override; urgent and
      // critical rows are where the unit flips from hours to days.
      if (wider.urgency === '*' || wider.urgency === 'normal' || wider.region === p.region || warned.has(wider.urgency)) continue;
      const covers = regionSpecificity(wider.region, p.region);
      if (covers < 0 || covers === 100) continue;
      if (wider.appealType !== '*' && p.appealType !== '*' && wider.appealType !== p.appealType) continue;
      const own = policies.some((o) => o.region === p.region && o.urgency === wider.urgency);
      if (!own) {
        warned.add(wider.urgency);
        warnings.push({
          code: 'SLA_POLICY_URGENCY_SHADOWED',
          index,
          message: `${p.region}/${p.appealType}/* hides ${wider.region}/${wider.appealType}/${wider.urgency} for ${wider.urgency} tickets in ${p.region}; add a ${p.region} row for ${wider.urgency}`,
        });
      }
    }
  });
  return warnings;
}
