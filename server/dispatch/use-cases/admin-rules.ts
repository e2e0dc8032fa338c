import { and, eq, ne, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Tx } from '../../platform/db/client';
import { CURRENT_CATEGORY_VERSION } from '../../catalog/current';
import type { Ctx } from '../../platform/context';
import { problem } from '../../platform/http/problems';
import { recordAdminChange } from '../../platform/events/admin-change';
import { inTransaction } from '../../platform/transaction';
import { dispatchRules } from '../tables';

/** `categoryVersion` may be the tree in force as SQL (catalog/current.ts), resolved in the statement. */
export type RuleFields = Omit<typeof dispatchRules.$inferInsert, 'id' | 'createdAt' | 'categoryVersion'> & { categoryVersion?: number | SQL | null };

/**
 * 派单目录 edits by the administrator, each with its audit row in the same transaction (who moved
 * which category to which unit is asked for when a ticket went astray). The references are checked
 * by the route (routes.ts checkRefs) before.
 */
const ruleView = (r: typeof dispatchRules.$inferSelect) => ({
  categoryVersion: r.categoryVersion,
  categoryCode: r.categoryCode,
  regionCode: r.regionCode,
  leadUnitId: r.leadUnitId,
  assistingUnitIds: r.assistingUnitIds,
  note: r.note,
  active: r.active,
});

export async function saveRule(ctx: Ctx, id: string | null, input: RuleFields) {
  return inTransaction(ctx, async (tx) => {
    const before = id ? (await tx.select().from(dispatchRules).where(eq(dispatchRules.id, id)).for('update'))[0] : undefined;
    if (id && !before) throw problem('NOT_FOUND');
    await assertNoOtherRule(
      tx,
      { categoryVersion: input.categoryVersion ?? before?.categoryVersion, categoryCode: input.categoryCode, regionCode: input.regionCode ?? '*' },
      id,
    );
    let row;
    if (id && before) {
      [row] = await tx.update(dispatchRules).set(input).where(eq(dispatchRules.id, id)).returning();
      await recordAdminChange(tx, ctx, {
        entity: 'dispatch_rule',
        id,
        action: 'updated',
        before: ruleView(before),
        after: ruleView(row),
        audit: {
          before: {
            categoryCode: before.categoryCode,
            regionCode: before.regionCode,
            leadUnitId: before.leadUnitId,
            assistingUnitIds: before.assistingUnitIds,
            active: before.active,
          },
          after: input,
        },
      });
    } else {
      [row] = await tx.insert(dispatchRules).values(input).returning();
      await recordAdminChange(tx, ctx, { entity: 'dispatch_rule', id: row.id, action: 'created', after: ruleView(row), audit: { ...input } });
    }
    return row;
  });
}

/**
 * One rule per (tree version, category, region), the key of the table's unique index, checked before
 * writing so the administrator gets RULE_EXISTS naming the rule to edit instead of a database error. The
 * version counts: a new tree version carries every rule forward, and the old version's copy is history,
 * not a clash (without it, no carried rule could be edited).
 */
async function assertNoOtherRule(
  tx: Tx,
  key: { categoryVersion: number | SQL | null | undefined; categoryCode: string; regionCode: string },
  exceptId: string | null,
) {
  const version = key.categoryVersion ?? CURRENT_CATEGORY_VERSION;
  const [clash] = await tx
    .select({ id: dispatchRules.id })
    .from(dispatchRules)
    .where(
      and(
        // A rule with no version predates versioned trees and routes the tree in force (propose-dispatch.ts):
        // it clashes there, though the unique index (NULLs distinct) would let a second one in.
        sql`coalesce(${dispatchRules.categoryVersion}, ${CURRENT_CATEGORY_VERSION}) = ${version}`,
        eq(dispatchRules.categoryCode, key.categoryCode),
        eq(dispatchRules.regionCode, key.regionCode),
        exceptId ? ne(dispatchRules.id, exceptId) : undefined,
      ),
    );
  if (clash) throw problem('RULE_EXISTS', `${key.categoryCode} × ${key.regionCode}`, { ruleId: clash.id });
}

/** Rules are deactivated, not deleted: dispatches name the rule they followed. */
export async function deactivateRule(ctx: Ctx, id: string) {
  return inTransaction(ctx, async (tx) => {
    const [before] = await tx.select().from(dispatchRules).where(eq(dispatchRules.id, id)).for('update');
    if (!before) throw problem('NOT_FOUND');
    const [row] = await tx.update(dispatchRules).set({ active: false }).where(eq(dispatchRules.id, id)).returning();
    await recordAdminChange(tx, ctx, { entity: 'dispatch_rule', id, action: 'deactivated', before: ruleView(before), after: ruleView(row), audit: {} });
    return row;
  });
}
