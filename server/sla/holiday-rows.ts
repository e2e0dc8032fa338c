/**
 * Holiday rows (the `holidays` table's shape) and the validator an administrator's edit passes
 * before the server stores it or builds a calendar from it.
 */
import { formatDayNumber, parseDayNumber, weekdayOfDayNumber } from './civil-date.js';

/** `holiday` = statutory day off (法定节假日); `workday` = weekend make-up working day (调休上班). */
export type HolidayKind = 'holiday' | 'workday';

/** One date of the State Council's yearly holiday notice, as stored in the `holidays` table. */
export interface HolidayRow {
  /** Civil date in Asia/Shanghai, `YYYY-MM-DD`. */
  date: string;
  kind: HolidayKind;
  /** Festival the date belongs to, e.g. `国庆节 National Day`. */
  name: string;
}

/** Why a set of holiday rows cannot be used. */
export type HolidayRowIssueCode =
  | 'HOLIDAY_DATE_INVALID'
  | 'HOLIDAY_KIND_INVALID'
  | 'HOLIDAY_NAME_MISSING'
  | 'HOLIDAY_DATE_DUPLICATE'
  | 'HOLIDAY_WORKDAY_ON_WEEKDAY'
  | 'HOLIDAY_WEEKEND_ISOLATED';

/** One problem found in a row set; `index` points into the input array. */
export interface HolidayRowIssue {
  code: HolidayRowIssueCode;
  index: number;
  date: string;
  message: string;
}

/** Result of {@link validateHolidayRows}. */
export type HolidayRowsValidation = { ok: true } | { ok: false; issues: HolidayRowIssue[] };

const isWeekend = (day: number) => {
  const w = weekdayOfDayNumber(day);
  return w === 0 || w === 6;
};

/**
 * Checks a full row set (all years the server will load). A set is invalid when:
 * - a date is not a real `YYYY-MM-DD` date, a kind is not `holiday`/`workday`, or a name is empty;
 * - a date appears twice (even with the same kind: two rows for one day means two edits raced,
 *   and `holiday` + `workday` on one date has no meaning);
 * - a `workday` (make-up day) falls on Monday–Friday: that day already works, so the row is
 *   almost surely a mistyped weekend date and the real make-up Saturday would be lost;
 * - a `holiday` on a Saturday/Sunday is not connected, through consecutive days off, to a
 *   weekday holiday. Notices list weekend days inside a holiday span (10/4–10/5 in 10/1–10/8);
 *   a lone weekend holiday changes nothing, so it is a typo that leaves the intended weekday working.
 */
export function validateHolidayRows(rows: readonly HolidayRow[]): HolidayRowsValidation {
  const issues: HolidayRowIssue[] = [];
  const byDay = new Map<number, { kind: HolidayKind; index: number }>();
  rows.forEach((row, index) => {
    const date = String(row?.date);
    const day = parseDayNumber(date);
    if (day === undefined) {
      issues.push({ code: 'HOLIDAY_DATE_INVALID', index, date, message: `${date} is not a real YYYY-MM-DD date` });
      return;
    }
    if (row.kind !== 'holiday' && row.kind !== 'workday') {
      issues.push({ code: 'HOLIDAY_KIND_INVALID', index, date, message: `kind must be holiday or workday, got ${String(row.kind)}` });
      return;
    }
    if (typeof row.name !== 'string' || row.name.trim() === '') {
      issues.push({ code: 'HOLIDAY_NAME_MISSING', index, date, message: `${date} has no festival name` });
    }
    const seen = byDay.get(day);
    if (seen) {
      issues.push({ code: 'HOLIDAY_DATE_DUPLICATE', index, date, message: `${date} is listed twice (rows ${seen.index} and ${index})` });
      return;
    }
    byDay.set(day, { kind: row.kind, index });
    if (row.kind === 'workday' && !isWeekend(day)) {
      issues.push({ code: 'HOLIDAY_WORKDAY_ON_WEEKDAY', index, date, message: `${date} is a weekday; a make-up workday must be a Saturday or Sunday` });
    }
  });

  // A day is off when it is a listed holiday, or a weekend day not listed as a make-up workday.
  const isOff = (day: number) => {
    const r = byDay.get(day);
    return r ? r.kind === 'holiday' : isWeekend(day);
  };
  const isWeekdayHoliday = (day: number) => byDay.get(day)?.kind === 'holiday' && !isWeekend(day);
  for (const [day, r] of byDay) {
    if (r.kind !== 'holiday' || !isWeekend(day)) continue;
    let connected = false;
    for (const step of [-1, 1]) {
      for (let d = day + step; isOff(d) && !connected; d += step) connected = isWeekdayHoliday(d);
    }
    if (!connected) {
      const date = formatDayNumber(day);
      issues.push({
        code: 'HOLIDAY_WEEKEND_ISOLATED',
        index: r.index,
        date,
        message: `${date} is a weekend holiday with no weekday holiday next to it; it changes nothing (mistyped date?)`,
      });
    }
  }
  issues.sort((a, b) => a.index - b.index);
  return issues.length === 0 ? { ok: true } : { ok: false, issues };
}
