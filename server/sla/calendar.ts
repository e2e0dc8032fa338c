/**
 * Working-day calendar (工作日历) and deadline arithmetic. Pure: built from holiday rows, no I/O.
 *
 * Working day (工作日) = Monday–Friday, minus statutory holidays, plus weekend make-up workdays
 * (调休上班). Time zone Asia/Shanghai (fixed UTC+8). Days are integers; per loaded span the
 * calendar precomputes a prefix count of working days and the list of working days, so
 * "n working days after d" is two array reads (no loop, no `Date` until the result).
 */
import {
  DAY_MS,
  SHANGHAI_OFFSET_MS,
  firstDayOfYear,
  formatDayNumber,
  parseClockMinutes,
  parseDayNumber,
  weekdayOfDayNumber,
  yearOfDayNumber,
} from './civil-date.js';
import { CalendarInputError, CalendarYearMissingError, HolidayRowsInvalidError } from './errors.js';
import { type HolidayRow, validateHolidayRows } from './holiday-rows.js';

/** Unit of a time limit: working days (工作日) follow the calendar; hours and minutes are wall-clock. */
export type LimitUnit = 'working_days' | 'hours' | 'minutes';

/** A time limit (时限), e.g. `{ unit: 'working_days', value: 15 }`. */
export interface TimeLimit {
  unit: LimitUnit;
  value: number;
}

/** How a working-day limit is counted; configurable per SLA policy (spec/domain.md §3). */
export interface DeadlineOptions {
  /**
   * Local time the due day ends, `HH:MM`. Default `24:00` (Civil Code art. 203: the last day ends
   * at 24:00); a policy may use close of business instead, e.g. `17:30`.
   */
  endOfDay?: string;
  /** Count the receipt day as day 1. Default false (Civil Code art. 201: the start day is not counted). */
  countReceiptDay?: boolean;
  /**
   * `HH:MM` after which (inclusive) a ticket counts as received on the next working day. When set,
   * a ticket received on a non-working day at any time also counts as received the next working day.
   */
  afterHoursCutoff?: string;
}

/** A date argument: `YYYY-MM-DD` (a Shanghai civil date) or an instant (its Shanghai date is used). */
export type DateInput = string | Date;

/** Working-day calendar over the loaded years. Create with {@link createCalendar}. */
export interface WorkCalendar {
  /** Years the calendar counts in, ascending (provisional ones included). Any other year throws {@link CalendarYearMissingError}. */
  readonly years: readonly number[];
  /**
   * Years counted Monday–Friday because their notice is not loaded yet (see `createCalendar`'s
   * `provisionalYears`); a result that falls in one of them is provisional.
   */
  readonly provisionalYears: readonly number[];
  /** Whether the Shanghai date of an instant (or a `YYYY-MM-DD`) lies in a provisional year. */
  isProvisional(date: DateInput): boolean;
  /** Whether the Shanghai date is a working day. */
  isWorkingDay(date: DateInput): boolean;
  /**
   * The n-th working day after `start` (`YYYY-MM-DD`), `n ≥ 0` integer. Civil Code art. 201: the
   * start day is not counted, so a start on a holiday counts from the next working day. The result is
   * always a working day (art. 203); `n = 0` gives `start` itself if it works, else the next working day.
   */
  addWorkingDays(start: DateInput, n: number): string;
  /** `date` if it is a working day, else the next working day (Civil Code art. 203). */
  rollForward(date: DateInput): string;
  /** Working days in the half-open range (from, to]; negative when `to` is before `from`. */
  countWorkingDays(from: DateInput, to: DateInput): number;
  /** Instant `endOfDay` (`HH:MM`, default `24:00`) of the Shanghai date. */
  endOfDayAt(date: DateInput, endOfDay?: string): Date;
  /**
   * Deadline of a limit started at `receivedAt`. Hour and minute limits add wall-clock time and
   * ignore the calendar and options (24-hour services such as 水电气热 utilities run through holidays).
   * Working-day limits count per {@link DeadlineOptions}; the result is the due day's `endOfDay`, and
   * never at or before `receivedAt` (a due day that already closed moves to the next working day).
   */
  computeDeadline(receivedAt: Date, limit: TimeLimit, opts?: DeadlineOptions): Date;
  /**
   * Working time (ms) in [a, b): every working day counts its full 24 hours, non-working days count 0.
   * Negative when b is before a.
   */
  workingTimeBetween(a: Date, b: Date): number;
  /**
   * Share of the time to `due` used at `now`: working time elapsed / working time available for
   * `mode: 'working'` (working-day limits), wall-clock for `'wall'` (hour limits). 0 before `start`,
   * above 1 once overdue. A reminder at 75% fires when this reaches 0.75.
   */
  shareElapsed(start: Date, due: Date, now: Date, mode?: 'working' | 'wall'): number;
  /** Earliest instant at which {@link shareElapsed} reaches `share` (the reminder time). */
  instantAtShare(start: Date, due: Date, share: number, mode?: 'working' | 'wall'): Date;
}

const MISSING = 0;
const OFF = 1;
const WORKING = 2;

/**
 * Builds a calendar from holiday rows (as stored in the `holidays` table).
 * Loaded years = `opts.years` if given (rows of other years are ignored), else the years that have rows.
 * `opts.provisionalYears`: years (not loaded) counted Monday–Friday with no holidays, for when the
 * State Council's notice for next year is not out yet; callers flag what they compute in them and
 * recompute once the notice is loaded. Without it, such years throw {@link CalendarYearMissingError}.
 * Throws {@link HolidayRowsInvalidError} if {@link validateHolidayRows} rejects the rows.
 */
export function createCalendar(rows: readonly HolidayRow[], opts: { years?: readonly number[]; provisionalYears?: readonly number[] } = {}): WorkCalendar {
  const check = validateHolidayRows(rows);
  if (!check.ok) throw new HolidayRowsInvalidError(check.issues);
  const loadedYears = [...new Set(opts.years ?? rows.map((r) => Number(r.date.slice(0, 4))))];
  const provisional = [...new Set(opts.provisionalYears ?? [])].filter((y) => !loadedYears.includes(y)).sort((a, b) => a - b);
  const years = [...loadedYears, ...provisional].sort((a, b) => a - b);
  if (years.length === 0) throw new CalendarInputError('A calendar needs at least one year of holiday rows');
  for (const y of years) if (!Number.isInteger(y) || y < 1900 || y > 9999) throw new CalendarInputError(`Bad year ${y}`);

  const base = firstDayOfYear(years[0]);
  const len = firstDayOfYear(years[years.length - 1] + 1) - base;
  const state = new Uint8Array(len); // MISSING for days of years between loaded ones
  for (const y of years) {
    for (let d = firstDayOfYear(y); d < firstDayOfYear(y + 1); d++) {
      const w = weekdayOfDayNumber(d);
      state[d - base] = w === 0 || w === 6 ? OFF : WORKING;
    }
  }
  const loaded = new Set(loadedYears);
  for (const r of rows) {
    if (!loaded.has(Number(r.date.slice(0, 4)))) continue;
    state[parseDayNumber(r.date)! - base] = r.kind === 'holiday' ? OFF : WORKING;
  }
  // cum[i] = working days in [0, i); missBefore[i] = missing days in [0, i); work[k] = k-th working day (1-based).
  const cum = new Int32Array(len + 1);
  const missBefore = new Int32Array(len + 1);
  for (let i = 0; i < len; i++) {
    cum[i + 1] = cum[i] + (state[i] === WORKING ? 1 : 0);
    missBefore[i + 1] = missBefore[i] + (state[i] === MISSING ? 1 : 0);
  }
  const total = cum[len];
  const work = new Int32Array(total + 1);
  work[0] = -1;
  for (let i = 0, k = 0; i < len; i++) if (state[i] === WORKING) work[++k] = i;

  const missingYear = (abs: number): never => {
    throw new CalendarYearMissingError(
      yearOfDayNumber(abs),
      [...loadedYears].sort((a, b) => a - b),
    );
  };
  /** Relative index of an absolute day, throwing if its year is not loaded. */
  const idx = (abs: number): number => {
    const i = abs - base;
    if (i < 0 || i >= len || state[i] === MISSING) missingYear(abs);
    return i;
  };
  /** Year of the first day at or after i that has no data (a gap year, or the year after the last). */
  const firstMissingAfter = (i: number): never => {
    let d = i;
    while (d < len && state[d] !== MISSING) d++;
    return missingYear(base + d);
  };
  /** Throws if (i, j] crosses a year without data. */
  const assertSpan = (i: number, j: number) => {
    if (missBefore[j] !== missBefore[i]) firstMissingAfter(i);
  };
  /** k-th working day counted from i's span; past the last loaded day it names the missing year. */
  const workAt = (k: number, from: number): number => (k <= total ? work[k] : firstMissingAfter(from));
  const toAbs = (date: DateInput): number => {
    if (date instanceof Date) {
      const t = date.getTime();
      if (!Number.isFinite(t)) throw new CalendarInputError('Invalid Date');
      return Math.floor((t + SHANGHAI_OFFSET_MS) / DAY_MS);
    }
    const d = parseDayNumber(date);
    if (d === undefined) throw new CalendarInputError(`Not a YYYY-MM-DD date: ${String(date)}`);
    return d;
  };
  const checkCount = (n: number) => {
    if (!Number.isInteger(n) || n < 0) throw new CalendarInputError(`Working-day count must be an integer ≥ 0, got ${n}`);
  };
  const clock = (text: string | undefined, fallback: number, allowEnd: boolean, what: string) => {
    if (text === undefined) return fallback;
    const m = parseClockMinutes(text, allowEnd);
    // An end of day at 00:00 would end the due day before it starts.
    if (m < 0 || (allowEnd && m === 0)) throw new CalendarInputError(`${what} must be HH:MM${allowEnd ? ' after 00:00' : ''}, got ${String(text)}`);
    return m;
  };
  /** n-th working day after i (start not counted, art. 201); n = 0 rolls forward (art. 203). */
  const addIdx = (i: number, n: number): number => {
    const j = n === 0 ? (state[i] === WORKING ? i : workAt(cum[i + 1] + 1, i)) : workAt(cum[i + 1] + n, i);
    assertSpan(i, j);
    return j;
  };
  /** Working time (ms) from the start of the loaded span to an instant. */
  const workingMsTo = (t: number): number => {
    const local = t + SHANGHAI_OFFSET_MS;
    const abs = Math.floor(local / DAY_MS);
    const i = idx(abs);
    return cum[i] * DAY_MS + (state[i] === WORKING ? local - abs * DAY_MS : 0);
  };
  const instantOfWorkingMs = (w: number): number => {
    const k = Math.floor(w / DAY_MS);
    const r = w - k * DAY_MS;
    // Earliest instant: a whole number of working days ends at 24:00 of the k-th working day.
    if (r === 0) return k === 0 ? base * DAY_MS - SHANGHAI_OFFSET_MS : (base + workAt(k, 0) + 1) * DAY_MS - SHANGHAI_OFFSET_MS;
    return (base + workAt(k + 1, 0)) * DAY_MS - SHANGHAI_OFFSET_MS + Math.ceil(r);
  };
  const spanCheck = (a: number, b: number) => {
    const ia = idx(Math.floor((a + SHANGHAI_OFFSET_MS) / DAY_MS));
    const ib = idx(Math.floor((b + SHANGHAI_OFFSET_MS) / DAY_MS));
    assertSpan(Math.min(ia, ib), Math.max(ia, ib));
  };
  const time = (d: Date, what: string) => {
    const t = d instanceof Date ? d.getTime() : NaN;
    if (!Number.isFinite(t)) throw new CalendarInputError(`${what} must be a valid Date`);
    return t;
  };

  const provisionalSet = new Set(provisional);
  return Object.freeze({
    years: Object.freeze(years),
    provisionalYears: Object.freeze(provisional),
    isProvisional: (date: DateInput) => provisionalSet.size > 0 && provisionalSet.has(yearOfDayNumber(toAbs(date))),
    isWorkingDay: (date: DateInput) => state[idx(toAbs(date))] === WORKING,
    addWorkingDays(start: DateInput, n: number) {
      checkCount(n);
      return formatDayNumber(base + addIdx(idx(toAbs(start)), n));
    },
    rollForward: (date: DateInput) => formatDayNumber(base + addIdx(idx(toAbs(date)), 0)),
    countWorkingDays(from: DateInput, to: DateInput) {
      const i = idx(toAbs(from));
      const j = idx(toAbs(to));
      assertSpan(Math.min(i, j), Math.max(i, j));
      return cum[j + 1] - cum[i + 1];
    },
    endOfDayAt(date: DateInput, endOfDay?: string) {
      const minutes = clock(endOfDay, 1440, true, 'endOfDay');
      return new Date(toAbs(date) * DAY_MS - SHANGHAI_OFFSET_MS + minutes * 60_000);
    },
    computeDeadline(receivedAt: Date, limit: TimeLimit, opts?: DeadlineOptions) {
      const t = time(receivedAt, 'receivedAt');
      const n = limit.value;
      if (limit.unit === 'hours' || limit.unit === 'minutes') {
        if (!(n >= 0) || !Number.isFinite(n)) throw new CalendarInputError(`Limit must be ≥ 0, got ${n}`);
        return new Date(t + n * (limit.unit === 'hours' ? 3_600_000 : 60_000));
      }
      if (limit.unit !== 'working_days') throw new CalendarInputError(`Unknown limit unit ${String(limit.unit)}`);
      checkCount(n);
      const eod = clock(opts?.endOfDay, 1440, true, 'endOfDay');
      const local = t + SHANGHAI_OFFSET_MS;
      const abs = Math.floor(local / DAY_MS);
      let i = idx(abs);
      if (opts?.afterHoursCutoff !== undefined) {
        const cutoff = clock(opts.afterHoursCutoff, 0, false, 'afterHoursCutoff');
        // After hours, or on a day off: treated as received on the next working day.
        if (state[i] !== WORKING || local - abs * DAY_MS >= cutoff * 60_000) i = addIdx(i, 1);
      }
      let due: number;
      if (n === 0) due = addIdx(i, 0);
      else if (opts?.countReceiptDay) {
        // The receipt day is day 1 when it works; otherwise day 1 is the next working day.
        due = workAt(cum[i] + n, i);
        assertSpan(i, due);
      } else due = addIdx(i, n);
      let at = (base + due) * DAY_MS - SHANGHAI_OFFSET_MS + eod * 60_000;
      if (at <= t) {
        // Close of business already passed on the due day: art. 203 moves it to the next working day.
        due = addIdx(due, 1);
        at = (base + due) * DAY_MS - SHANGHAI_OFFSET_MS + eod * 60_000;
      }
      return new Date(at);
    },
    workingTimeBetween(a: Date, b: Date) {
      const ta = time(a, 'a');
      const tb = time(b, 'b');
      spanCheck(ta, tb);
      return workingMsTo(tb) - workingMsTo(ta);
    },
    shareElapsed(start: Date, due: Date, now: Date, mode: 'working' | 'wall' = 'working') {
      const ts = time(start, 'start');
      const td = time(due, 'due');
      const tn = time(now, 'now');
      if (tn <= ts) return 0;
      if (mode === 'wall') return td > ts ? (tn - ts) / (td - ts) : 1;
      spanCheck(ts, Math.max(td, tn));
      const total = workingMsTo(td) - workingMsTo(ts);
      if (total <= 0) return tn >= td ? 1 : 0;
      return (workingMsTo(tn) - workingMsTo(ts)) / total;
    },
    instantAtShare(start: Date, due: Date, share: number, mode: 'working' | 'wall' = 'working') {
      const ts = time(start, 'start');
      const td = time(due, 'due');
      if (!(share >= 0) || !Number.isFinite(share)) throw new CalendarInputError(`share must be ≥ 0, got ${share}`);
      if (mode === 'wall') return new Date(ts + Math.ceil(share * (td - ts)));
      spanCheck(ts, td);
      const ws = workingMsTo(ts);
      const target = ws + share * (workingMsTo(td) - ws);
      // Working time does not advance on a day off: the reminder lands on a working day, never before start.
      return new Date(Math.max(ts, instantOfWorkingMs(target)));
    },
  });
}
