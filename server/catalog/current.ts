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
  const [cat] = await db.select({ version: categories.version, code: categories.code, name: categories.name }).from(categories)
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
