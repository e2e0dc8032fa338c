/** Typed errors of the SLA module; `code` is stable and maps to a problem+json code at the edge. */
import type { HolidayRowIssue } from './holiday-rows.js';

/**
 * A date falls in a year the calendar has no holiday data for (and does not count provisionally,
 * see centre-calendar.ts). Thrown instead of guessing: a notice may move any weekday off or any
 * Saturday on.
 */
export class CalendarYearMissingError extends Error {
  readonly code = 'CALENDAR_YEAR_MISSING';
  constructor(
    readonly year: number,
    readonly loadedYears: readonly number[],
  ) {
    super(`No holiday calendar for ${year} (loaded: ${loadedYears.join(', ') || 'none'}); add that year's rows first`);
    this.name = 'CalendarYearMissingError';
  }
}

/** A malformed argument: not a `YYYY-MM-DD` date, not a `HH:MM` time, a negative or fractional count. */
export class CalendarInputError extends Error {
  readonly code = 'CALENDAR_INPUT_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'CalendarInputError';
  }
}

/** `createCalendar` was given rows that {@link validateHolidayRows} rejects. */
export class HolidayRowsInvalidError extends Error {
  readonly code = 'HOLIDAY_ROWS_INVALID';
  constructor(readonly issues: readonly HolidayRowIssue[]) {
    super(`Invalid holiday rows: ${issues.map((i) => `${i.code} ${i.date}`).join('; ')}`);
    this.name = 'HolidayRowsInvalidError';
  }
}
