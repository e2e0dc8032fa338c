import { eq } from 'drizzle-orm';
import type { Tx } from '../platform/db/client';
import { problem } from '../platform/http/problems';
import { holidays, slaPolicies } from '../dispatch/tables';
import { deadlinesFromRows, type DispatchKey, type StoredDispatchDeadlines } from './dispatch-deadlines';
import { CalendarYearMissingError } from './errors';
import { SlaPolicyAmbiguousError, SlaPolicyNotFoundError } from './policy';
import type { HolidayRow } from './holiday-rows';
import type { SlaPolicyRow } from './policy-rows';

export type DispatchDeadlines = StoredDispatchDeadlines;

/**
 * Deadlines for a dispatch made at `at`: the policy in force for the ticket's region × type ×
 * urgency and the holiday calendar, both read from the database in the dispatch's own
 * transaction (so an admin edit committed before it counts, one committed after it never moves
 * this clock). A missing calendar year or policy is a clear 422, never a guess.
 */
export async function deadlinesForDispatch(tx: Tx, key: DispatchKey, at: Date, o: { reopened?: boolean } = {}): Promise<DispatchDeadlines> {
  const [holidayRows, policyRows] = await Promise.all([
    tx.select({ date: holidays.date, kind: holidays.kind, name: holidays.name }).from(holidays),
    tx.select({ regionCode: slaPolicies.regionCode, appealType: slaPolicies.appealType, urgency: slaPolicies.urgency, rules: slaPolicies.rules })
      .from(slaPolicies).where(eq(slaPolicies.active, true)),
  ]);
  try {
    return deadlinesFromRows(holidayRows as HolidayRow[], policyRows as SlaPolicyRow[], key, at, o);
  } catch (err) {
    if (err instanceof CalendarYearMissingError) {
      throw problem('CALENDAR_YEAR_MISSING', err.message, { year: err.year, loadedYears: err.loadedYears });
    }
    if (err instanceof SlaPolicyNotFoundError || err instanceof SlaPolicyAmbiguousError) {
      throw problem('SLA_POLICY_MISSING', err.message);
    }
    throw err;
  }
}
