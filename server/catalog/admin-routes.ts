import { Router } from 'express';
import { z } from 'zod';
import { asc, eq, sql } from 'drizzle-orm';
import { validate } from '../platform/http/middleware';
import { problem } from '../platform/http/problems';
import { requireStaff } from '../identity/sessions';
import type { Queryable } from '../platform/db/client';
import { categories, categoryTreeVersions } from './tables';

/**
 * Read-only views of the versioned category tree for the administration screen: the versions,
 * one version's nodes (and as CSV), and what changed between two versions by code. Importing a
 * tree stays with the catalog's own import (use-cases/import-category-tree.ts).
 */
const VersionParams = z.strictObject({ version: z.coerce.number().int().min(1) });
const DiffQuery = z.strictObject({ from: z.coerce.number().int().min(1), to: z.coerce.number().int().min(1) });

type Node = { code: string; name: string; parentCode: string | null; level: number };
const nodesOf = async (db: Queryable, version: number): Promise<Node[]> => {
  const [v] = await db.select({ version: categoryTreeVersions.version }).from(categoryTreeVersions).where(eq(categoryTreeVersions.version, version));
  if (!v) throw problem('NOT_FOUND', `category tree version ${version}`);
  return db.select({ code: categories.code, name: categories.name, parentCode: categories.parentCode, level: categories.level })
    .from(categories).where(eq(categories.version, version)).orderBy(asc(categories.code));
};

/** Added, removed, renamed and moved nodes between two versions, keyed by code. */
export function diffTrees(from: Node[], to: Node[]) {
  const a = new Map(from.map((n) => [n.code, n]));
  const b = new Map(to.map((n) => [n.code, n]));
  return {
    added: to.filter((n) => !a.has(n.code)),
    removed: from.filter((n) => !b.has(n.code)),
    renamed: to.filter((n) => a.has(n.code) && a.get(n.code)!.name !== n.name).map((n) => ({ code: n.code, from: a.get(n.code)!.name, to: n.name })),
    moved: to.filter((n) => a.has(n.code) && a.get(n.code)!.parentCode !== n.parentCode)
      .map((n) => ({ code: n.code, name: n.name, fromParent: a.get(n.code)!.parentCode, toParent: n.parentCode })),
  };
}

/** RFC 4180 field: quoted when it holds a comma, quote or line break; a leading = + - @ is defused for spreadsheets. */
const csvField = (v: string | number | null) => {
  let s = v == null ? '' : String(v);
  if (/^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function catalogAdminRoutes() {
  const r = Router();
  const who = requireStaff('admin', 'supervisor');
  r.get('/admin/category-versions', who, async (req, res) => {
    const rows = await req.ctx.db.select({
      version: categoryTreeVersions.version, label: categoryTreeVersions.label, source: categoryTreeVersions.source, createdAt: categoryTreeVersions.createdAt,
      nodes: sql<number>`(select count(*)::int from categories c where c.version = category_tree_versions.version)`,
    }).from(categoryTreeVersions).orderBy(sql`${categoryTreeVersions.version} desc`);
    res.json({ data: rows.map((x) => ({ ...x, createdAt: x.createdAt.toISOString() })) });
  });
  r.get('/admin/category-versions/:version/categories', who, validate({ params: VersionParams }), async (req, res) => {
    res.json({ data: await nodesOf(req.ctx.db, Number(req.params.version)) });
  });
  r.get('/admin/category-versions/:version/export', who, validate({ params: VersionParams }), async (req, res) => {
    const version = Number(req.params.version);
    const rows = await nodesOf(req.ctx.db, version);
    const lines = ['code,name,parent_code,level', ...rows.map((n) => [n.code, n.name, n.parentCode, n.level].map(csvField).join(','))];
    res.set('Content-Type', 'text/csv; charset=utf-8').set('Content-Disposition', `attachment; filename="categories-v${version}.csv"`)
      // The BOM lets Excel (what a centre opens a CSV with) read the Chinese names as UTF-8.
      .send(`\uFEFF${lines.join('\r\n')}\r\n`);
  });
  r.get('/admin/category-diff', who, validate({ query: DiffQuery }), async (req, res) => {
    const q = req.query as unknown as z.infer<typeof DiffQuery>;
    res.json({ data: { from: q.from, to: q.to, ...diffTrees(await nodesOf(req.ctx.db, q.from), await nodesOf(req.ctx.db, q.to)) } });
  });
  return r;
}
