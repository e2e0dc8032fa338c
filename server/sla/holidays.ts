/**
 * The shipped holiday calendar: 2025 and 2026 exactly as the State Council notices list them
 * (spec/domain.md §3). The server seeds the `holidays` table from these rows; the administrator
 * edits the table, and each year's notice (usually published Oct–Dec) is added as new rows.
 */
import { formatDayNumber, parseDayNumber } from './civil-date.js';
import type { HolidayKind, HolidayRow } from './holiday-rows.js';

// [first, last, kind, name]: one line per span of the notice, expanded to one row per date below.
const SPANS: ReadonlyArray<readonly [string, string, HolidayKind, string]> = [
  // 2025
  ['2025-01-01', '2025-01-01', 'holiday', '元旦 New Year'],
  ['2025-01-26', '2025-01-26', 'workday', '春节 Spring Festival'],
  ['2025-01-28', '2025-02-04', 'holiday', '春节 Spring Festival'],
  ['2025-02-08', '2025-02-08', 'workday', '春节 Spring Festival'],
  ['2025-04-04', '2025-04-06', 'holiday', '清明节 Qingming'],
  ['2025-04-27', '2025-04-27', 'workday', '劳动节 Labour Day'],
  ['2025-05-01', '2025-05-05', 'holiday', '劳动节 Labour Day'],
  ['2025-05-31', '2025-06-02', 'holiday', '端午节 Dragon Boat Festival'],
  ['2025-09-28', '2025-09-28', 'workday', '国庆节、中秋节 National Day and Mid-Autumn'],
  ['2025-10-01', '2025-10-08', 'holiday', '国庆节、中秋节 National Day and Mid-Autumn'],
  ['2025-10-11', '2025-10-11', 'workday', '国庆节、中秋节 National Day and Mid-Autumn'],
  // 2026
  ['2026-01-01', '2026-01-03', 'holiday', '元旦 New Year'],
  ['2026-01-04', '2026-01-04', 'workday', '元旦 New Year'],
  ['2026-02-14', '2026-02-14', 'workday', '春节 Spring Festival'],
  ['2026-02-15', '2026-02-23', 'holiday', '春节 Spring Festival'],
  ['2026-02-28', '2026-02-28', 'workday', '春节 Spring Festival'],
  ['2026-04-04', '2026-04-06', 'holiday', '清明节 Qingming'],
  ['2026-05-01', '2026-05-05', 'holiday', '劳动节 Labour Day'],
  ['2026-05-09', '2026-05-09', 'workday', '劳动节 Labour Day'],
  ['2026-06-19', '2026-06-21', 'holiday', '端午节 Dragon Boat Festival'],
  ['2026-09-20', '2026-09-20', 'workday', '中秋节 Mid-Autumn Festival'],
  ['2026-09-25', '2026-09-27', 'holiday', '中秋节 Mid-Autumn Festival'],
  ['2026-10-01', '2026-10-07', 'holiday', '国庆节 National Day'],
  ['2026-10-10', '2026-10-10', 'workday', '国庆节 National Day'],
];

function expand(): HolidayRow[] {
  const rows: HolidayRow[] = [];
  for (const [first, last, kind, name] of SPANS) {
    const from = parseDayNumber(first)!;
    const to = parseDayNumber(last)!;
    for (let day = from; day <= to; day++) rows.push(Object.freeze({ date: formatDayNumber(day), kind, name }));
  }
  return rows;
}

/** One row per date for 2025 and 2026, in date order (off days and make-up workdays). */
export const SHIPPED_HOLIDAY_ROWS: readonly HolidayRow[] = Object.freeze(expand());

/** Years the shipped rows cover. */
export const SHIPPED_HOLIDAY_YEARS: readonly number[] = Object.freeze([2025, 2026]);
