import { and, eq, ne } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
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
const ruleView = (r: typeof dispatchRules.$inferSelect) => ({ categoryVersion: r.categoryVersion, categoryCode: r.categoryCode, regionCode: r.regionCode,
  leadUnitId: r.leadUnitId, assistingUnitIds: r.assistingUnitIds, note: r.note, active: r.active });

export async function saveRule(ctx: Ctx, id: string | null, input: RuleFields) {
  return inTransaction(ctx, async (tx) => {
    const [clash] = await tx.select({ id: dispatchRules.id }).from(dispatchRules)
      .where(and(eq(dispatchRules.categoryCode, input.categoryCode), eq(dispatchRules.regionCode, input.regionCode ?? '*'), id ? ne(dispatchRules.id, id) : undefined));
    if (clash) throw problem('RULE_EXISTS', `${input.categoryCode} × ${input.regionCode ?? '*'}`, { ruleId: clash.id });
    let row;
    if (id) {
      const [before] = await tx.select().from(dispatchRules).where(eq(dispatchRules.id, id)).for('update');
      if (!before) throw problem('NOT_FOUND');
      [row] = await tx.update(dispatchRules).set(input).where(eq(dispatchRules.id, id)).returning();
      await recordAdminChange(tx, ctx, { entity: 'dispatch_rule', id, action: 'updated', before: ruleView(before), after: ruleView(row),
        audit: { before: { categoryCode: before.categoryCode, regionCode: before.regionCode, leadUnitId: before.leadUnitId, assistingUnitIds: before.assistingUnitIds, active: before.active }, after: input } });
    } else {
      [row] = await tx.insert(dispatchRules).values(input).returning();
      await recordAdminChange(tx, ctx, { entity: 'dispatch_rule', id: row.id, action: 'created', after: ruleView(row), audit: { ...input } });
    }
    return row;
  });
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
