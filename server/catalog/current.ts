import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../platform/db/client';
import { categories } from './tables';

/**
 * The one rule for which category tree is in force: the newest imported version (categories.md:
 * an import adds a version, old tickets keep the version they were filed under). Every lookup of
 * "the" category by code goes through here.
 */
export const CURRENT_CATEGORY_VERSION = sql`(select max(version) from category_tree_versions)`;

/** A category of the tree in force, by code; undefined when the current tree has no such code. */
export async function currentCategory(db: Queryable, code: string) {
  const [cat] = await db.select({ version: categories.version, code: categories.code, name: categories.name }).from(categories)
    .where(and(eq(categories.code, code), eq(categories.version, CURRENT_CATEGORY_VERSION)));
  return cat;
}
