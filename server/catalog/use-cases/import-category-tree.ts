import { sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/client';
import { categories, categoryTreeVersions } from '../tables';

export interface TreeNode {
  name: string;
  children?: TreeNode[];
}

export interface CategoryRow {
  code: string;
  name: string;
  parentCode: string | null;
  level: number;
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

/** A new tree version, all nodes in one transaction (a half-imported tree would misroute tickets). */
export async function importCategoryTree(db: Db, rows: CategoryRow[], label: string, source: string) {
  return db.transaction(async (tx) => {
    const [{ next }] = (await tx.execute<{ next: number }>(sql`select coalesce(max(version), 0) + 1 as next from category_tree_versions`)).rows;
    await tx.insert(categoryTreeVersions).values({ version: next, label, source });
    for (let i = 0; i < rows.length; i += 500) {
      await tx.insert(categories).values(rows.slice(i, i + 500).map((r) => ({
        version: next, code: r.code, name: r.name, parentCode: r.parentCode, level: r.level, citizenSelectable: r.level <= 2,
      })));
    }
    return next;
  });
}
