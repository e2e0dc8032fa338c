import { z } from 'zod';
import { and, asc, eq, ne, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import { problem } from '../../platform/http/problems';
import { recordAdminChange } from '../../platform/events/admin-change';
import { inTransaction } from '../../platform/transaction';
import { regions } from '../../catalog/tables';
import { handlingUnits, UNIT_KINDS } from '../tables';

/**
 * 承办单位 as the administrator keeps them: the tree (parent), the kind (市政府 / 区政府 / 街道 /
 * 职能部门 / 公共企事业), the region the unit answers for, and whether it still receives tickets.
 * A unit is deactivated, never deleted: past dispatches name it.
 */
const Fields = {
  name: z.string().trim().min(2).max(60),
  kind: z.enum(UNIT_KINDS),
  parentId: z.uuid().nullable().default(null),
  regionCode: z.string().regex(/^\d{6,12}$/),
  active: z.boolean().default(true),
};
export const CreateUnitInput = z.strictObject({
  code: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{2,32}$/),
  ...Fields,
});
export const UpdateUnitInput = z.strictObject(Fields);
export type CreateUnitInput = z.infer<typeof CreateUnitInput>;
export type UpdateUnitInput = z.infer<typeof UpdateUnitInput>;

export async function listUnitsForAdmin(ctx: Ctx) {
  return ctx.db
    .select({
      id: handlingUnits.id,
      code: handlingUnits.code,
      name: handlingUnits.name,
      kind: handlingUnits.kind,
      parentId: handlingUnits.parentId,
      regionCode: handlingUnits.regionCode,
      regionName: regions.name,
      active: handlingUnits.active,
      users: sql<number>`(select count(*)::int from users u where u.unit_id = ${handlingUnits.id} and u.active)`,
      leadRules: sql<number>`(select count(*)::int from dispatch_rules r where r.lead_unit_id = ${handlingUnits.id} and r.active)`,
    })
    .from(handlingUnits)
    .leftJoin(regions, eq(regions.code, handlingUnits.regionCode))
    .orderBy(asc(handlingUnits.code));
}

async function checkPlace(tx: Tx, id: string | null, input: UpdateUnitInput) {
  const [reg] = await tx.select({ code: regions.code }).from(regions).where(eq(regions.code, input.regionCode));
  if (!reg) throw problem('REGION_NOT_FOUND', input.regionCode);
  if (!input.parentId) return;
  if (input.parentId === id) throw problem('UNIT_PARENT_INVALID', 'a unit cannot be its own parent');
  // Walk up from the new parent: meeting this unit means the edit would close a loop.
  let at: string | null = input.parentId;
  for (let depth = 0; at; depth++) {
    const [p] = await tx
      .select({ id: handlingUnits.id, parentId: handlingUnits.parentId, active: handlingUnits.active })
      .from(handlingUnits)
      .where(eq(handlingUnits.id, at));
    if (!p || (depth === 0 && !p.active)) throw problem('UNIT_PARENT_INVALID', `parent ${input.parentId}`);
    if (p.id === id || depth > 20) throw problem('UNIT_PARENT_INVALID', 'the parent chain would loop');
    at = p.parentId;
  }
}

const unitView = (u: typeof handlingUnits.$inferSelect) => ({
  code: u.code,
  name: u.name,
  kind: u.kind,
  parentId: u.parentId,
  regionCode: u.regionCode,
  active: u.active,
});

export async function createUnit(ctx: Ctx, input: CreateUnitInput) {
  return inTransaction(ctx, async (tx) => {
    await checkPlace(tx, null, input);
    const [row] = await tx.insert(handlingUnits).values(input).onConflictDoNothing().returning();
    if (!row) throw problem('UNIT_CODE_TAKEN', input.code);
    await recordAdminChange(tx, ctx, { entity: 'unit', id: row.id, action: 'created', after: unitView(row), audit: { ...input } });
    return row;
  });
}

export async function updateUnit(ctx: Ctx, id: string, input: UpdateUnitInput) {
  return inTransaction(ctx, async (tx) => {
    const [before] = await tx.select().from(handlingUnits).where(eq(handlingUnits.id, id)).for('update');
    if (!before) throw problem('UNIT_NOT_FOUND');
    await checkPlace(tx, id, input);
    if (before.active && !input.active) {
      // A deactivated lead is skipped by routing (dispatch falls back to the district): say so now,
      // while the administrator can still move the rules, rather than let tickets drift.
      const [{ rules }] = (await tx.execute<{ rules: number }>(sql`select count(*)::int as rules from dispatch_rules where lead_unit_id = ${id} and active`))
        .rows;
      const children = await tx
        .select({ id: handlingUnits.id })
        .from(handlingUnits)
        .where(and(eq(handlingUnits.parentId, id), eq(handlingUnits.active, true), ne(handlingUnits.id, id)));
      if (rules > 0 || children.length > 0)
        throw problem('UNIT_IN_USE', `${rules} active rules, ${children.length} active child units`, { rules, children: children.length });
    }
    const [row] = await tx.update(handlingUnits).set(input).where(eq(handlingUnits.id, id)).returning();
    const changed = Object.fromEntries(Object.entries(input).filter(([k, v]) => before[k as keyof typeof before] !== v));
    await recordAdminChange(tx, ctx, {
      entity: 'unit',
      id,
      action: 'updated',
      before: unitView(before),
      after: unitView(row),
      audit: { changed, before: { name: before.name, kind: before.kind, parentId: before.parentId, regionCode: before.regionCode, active: before.active } },
    });
    return row;
  });
}
