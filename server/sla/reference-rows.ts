/**
 * The holiday calendar and the active SLA policies as the deadline computations read them: from
 * the node's reference cache when the caller has one (platform/reference-cache.ts: dropped on every
 * node when an admin change commits, 10 s TTL as backstop), else from the caller's own transaction.
 */
import { eq } from 'drizzle-orm';
import type { Queryable } from '../platform/db/client';
import type { ReferenceCache } from '../platform/reference-cache';
import { holidays, slaPolicies } from '../dispatch/tables';
import type { HolidayRow } from './holiday-rows';
import type { SlaPolicyRow } from './policy-rows';

const readHolidays = async (q: Queryable) => (await q.select({ date: holidays.date, kind: holidays.kind, name: holidays.name }).from(holidays)) as HolidayRow[];
const readActivePolicies = async (q: Queryable) =>
  (await q
    .select({ regionCode: slaPolicies.regionCode, appealType: slaPolicies.appealType, urgency: slaPolicies.urgency, rules: slaPolicies.rules })
    .from(slaPolicies)
    .where(eq(slaPolicies.active, true))) as SlaPolicyRow[];

export function holidayRows(q: Queryable, refs?: ReferenceCache): Promise<HolidayRow[]> {
  const db = refs?.db;
  return db ? refs.get('holidays', 'all', () => readHolidays(db)) : readHolidays(q);
}

export function activePolicyRows(q: Queryable, refs?: ReferenceCache): Promise<SlaPolicyRow[]> {
  const db = refs?.db;
  return db ? refs.get('sla_policies', 'active', () => readActivePolicies(db)) : readActivePolicies(q);
}
