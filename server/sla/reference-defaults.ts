import { sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client';
import { holidays, slaPolicies } from '../dispatch/tables';
import { SHIPPED_HOLIDAY_ROWS } from './holidays';
import { presetPolicies } from './presets';
import { policyToRow } from './policy-rows';

/**
 * Reference data every deployment starts with: the 2025 and 2026 holiday notices and, when a
 * centre has no time-limit policy yet, the Guangdong 2022 preset city-wide. Both are data the
 * administrator edits afterwards; re-running this never overwrites an edit.
 */
export async function ensureSlaDefaults(db: Db) {
  await db
    .insert(holidays)
    .values(SHIPPED_HOLIDAY_ROWS.map((r) => ({ date: r.date, kind: r.kind, name: r.name })))
    .onConflictDoNothing();
  const [{ n }] = (await db.execute<{ n: number }>(sql`select count(*)::int as n from sla_policies`)).rows;
  if (n === 0) {
    await db.insert(slaPolicies).values(
      presetPolicies('guangdong-2022').map((p) => {
        const row = policyToRow(p);
        return { name: `guangdong-2022 ${row.appealType}/${row.urgency}`, ...row };
      }),
    );
  }
}
