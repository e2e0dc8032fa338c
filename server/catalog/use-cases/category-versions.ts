/**
 * Category tree versions for the administrator (categories.md §1): the versions and their
 * sizes, a version as CSV, a new version from the city's CSV (codes as given) or from a tree of
 * names (codes kept stable), the old → new code map between two versions, and ticket counts over
 * several versions rolled up into the tree in force (reports that add up across re-imports).
 */
import { sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/context';
import type { Db, Tx } from '../../platform/db/client';
import { recordAdminChange } from '../../platform/events/admin-change';
import { problem } from '../../platform/http/problems';
import { inTransaction } from '../../platform/transaction';
import { CURRENT_CATEGORY_VERSION, categoryMapper } from '../current';
import { categoriesFromCsv, categoriesToCsv } from '../csv';
import { codeMapPairs, flattenTree, importCategoryTree, stabilizeCodes, type CategoryRow, type TreeNode } from './import-category-tree';

export async function listCategoryVersions(db: Db) {
  const r = await db.execute<{ version: number; label: string; source: string; createdAt: string; nodes: number; mapped: number }>(sql`
    select v.version, v.label, v.source, v.created_at as "createdAt",
      (select count(*)::int from categories c where c.version = v.version) as nodes,
      (select count(*)::int from category_code_map m where m.to_version = v.version) as mapped
    from category_tree_versions v order by v.version desc`);
  const [{ current }] = (await db.execute<{ current: number | null }>(sql`select ${CURRENT_CATEGORY_VERSION} as current`)).rows;
  return r.rows.map((v) => ({ ...v, createdAt: new Date(v.createdAt).toISOString(), current: v.version === current }));
}

async function assertVersion(db: Db | Tx, version: number) {
  const r = await db.execute(sql`select 1 from category_tree_versions where version = ${version}`);
  if (!r.rows.length) throw problem('NOT_FOUND', `category tree version ${version}`);
}

/** One version as the CSV the import reads: `replaces` lists the previous version's codes each node took over under a new code. */
export async function exportCategoryVersion(db: Db, version: number): Promise<string> {
  await assertVersion(db, version);
  type Row = Omit<CategoryRow, 'replaces'> & { citizenSelectable: boolean; replaces: string[] | null };
  const rows = (
    await db.execute<Row & Record<string, unknown>>(sql`
    select c.code, c.name, c.parent_code as "parentCode", c.level, c.aliases, c.default_type as "defaultType",
      c.default_urgency as "defaultUrgency", c.valid_from::text as "validFrom", c.valid_to::text as "validTo", c.citizen_selectable as "citizenSelectable",
      (select array_agg(m.from_code order by m.from_code) from category_code_map m
        where m.to_version = c.version and m.to_code = c.code and m.from_code <> c.code) as replaces
    from categories c where c.version = ${version} order by c.code`)
  ).rows;
  return categoriesToCsv(rows.map((r) => ({ ...r, replaces: r.replaces ?? [] })));
}

async function importAudited(ctx: Ctx, rows: CategoryRow[], label: string, source: string) {
  const done = await inTransaction(ctx, async (tx) => {
    const version = await importCategoryTree(tx, rows, label, source);
    const [{ mapped }] = (await tx.execute<{ mapped: number }>(sql`select count(*)::int as mapped from category_code_map where to_version = ${version}`)).rows;
    await recordAdminChange(tx, ctx, {
      entity: 'category_tree',
      id: String(version),
      action: 'imported',
      after: { label, source, nodes: rows.length, mapped },
      audit: { label, source, nodes: rows.length, mapped },
    });
    return { version, nodes: rows.length, mapped };
  });
  await ctx.svc.refs?.changed('categories'); // the tree in force changed on every node
  return done;
}

/** The city's table as CSV: its codes are kept as given; `replaces` says which old codes a node continues. */
export async function importCategoryCsv(ctx: Ctx, input: { csv: string; label: string }) {
  return importAudited(ctx, categoriesFromCsv(input.csv), input.label, 'csv');
}

/**
 * What importing this CSV would do, with nothing stored: the rows are checked exactly as the import
 * checks them (a broken table is refused naming its rows), then compared with the newest version —
 * codes added, renamed (same code or a `replaces` under a new code), moved to another parent, retired
 * (no successor), and the old → new map the import will record.
 */
export async function previewCategoryCsv(db: Db, input: { csv: string }) {
  const rows = categoriesFromCsv(input.csv);
  const [{ latest }] = (await db.execute<{ latest: number | null }>(sql`select max(version) as latest from category_tree_versions`)).rows;
  type Old = { code: string; name: string; parentCode: string | null };
  const old =
    latest === null
      ? []
      : (
          await db.execute<Old>(sql`select code, name, parent_code as "parentCode" from categories
    where version = ${latest} order by code`)
        ).rows;
  const byOld = new Map(old.map((o) => [o.code, o]));
  const byNew = new Map(rows.map((r) => [r.code, r]));
  const pairs = codeMapPairs(rows, new Set(byOld.keys())).sort((a, b) => a.fromCode.localeCompare(b.fromCode) || a.toCode.localeCompare(b.toCode));
  const mapping = pairs.map((p) => ({ fromCode: p.fromCode, fromName: byOld.get(p.fromCode)!.name, toCode: p.toCode, toName: byNew.get(p.toCode)!.name }));
  const continued = new Set(pairs.map((p) => p.toCode));
  const mappedFrom = new Set(pairs.map((p) => p.fromCode));
  return {
    baseVersion: latest,
    nodes: rows.length,
    added: rows.filter((r) => !continued.has(r.code)).map((r) => ({ code: r.code, name: r.name, parentCode: r.parentCode })),
    renamed: mapping.filter((m) => m.fromName !== m.toName || m.fromCode !== m.toCode),
    moved: pairs
      .filter((p) => p.fromCode === p.toCode && byOld.get(p.fromCode)!.parentCode !== byNew.get(p.toCode)!.parentCode)
      .map((p) => ({
        code: p.toCode,
        name: byNew.get(p.toCode)!.name,
        fromParent: byOld.get(p.fromCode)!.parentCode,
        toParent: byNew.get(p.toCode)!.parentCode,
      })),
    retired: old.filter((o) => !mappedFrom.has(o.code)).map((o) => ({ code: o.code, name: o.name })),
    mapping,
  };
}

/** A tree of names (the demo's taxonomy.json shape): positional codes, made stable against the tree in force. */
export async function importCategoryTreeJson(ctx: Ctx, input: { tree: TreeNode; label: string }) {
  const rows = await stabilizeCodes(ctx.db, flattenTree(input.tree));
  if (!rows.length) throw problem('CATEGORY_TABLE_INVALID', 'the tree has no nodes', { errors: [{ path: 'tree', message: 'no nodes' }] });
  return importAudited(ctx, rows, input.label, 'tree');
}

/** Old code → new code into `version` from the version before it, with both names. */
export async function categoryMapping(db: Db, version: number) {
  await assertVersion(db, version);
  const r = await db.execute<{ fromVersion: number; fromCode: string; fromName: string; toCode: string; toName: string }>(sql`
    select m.from_version as "fromVersion", m.from_code as "fromCode", o.name as "fromName", m.to_code as "toCode", n.name as "toName"
    from category_code_map m join categories o on o.version = m.from_version and o.code = m.from_code
    join categories n on n.version = m.to_version and n.code = m.to_code
    where m.to_version = ${version} order by m.from_code, m.to_code`);
  const retired = await db.execute<{ code: string; name: string }>(sql`select o.code, o.name from categories o
    where o.version = ${version} - 1 and not exists (select 1 from category_code_map m where m.from_version = o.version and m.from_code = o.code
      and m.to_version = ${version}) order by o.code`);
  return { version, pairs: r.rows, retired: retired.rows };
}

/**
 * Tickets classified in [from, to), counted under the tree in force at `level`: each ticket's
 * (version, code) is carried into the current version by the one mapping the reports use
 * (categoryMapper), then up to its ancestor at `level`. A node split in two counts under the first
 * new code (lowest code), so no ticket counts twice; a node retired without successor counts under
 * its nearest ancestor that lives on; only when its whole branch is gone is it listed under `unmapped`.
 */
export async function categoryRollup(db: Db, q: { from: Date; to: Date; level: number }) {
  const t = (
    await db.execute<{ version: number; code: string; n: number }>(sql`
    select category_version as version, category_code as code, count(*)::int as n from tickets
    where category_code is not null and category_version is not null and created_at >= ${q.from} and created_at < ${q.to} group by 1, 2`)
  ).rows;
  const map = await categoryMapper(db);
  const sums = new Map<string | null, number>();
  for (const r of t) {
    const to = map.inForce(r.code, r.version);
    const code = to.via === 'retired' || to.via === 'unknown' ? null : map.ancestorAt(to.code, q.level);
    sums.set(code, (sums.get(code) ?? 0) + r.n);
  }
  const rows = [...sums.entries()]
    .filter((e): e is [string, number] => e[0] !== null)
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([code, tickets]) => ({ code, name: map.nameInForce(code), tickets }));
  return { level: q.level, rows, unmapped: sums.get(null) ?? 0 };
}
