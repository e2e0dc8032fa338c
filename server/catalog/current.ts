import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../platform/db/client';
import { categories } from './tables';
import { referenceCacheOf } from '../platform/reference-cache';

/**
 * The one rule for which category tree is in force: the newest imported version (categories.md:
 * an import adds a version, old tickets keep the version they were filed under). Every lookup of
 * "the" category by code goes through here.
 */
export const CURRENT_CATEGORY_VERSION = sql`(select max(version) from category_tree_versions)`;

/**
 * A category of the tree in force, by code; undefined when the current tree has no such code.
 * Through the pool-backed database: from the node's reference cache (an import drops it on every
 * node); inside a transaction: read there.
 */
export async function currentCategory(db: Queryable, code: string) {
  const refs = referenceCacheOf(db);
  return refs ? refs.get('categories', code, () => readCurrentCategory(db, code)) : readCurrentCategory(db, code);
}

async function readCurrentCategory(db: Queryable, code: string) {
  const [cat] = await db
    .select({ version: categories.version, code: categories.code, name: categories.name })
    .from(categories)
    .where(and(eq(categories.code, code), eq(categories.version, CURRENT_CATEGORY_VERSION)));
  return cat as { version: number; code: string; name: string } | undefined;
}

/**
 * A code of any tree version carried into the tree in force through the code maps (the same code
 * when nothing changed; the first new code, lowest first, when a node was split). Null when the
 * node was retired without successor. Dispatch matches rules in the tree in force with it.
 */
export async function currentCodeFor(db: Queryable, version: number | null, code: string | null): Promise<string | null> {
  if (!code) return null;
  if (version === null) return code;
  const r = await db.execute<{ code: string }>(sql`with recursive chain(version, code) as (
      select ${version}::int, ${code}::text
      union
      select m.to_version, m.to_code from chain c join category_code_map m on m.from_version = c.version and m.from_code = c.code
    )
    select code from chain where version = ${CURRENT_CATEGORY_VERSION} order by code limit 1`);
  return r.rows[0]?.code ?? null;
}

/** Where a report files a category code of any version: the code and name in the tree in force. */
export interface CategoryInForce {
  code: string;
  name: string | null;
  /**
   * same: the code is in the tree in force; mapped: carried through the code maps (renamed, moved,
   * merged, split); ancestor: retired without successor, filed under its nearest ancestor that lives
   * on; retired: nothing of its branch lives on, kept under its last code, named "<last name>（已停用）";
   * unknown: no version ever had the code.
   */
  via: 'same' | 'mapped' | 'ancestor' | 'retired' | 'unknown';
}

/**
 * The one mapping every category-grouped report uses (categories.md §1: "reports over several years
 * still add up"): a category code as a ticket or a report rollup stored it → the code of the tree in
 * force. Rollups keep the bare code, so a code absent from the tree in force is read in the newest
 * version that had it (codes are stable: an import maps a surviving code to itself and never reuses a
 * retired code for another matter) and carried forward through the code maps; a split node goes to
 * its first new code (lowest), as currentCodeFor does, so no ticket counts twice. A node retired
 * without successor is filed under its nearest ancestor that lives on (in the version where its chain of
 * maps stopped); when none does, under its last code and name, marked 已停用.
 */
export async function categoriesInForce(db: Queryable, codes: Iterable<string>): Promise<Map<string, CategoryInForce>> {
  const wanted = [...new Set(codes)].filter((c) => c && c !== '-');
  const out = new Map<string, CategoryInForce>();
  if (!wanted.length) return out;
  const list = sql.join(
    wanted.map((c) => sql`${c}`),
    sql`, `,
  );
  const inForce = (
    await db.execute<{ code: string; name: string }>(sql`select code, name from categories
    where version = ${CURRENT_CATEGORY_VERSION} and code in (${list})`)
  ).rows;
  for (const r of inForce) out.set(r.code, { code: r.code, name: r.name, via: 'same' });
  const missing = wanted.filter((c) => !out.has(c));
  if (!missing.length) return out;
  const map = await categoryMapper(db);
  for (const code of missing) out.set(code, map.inForce(code));
  return out;
}

/**
 * The whole mapping loaded once (every version's nodes and code maps): `inForce(code, version?)` as
 * categoriesInForce describes (with a version, the chain starts there, as a ticket's stored version
 * says), and `ancestorAt(code, level)`, a code of the tree in force taken up to its ancestor at `level`.
 */
export async function categoryMapper(db: Queryable) {
  const [{ current }] = (await db.execute<{ current: number | null }>(sql`select ${CURRENT_CATEGORY_VERSION} as current`)).rows;
  type Node = { version: number; code: string; name: string; parentCode: string | null; level: number };
  const nodes = (await db.execute<Node>(sql`select version, code, name, parent_code as "parentCode", level from categories`)).rows;
  const maps = (
    await db.execute<{ fromVersion: number; fromCode: string; toVersion: number; toCode: string }>(sql`
    select from_version as "fromVersion", from_code as "fromCode", to_version as "toVersion", to_code as "toCode" from category_code_map`)
  ).rows;
  const node = new Map(nodes.map((n) => [`${n.version}|${n.code}`, n]));
  const newest = new Map<string, number>();
  for (const n of nodes) if (n.version !== current && n.version > (newest.get(n.code) ?? 0)) newest.set(n.code, n.version);
  const next = new Map<string, { version: number; code: string }[]>();
  for (const m of maps) {
    const k = `${m.fromVersion}|${m.fromCode}`;
    next.set(k, [...(next.get(k) ?? []), { version: m.toVersion, code: m.toCode }]);
  }
  /**
   * Every node reached from (version, code) through the code maps: the lowest code of the tree in
   * force reached, and the nodes of the newest version reached where the chain stopped.
   */
  const walk = (version: number, code: string) => {
    const seen = new Set<string>();
    const reached: string[] = [];
    let end: Node[] = [];
    const todo = [{ version, code }];
    while (todo.length) {
      const at = todo.pop()!;
      const k = `${at.version}|${at.code}`;
      if (seen.has(k)) continue;
      seen.add(k);
      const n = node.get(k);
      const after = next.get(k) ?? [];
      if (at.version === current) reached.push(at.code);
      else if (!after.length && n) {
        if (!end.length || n.version > end[0].version) end = [n];
        else if (n.version === end[0].version) end.push(n);
      }
      todo.push(...after);
    }
    return { landed: reached.sort()[0] ?? null, end: end.sort((a, b) => a.code.localeCompare(b.code)) };
  };
  const nameInForce = (code: string) => node.get(`${current}|${code}`)?.name ?? null;
  const inForce = (code: string, version?: number | null): CategoryInForce => {
    if (current !== null && (version == null || version === current) && node.has(`${current}|${code}`)) return { code, name: nameInForce(code), via: 'same' };
    const from = version != null && node.has(`${version}|${code}`) ? version : newest.get(code);
    if (!from || current === null) return { code, name: null, via: 'unknown' };
    const w = walk(from, code);
    if (w.landed) return { code: w.landed, name: nameInForce(w.landed), via: w.landed === code ? 'same' : 'mapped' };
    // Retired where its chain stopped: up that version's tree to the nearest ancestor that lives on.
    const last = w.end[0] ?? node.get(`${from}|${code}`)!;
    for (let p = last.parentCode; p; p = node.get(`${last.version}|${p}`)?.parentCode ?? null) {
      const up = walk(last.version, p).landed;
      if (up) return { code: up, name: nameInForce(up), via: 'ancestor' };
    }
    return { code: last.code, name: `${last.name}（已停用）`, via: 'retired' };
  };
  /** A code of the tree in force up to its ancestor at `level` (itself when not deeper); null when not in the tree in force. */
  const ancestorAt = (code: string, level: number): string | null => {
    let n = node.get(`${current}|${code}`);
    while (n && n.level > level && n.parentCode) n = node.get(`${current}|${n.parentCode}`);
    return n && n.level <= level ? n.code : null;
  };
  return { current, inForce, ancestorAt, nameInForce };
}
