/**
 * When a closed ticket's callback (回访) is due: the `callbackLimit` of the policy the ticket was
 * handled under (the current round's lead dispatch keeps it), on the holiday calendar, so a
 * critical ticket is called back within a working day and a complaint within the policy's days,
 * not one global number. A ticket never dispatched (a direct answer) takes the policy in force
 * for its region × type × urgency; only when no policy applies does the centre's flat
 * `callbackDueHours` (feedback settings) count.
 */
import { sql } from 'drizzle-orm';
import type { Tx } from '../platform/db/client';
import { slaPolicies } from '../dispatch/tables';
import { eq } from 'drizzle-orm';
import { calendarOf } from './extension';
import { computeCallbackDueAt, resolvePolicy, SlaPolicyAmbiguousError, SlaPolicyNotFoundError, type AppealType, type SlaPolicy, type Urgency } from './policy';
import { policyFromRow, type SlaPolicyRow } from './policy-rows';
import { CalendarYearMissingError } from './errors';

export async function callbackDueAt(tx: Tx, ticketId: string, closedAt: Date, fallbackHours: number): Promise<Date> {
  const r = await tx.execute<{ policy: SlaPolicy | null; regionCode: string | null; appealType: string | null; urgency: string }>(sql`
    select (select policy from dispatches d where d.ticket_id = t.id and d.round = t.current_round and d.role = 'lead'
        order by d.dispatched_at desc limit 1) as policy,
      t.region_code as "regionCode", t.appeal_type as "appealType", t.urgency
    from tickets t where t.id = ${ticketId}`);
  const row = r.rows[0];
  const fallback = new Date(closedAt.getTime() + fallbackHours * 3600_000);
  if (!row) return fallback;
  let policy = row.policy;
  try {
    if (!policy) {
      const rows = await tx
        .select({ regionCode: slaPolicies.regionCode, appealType: slaPolicies.appealType, urgency: slaPolicies.urgency, rules: slaPolicies.rules })
        .from(slaPolicies)
        .where(eq(slaPolicies.active, true));
      policy = resolvePolicy((rows as SlaPolicyRow[]).map(policyFromRow), {
        regionCode: row.regionCode ?? '',
        appealType: (row.appealType ?? 'other') as AppealType,
        urgency: row.urgency as Urgency,
      });
    }
    return computeCallbackDueAt(await calendarOf(tx), policy, closedAt);
  } catch (err) {
    // No policy applies, or the due day lies beyond the loaded calendar: the centre's flat limit, never no task.
    if (err instanceof SlaPolicyNotFoundError || err instanceof SlaPolicyAmbiguousError || err instanceof CalendarYearMissingError) return fallback;
    throw err;
  }
}
