/**
 * Extensions (延期) against the policy a dispatch carries: the new deadline, its reminder and
 * supervision, checked against the policy's maximum, on the centre's holiday calendar. The unit
 * asks for a date (`request-extension`); the centre approves (`approve-extension`), which stores
 * these deadlines; the citizen is told the new date (template `extended`).
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../platform/db/client';
import { problem } from '../platform/http/problems';
import { dispatches, holidays } from '../dispatch/tables';
import { tickets } from '../tickets/tables';
import { centreCalendar } from './centre-calendar';
import type { HolidayRow } from './holiday-rows';
import { CalendarInputError, CalendarYearMissingError } from './errors';
import { computeCaseResponseDueAt, computeExtensionDeadlines, computeSupervisionAt, maxExtendedDueAt, roundReplyLimit, type SlaPolicy } from './policy';
import { anyProvisional } from './dispatch-deadlines';
import type { WorkCalendar } from './calendar';

type DispatchRow = typeof dispatches.$inferSelect;

export interface ExtensionDeadlines {
  replyDueAt: Date;
  remindAt: Date;
  supervisionDueAt: Date;
  supervisionResponseDueAt: Date;
  provisional: boolean;
}

/** The `YYYY-MM-DD` (China) a deadline instant belongs to: 24:00 ends the day before. */
export function chinaDayOf(at: Date): string {
  return new Date(at.getTime() - 1 + 8 * 3600_000).toISOString().slice(0, 10);
}

export async function calendarOf(db: Tx | Db): Promise<WorkCalendar> {
  const rows = await db.select({ date: holidays.date, kind: holidays.kind, name: holidays.name }).from(holidays);
  return centreCalendar(rows as HolidayRow[]);
}

/**
 * The deadlines an extension of dispatch `d` to `requestedDueDate` (or, without one, to the policy's
 * `extendedReplyLimit`) gives. `strict` (the unit's request): a requested day off is refused with
 * 422 `EXTENSION_DATE_NOT_WORKING_DAY` naming the next working day, so the date the unit asked is
 * the date the citizen is told. At approval the calendar may have changed since (a notice loaded):
 * then the date moves to the next working day (Civil Code art. 203). Beyond the policy's maximum:
 * 422 `EXTENSION_BEYOND_MAXIMUM` with the latest allowed date.
 */
export async function extensionDeadlines(
  tx: Tx,
  d: DispatchRow,
  requestedDueDate: string | undefined,
  at: Date,
  o: { strict: boolean },
): Promise<ExtensionDeadlines> {
  const calendar = await calendarOf(tx);
  const policy = d.policy as unknown as SlaPolicy;
  const reopened = d.round > 1;
  try {
    if (requestedDueDate && o.strict && !calendar.isWorkingDay(requestedDueDate)) {
      const next = calendar.rollForward(requestedDueDate);
      throw problem('EXTENSION_DATE_NOT_WORKING_DAY', `${requestedDueDate} is not a working day; the next is ${next}`, { nextWorkingDay: next });
    }
    if (!d.replyDueAt) throw problem('EXTENSION_DATE_INVALID', 'the dispatch has no reply deadline');
    let next: { replyDueAt: Date; remindAt: Date };
    try {
      next = computeExtensionDeadlines(calendar, policy, { dispatchedAt: d.dispatchedAt, replyDueAt: d.replyDueAt, requestedDueDate, remindFrom: at });
    } catch (err) {
      if (err instanceof CalendarInputError) throw problem('EXTENSION_DATE_INVALID', err.message);
      throw err;
    }
    const max = maxExtendedDueAt(calendar, policy, d.dispatchedAt, reopened);
    if (next.replyDueAt.getTime() > max.getTime()) {
      throw problem('EXTENSION_BEYOND_MAXIMUM', `the latest allowed due date is ${chinaDayOf(max)}`, { maxDueDate: chinaDayOf(max) });
    }
    // A requested date follows the round's clock (hours stay hours); the policy's extended limit its own.
    const limit = requestedDueDate ? roundReplyLimit(policy, reopened) : policy.extendedReplyLimit!;
    const supervisionDueAt = computeSupervisionAt(calendar, policy, next.replyDueAt, limit);
    const supervisionResponseDueAt = computeCaseResponseDueAt(calendar, policy, 'supervision', supervisionDueAt);
    const stored = { ...next, supervisionDueAt, supervisionResponseDueAt };
    return { ...stored, provisional: anyProvisional(calendar, stored) };
  } catch (err) {
    if (err instanceof CalendarYearMissingError) {
      throw problem('CALENDAR_YEAR_MISSING', err.message, { year: err.year, loadedYears: err.loadedYears });
    }
    throw err;
  }
}

/** The extension notice's variables (`extended`: ticketNo, dueDate), from the current lead dispatch's deadline. */
export async function extensionNoticeParams(db: Db, ticketId: string, ticketNo: string): Promise<{ ticketNo: string; dueDate: string }> {
  const [d] = await db
    .select({ replyDueAt: dispatches.replyDueAt })
    .from(dispatches)
    .innerJoin(tickets, eq(tickets.id, dispatches.ticketId))
    .where(and(eq(dispatches.ticketId, ticketId), eq(dispatches.role, 'lead'), sql`${dispatches.round} = ${tickets.currentRound}`))
    .orderBy(desc(dispatches.dispatchedAt))
    .limit(1);
  return { ticketNo, dueDate: d?.replyDueAt ? formatDueDate(d.replyDueAt) : '' };
}

/** `2026年12月31日`, with the time when the day does not end at 24:00 (close of business, hour limits). */
export function formatDueDate(at: Date): string {
  const day = chinaDayOf(at);
  const [y, m, dd] = day.split('-').map(Number);
  const local = new Date(at.getTime() + 8 * 3600_000);
  const endsAtMidnight = local.getUTCHours() === 0 && local.getUTCMinutes() === 0;
  const time = endsAtMidnight ? '' : ` ${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
  return `${y}年${m}月${dd}日${time}`;
}

/**
 * A date an extension of the ticket's current lead dispatch may ask: `n` working days after its
 * deadline, or the policy's maximum if that comes first (the demo data and tests ask this).
 */
export async function extensionDayFor(db: Db | Tx, ticketId: string, n = 5): Promise<string> {
  const [d] = await db
    .select()
    .from(dispatches)
    .innerJoin(tickets, eq(tickets.id, dispatches.ticketId))
    .where(and(eq(dispatches.ticketId, ticketId), eq(dispatches.role, 'lead'), sql`${dispatches.round} = ${tickets.currentRound}`))
    .orderBy(desc(dispatches.dispatchedAt))
    .limit(1);
  if (!d?.dispatches.replyDueAt) throw new Error(`ticket ${ticketId} has no lead dispatch with a deadline`);
  const calendar = await calendarOf(db);
  const wanted = calendar.addWorkingDays(chinaDayOf(d.dispatches.replyDueAt), n);
  const max = chinaDayOf(maxExtendedDueAt(calendar, d.dispatches.policy as unknown as SlaPolicy, d.dispatches.dispatchedAt, d.dispatches.round > 1));
  return wanted < max ? wanted : max;
}
