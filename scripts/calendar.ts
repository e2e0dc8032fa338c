/**
 * Working-day calendar CLI over the shipped holiday rows (server/sla/holidays.ts).
 *
 *   npm run --silent calendar -- add-working-days YYYY-MM-DD N   → YYYY-MM-DD (start day not counted)
 *   npm run --silent calendar -- is-working-day YYYY-MM-DD       → true | false
 *
 * Prints only the answer on stdout; any bad input (date, year without data, N) goes to stderr
 * with exit code 2, so scripts can tell "false" from "could not answer".
 */
import { createCalendar } from '../server/sla/calendar.js';
import { SHIPPED_HOLIDAY_ROWS } from '../server/sla/holidays.js';

const USAGE = 'usage: calendar add-working-days YYYY-MM-DD N | calendar is-working-day YYYY-MM-DD';

function fail(message: string): never {
  process.stderr.write(`calendar: ${message}\n`);
  process.exit(2);
}

function main(args: string[]): string {
  const [command, date, n, ...extra] = args;
  const calendar = createCalendar(SHIPPED_HOLIDAY_ROWS);
  if (command === 'add-working-days' && date !== undefined && n !== undefined && extra.length === 0) {
    if (!/^\d+$/.test(n)) fail(`N must be a whole number of working days ≥ 0, got ${JSON.stringify(n)}`);
    return calendar.addWorkingDays(date, Number(n));
  }
  if (command === 'is-working-day' && date !== undefined && n === undefined) {
    return String(calendar.isWorkingDay(date));
  }
  fail(USAGE);
}

try {
  process.stdout.write(`${main(process.argv.slice(2))}\n`);
} catch (e) {
  fail(e instanceof Error ? e.message : String(e));
}
