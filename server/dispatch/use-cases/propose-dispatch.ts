import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { regionLineage } from '../../catalog/region-lineage';
import type { Ctx } from '../../platform/context';
import type { Queryable } from '../../platform/db/client';
import { problem } from '../../platform/http/problems';
import { dispatchRules, handlingUnits, type UnitKind } from '../tables';
import { tickets } from '../../tickets/tables';
import { CURRENT_CATEGORY_VERSION, currentCodeFor } from '../../catalog/current';

type Unit = { id: string; name: string; kind: UnitKind; parentId: string | null; regionCode: string };
export type ProposalReason = 'rule' | 'ancestor_rule' | 'district_fallback' | 'city_fallback';

export interface DispatchProposal {
  ruleId: string | null;
  reason: ProposalReason;
  leadUnit: Unit;
  assistingUnits: Unit[];
  /** 抄送: told, not dispatched (a street office's ticket to its district government). */
  copyUnits: Unit[];
  /** Why each unit is there, for the dispatcher who confirms or changes it. */
  notes: string[];
}

const FUNCTIONAL: UnitKind[] = ['functional', 'utility'];

/**
 * 归口 (categories.md §3, domain.md §2): the most specific catalogue rule wins — deeper category
 * first, then narrower region (ancestor-or-self in the region tree, catalog/region-lineage.ts); a category with no rule falls back to its parent's (path codes
 * make ancestors prefixes), then to the district government of the appeal's place, then the
 * city — never to nobody. Level rules: a functional department's matter is never pushed down to a
 * street office by a narrower regional rule, and a street office's ticket is copied (抄送, a
 * notice, not a dispatch) to its district government.
 */
export async function proposeDispatch(ctx: Ctx, ticketId: string): Promise<DispatchProposal> {
  const [t] = await ctx.db
    .select({ categoryCode: tickets.categoryCode, categoryVersion: tickets.categoryVersion, regionCode: tickets.regionCode })
    .from(tickets)
    .where(eq(tickets.id, ticketId));
  if (!t) throw problem('TICKET_NOT_FOUND');
  // Rules are matched in the tree in force: a ticket classified under an older version is carried forward (categories.md §1).
  return proposeFor(ctx.db, await currentCodeFor(ctx.db, t.categoryVersion, t.categoryCode), t.regionCode);
}

export async function proposeFor(db: Queryable, categoryCode: string | null, regionCode: string | null): Promise<DispatchProposal> {
  const units = new Map((await db.select().from(handlingUnits).where(eq(handlingUnits.active, true))).map((u) => [u.id, u as Unit]));
  const notes: string[] = [];
  // Ancestor-or-self by the region tree, nearest first; '*' ranks after every named region.
  const lineage = regionCode ? await regionLineage(db, regionCode) : [];
  const regionRank = (r: string) => (r === '*' ? Number.MAX_SAFE_INTEGER : lineage.indexOf(r));
  const candidates = categoryCode
    ? (
        await db
          .select()
          .from(dispatchRules)
          .where(
            and(
              eq(dispatchRules.active, true),
              sql`${categoryCode} like ${dispatchRules.categoryCode} || '%'`,
              sql`(${dispatchRules.categoryVersion} is null or ${dispatchRules.categoryVersion} = ${CURRENT_CATEGORY_VERSION})`,
              lineage.length ? or(eq(dispatchRules.regionCode, '*'), inArray(dispatchRules.regionCode, lineage)) : eq(dispatchRules.regionCode, '*'),
            ),
          )
      )
        .filter((r) => units.has(r.leadUnitId))
        .sort((a, b) => b.categoryCode.length - a.categoryCode.length || regionRank(a.regionCode) - regionRank(b.regionCode))
    : [];
  let rule = candidates[0];
  if (rule) {
    const sameDepth = candidates.filter((r) => r.categoryCode.length === rule!.categoryCode.length);
    const functional = sameDepth.find((r) => FUNCTIONAL.includes(units.get(r.leadUnitId)!.kind));
    if (units.get(rule.leadUnitId)!.kind === 'street' && functional) {
      notes.push('functional_department_not_pushed_down');
      rule = functional;
    }
  }
  let lead: Unit;
  let reason: ProposalReason;
  let assisting: Unit[] = [];
  if (rule) {
    lead = units.get(rule.leadUnitId)!;
    reason = rule.categoryCode === categoryCode ? 'rule' : 'ancestor_rule';
    assisting = rule.assistingUnitIds.map((id) => units.get(id)).filter((u): u is Unit => !!u);
  } else {
    const district = lineage.map((code) => [...units.values()].find((u) => u.kind === 'district_gov' && u.regionCode === code)).find(Boolean);
    const city = [...units.values()].find((u) => u.kind === 'city_gov');
    if (!district && !city) throw problem('UNIT_NOT_FOUND', 'no district or city government to fall back to');
    lead = (district ?? city)!;
    reason = district ? 'district_fallback' : 'city_fallback';
  }
  // A copy, not an assisting dispatch: the district is told and reads it, it owes no reply and has no clock.
  const copyUnits: Unit[] = [];
  if (lead.kind === 'street' && lead.parentId && units.has(lead.parentId) && !assisting.some((u) => u.id === lead.parentId)) {
    copyUnits.push(units.get(lead.parentId)!);
    notes.push('street_ticket_copied_to_district');
  }
  return { ruleId: rule?.id ?? null, reason, leadUnit: lead, assistingUnits: assisting.filter((u) => u.id !== lead.id), copyUnits, notes };
}
