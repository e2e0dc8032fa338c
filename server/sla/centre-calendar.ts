/**
 * The centre's working calendar: the loaded notices plus the next year, counted provisionally.
 *
 * The State Council publishes next year's holidays in October–December (domain.md §3). A 15
 * working-day limit started in mid-December already ends in January, so refusing to count until
 * the notice is typed in would stop dispatch for weeks every winter. The year after the last
 * loaded one is therefore counted Monday–Friday; what lands in it is flagged provisional and
 * recomputed when an administrator loads that year (`recomputeProvisionalDeadlines`). Two years
 * ahead is still refused (`CALENDAR_YEAR_MISSING`): a centre that far behind must load notices.
 */
import { type WorkCalendar, createCalendar } from './calendar.js';
import type { HolidayRow } from './holiday-rows.js';

// Building a calendar (validate rows, fill the arrays) costs ~0.1–0.3 ms; dispatch reads the
// same rows every time until an administrator edits them, so the last one is kept, keyed by the
// rows' content (an edit changes the key, so it is never stale).
let last: { key: string; calendar: WorkCalendar } | undefined;

export function centreCalendar(rows: readonly HolidayRow[]): WorkCalendar {
  let key = '';
  let lastYear = 0;
  for (const r of rows) {
    key += `${r.date}${r.kind === 'holiday' ? 'h' : 'w'}${r.name}|`;
    const y = Number(r.date.slice(0, 4));
    if (y > lastYear) lastYear = y;
  }
  if (last?.key !== key) last = { key, calendar: createCalendar(rows, { provisionalYears: lastYear ? [lastYear + 1] : [] }) };
  return last.calendar;
}
