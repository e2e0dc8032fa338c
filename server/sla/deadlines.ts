import type { Tx } from '../platform/db/client';
import type { ReferenceCache } from '../platform/reference-cache';
import { problem } from '../platform/http/problems';
import { deadlinesFromRows, type DispatchKey, type StoredDispatchDeadlines } from './dispatch-deadlines';
import { CalendarYearMissingError } from './errors';
import { SlaPolicyAmbiguousError, SlaPolicyNotFoundError } from './policy';
import { activePolicyRows, holidayRows } from './reference-rows';

export type DispatchDeadlines = StoredDispatchDeadlines;

/**
 * Deadlines for a dispatch made at `at`: the policy in force for the ticket's region × type ×
 * urgency and the holiday calendar. With the node's reference cache (`refs`) they come from memory:
 * an admin edit counts on every node as soon as its change message arrives (milliseconds after the
 * commit; at most the cache's TTL if the message is lost); without it, from the dispatch's own
 * transaction. One committed after the dispatch never moves this clock (the dispatch stores its
 * deadlines). A missing calendar year or policy is a clear 422, never a guess.
 */
export async function deadlinesForDispatch(
  tx: Tx,
  key: DispatchKey,
  at: Date,
  o: { reopened?: boolean } = {},
  refs?: ReferenceCache,
): Promise<DispatchDeadlines> {
  const [holidays, policies] = await Promise.all([holidayRows(tx, refs), activePolicyRows(tx, refs)]);
  try {
    return deadlinesFromRows(holidays, policies, key, at, o);
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
