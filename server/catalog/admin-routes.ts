import { Router } from 'express';
import { z } from 'zod';
import { asc, eq } from 'drizzle-orm';
import { validate } from '../platform/http/middleware';
import { problem } from '../platform/http/problems';
import { requireStaff } from '../identity/sessions';
import type { Queryable } from '../platform/db/client';
import { categories, categoryTreeVersions } from './tables';

/**
 * Read-only views of the versioned category tree for the administration screen: the versions,
 * one version's nodes, and what changed between two versions by code. Importing a
 * tree stays with the catalog's own import (use-cases/import-category-tree.ts).
 */
const VersionParams = z.strictObject({ version: z.coerce.number().int().min(1) });
const DiffQuery = z.strictObject({ from: z.coerce.number().int().min(1), to: z.coerce.number().int().min(1) });

type Node = { code: string; name: string; parentCode: string | null; level: number };
const nodesOf = async (db: Queryable, version: number): Promise<Node[]> => {
  const [v] = await db.select({ version: categoryTreeVersions.version }).from(categoryTreeVersions).where(eq(categoryTreeVersions.version, version));
  if (!v) throw problem('NOT_FOUND', `category tree version ${version}`);
  return db
    .select({ code: categories.code, name: categories.name, parentCode: categories.parentCode, level: categories.level })
    .from(categories)
    .where(eq(categories.version, version))
    .orderBy(asc(categories.code));
};

/** Added, removed, renamed and moved nodes between two versions, keyed by code. */
export function diffTrees(from: Node[], to: Node[]) {
  const a = new Map(from.map((n) => [n.code, n]));
  const b = new Map(to.map((n) => [n.code, n]));
  return {
    added: to.filter((n) => !a.has(n.code)),
    removed: from.filter((n) => !b.has(n.code)),
    renamed: to.filter((n) => a.has(n.code) && a.get(n.code)!.name !== n.name).map((n) => ({ code: n.code, from: a.get(n.code)!.name, to: n.name })),
    moved: to
      .filter((n) => a.has(n.code) && a.get(n.code)!.parentCode !== n.parentCode)
      .map((n) => ({ code: n.code, name: n.name, fromParent: a.get(n.code)!.parentCode, toParent: n.parentCode })),
  };
}

export function catalogAdminRoutes() {
  const r = Router();
  const who = requireStaff('admin', 'supervisor');
  // The version list and the CSV export are catalog/routes.ts's (the export imports back unchanged).
  r.get('/admin/category-versions/:version/categories', who, validate({ params: VersionParams }), async (req, res) => {
    res.json({ data: await nodesOf(req.ctx.db, Number(req.params.version)) });
  });
  r.get('/admin/category-diff', who, validate({ query: DiffQuery }), async (req, res) => {
    const q = res.locals.query;
    res.json({ data: { from: q.from, to: q.to, ...diffTrees(await nodesOf(req.ctx.db, q.from), await nodesOf(req.ctx.db, q.to)) } });
  });
  return r;
}
