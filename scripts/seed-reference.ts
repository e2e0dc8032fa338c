import type { Db } from '../server/platform/db/client';
import { dispatchRules } from '../server/dispatch/tables';

/** Dispatch catalogue rows for the demo: each first-level category to its owning unit, city-wide. */
export async function seedReferenceData(
  db: Db,
  o: {
    unitIds: Map<string, string>;
    categories: { code: string; name: string; level: number }[];
    owners: Record<string, string>;
  },
) {
  const rules = o.categories
    .filter((c) => c.level === 1 && o.owners[c.name])
    .map((c) => ({
      categoryCode: c.code,
      regionCode: '*',
      leadUnitId: o.unitIds.get(o.owners[c.name])!,
      note: `${c.name} → ${o.owners[c.name]}`,
    }));
  if (rules.length) await db.insert(dispatchRules).values(rules);
}
