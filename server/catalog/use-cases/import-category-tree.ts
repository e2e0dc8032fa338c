/**
 * Importing a category tree (诉求分类) as a new version, categories.md §1. Two rules keep
 * several years of tickets and reports adding up:
 * - codes are stable: a tree given as nested names (JSON) gets positional path codes only for
 *   its first version; later imports keep the code of every node whose path of names is unchanged,
 *   and a new node takes the next code never used under its parent (a retired code is never
 *   reused for another matter). A city's own codes (CSV) are kept as given.
 * - each import records old code → new code (category_code_map): the same code, plus what a CSV
 *   row `replaces` (a rename under a new code, a merge, a split); the dispatch rules of the
 *   previous version are carried into the new one through that map.
 * The whole version is one transaction: a half-imported tree would misroute tickets.
 */
import { sql } from 'drizzle-orm';
import { referenceCacheOf } from '../../platform/reference-cache';
import type { Db, Tx } from '../../platform/db/client';
import { categories, categoryCodeMap, categoryTreeVersions } from '../tables';

export interface TreeNode {
  name: string;
  children?: TreeNode[];
}

export interface CategoryRow {
  code: string;
  name: string;
  parentCode: string | null;
  level: number;
  aliases?: string[];
  defaultType?: string | null;
  defaultUrgency?: string | null;
  citizenSelectable?: boolean;
  validFrom?: string | null;
  validTo?: string | null;
  /** Codes of the previous version this node continues (renamed under a new code, merged, split). */
  replaces?: string[];
}

/**
 * Path codes, two digits per level in the order given (`05`, `0503`, `050312`), as
 * categories.md §1 describes; a city's own codes can be imported as they are instead.
 */
export function flattenTree(root: TreeNode): CategoryRow[] {
  const out: CategoryRow[] = [];
  const walk = (nodes: TreeNode[], parent: string | null, level: number) => {
    nodes.forEach((n, i) => {
      const code = `${parent ?? ''}${String(i + 1).padStart(2, '0')}`;
      out.push({ code, name: n.name, parentCode: parent, level });
      if (n.children?.length) walk(n.children, code, level + 1);
    });
  };
  walk(root.children ?? [], null, 1);
  return out;
}

type PrevRow = { version: number; code: string; name: string; parentCode: string | null };

/** Every code any version ever used, and the newest version's nodes keyed by their path of names. */
async function previousTree(db: Db | Tx) {
  const all = (await db.execute<PrevRow>(sql`select version, code, name, parent_code as "parentCode" from categories`)).rows;
  const latest = all.reduce((m, r) => Math.max(m, r.version), 0);
  const byCode = new Map(all.filter((r) => r.version === latest).map((r) => [r.code, r]));
  const pathOf = (r: PrevRow): string => (r.parentCode && byCode.get(r.parentCode) ? `${pathOf(byCode.get(r.parentCode)!)}/` : '') + r.name;
  return { latest, used: new Set(all.map((r) => r.code)), byPath: new Map([...byCode.values()].map((r) => [pathOf(r), r.code])) };
}

/**
 * Positional rows (flattenTree) made stable against the tree in force: same path of names → same
 * code; anything new → the next two-digit code under its (new) parent that no version has used.
 * Parents come before their children, as flattenTree lists them.
 */
export async function stabilizeCodes(db: Db | Tx, rows: CategoryRow[]): Promise<CategoryRow[]> {
  const prev = await previousTree(db);
  if (prev.latest === 0) return rows;
  const used = new Set(prev.used);
  const newCode = new Map<string, string>(); // positional code → stable code
  const pathOf = new Map<string, string>(); // positional code → path of names
  const out: CategoryRow[] = [];
  for (const r of rows) {
    const parent = r.parentCode ? (newCode.get(r.parentCode) ?? null) : null;
    const path = (r.parentCode ? `${pathOf.get(r.parentCode)}/` : '') + r.name;
    let code = prev.byPath.get(path);
    // The old code only if it still sits under the same parent code (a moved node is a new node).
    if (!code || (code.length === 2 ? parent !== null : code.slice(0, -2) !== parent)) {
      let n = 1;
      while (used.has(`${parent ?? ''}${String(n).padStart(2, '0')}`)) n++;
      code = `${parent ?? ''}${String(n).padStart(2, '0')}`;
    }
    used.add(code);
    newCode.set(r.code, code);
    pathOf.set(r.code, path);
    out.push({ ...r, code, parentCode: parent });
  }
  return out;
}

/**
 * The old → new code pairs an import records: each row's own code if the previous version had it,
 * plus the previous codes it says it `replaces`. The preview shows exactly these before anything is stored.
 */
export function codeMapPairs(rows: CategoryRow[], oldCodes: Set<string>): { fromCode: string; toCode: string }[] {
  const pairs = new Map<string, { fromCode: string; toCode: string }>();
  for (const r of rows) {
    for (const from of [r.code, ...(r.replaces ?? [])]) if (oldCodes.has(from)) pairs.set(`${from}>${r.code}`, { fromCode: from, toCode: r.code });
  }
  return [...pairs.values()];
}

/** A new tree version with its old → new code map; returns the version number. */
export async function importCategoryTree(db: Db | Tx, rows: CategoryRow[], label: string, source: string) {
  const version = await db.transaction(async (tx) => {
    const [{ next }] = (await tx.execute<{ next: number }>(sql`select coalesce(max(version), 0) + 1 as next from category_tree_versions`)).rows;
    await tx.insert(categoryTreeVersions).values({ version: next, label, source });
    for (let i = 0; i < rows.length; i += 500) {
      await tx.insert(categories).values(
        rows.slice(i, i + 500).map((r) => ({
          version: next,
          code: r.code,
          name: r.name,
          parentCode: r.parentCode,
          level: r.level,
          citizenSelectable: r.citizenSelectable ?? r.level <= 2,
          aliases: r.aliases ?? [],
          defaultType: r.defaultType ?? null,
          defaultUrgency: r.defaultUrgency ?? null,
          validFrom: r.validFrom ?? null,
          validTo: r.validTo ?? null,
        })),
      );
    }
    if (next > 1) {
      const prev = next - 1;
      const oldCodes = new Set((await tx.execute<{ code: string }>(sql`select code from categories where version = ${prev}`)).rows.map((r) => r.code));
      const list = codeMapPairs(rows, oldCodes);
      for (let i = 0; i < list.length; i += 500) {
        await tx.insert(categoryCodeMap).values(list.slice(i, i + 500).map((p) => ({ fromVersion: prev, toVersion: next, ...p })));
      }
      // Dispatch rules name their version: the previous version's rules carry forward through the map
      // (a merged node gets the rules of the first of its old codes; a retired one's rules stay behind).
      await tx.execute(sql`insert into dispatch_rules (category_version, category_code, region_code, lead_unit_id, assisting_unit_ids, note, active)
        select ${next}, m.to_code, r.region_code, r.lead_unit_id, r.assisting_unit_ids, r.note, r.active
        from dispatch_rules r join category_code_map m on m.from_version = r.category_version and m.from_code = r.category_code and m.to_version = ${next}
        where r.category_version = ${prev}
        order by m.to_code, r.region_code, r.category_code
        on conflict do nothing`);
    }
    return next;
  });
  // The tree in force changed: every node's cached categories go (inside a caller's transaction there is no cache to drop).
  await referenceCacheOf(db)?.changed('categories');
  return version;
}
