import { Router } from 'express';
import { writeAudit } from '../platform/events/audit';
import { z } from 'zod';
import { and, asc, eq, isNull } from 'drizzle-orm';
import { validate } from '../platform/http/middleware';
import { requireStaff } from '../identity/sessions';
import { categories, regions } from './tables';
import { CURRENT_CATEGORY_VERSION } from './current';
import { handlingUnits } from '../dispatch/tables';
import { open311PublicCategories } from '../channels/tables';
import { problem } from '../platform/http/problems';
import type { TreeNode as TreeNodeT } from './use-cases/import-category-tree';
import {
  categoryMapping,
  categoryRollup,
  exportCategoryVersion,
  importCategoryCsv,
  previewCategoryCsv,
  importCategoryTreeJson,
  listCategoryVersions,
} from './use-cases/category-versions';
import { listTags, saveTag, setTicketTags, SetTicketTagsInput, TagInput, tagCounts, tagsOfTicket } from './use-cases/tags';

const VersionParams = z.strictObject({ version: z.coerce.number().int().min(1) });
const ImportCsvBody = z.strictObject({ csv: z.string().min(1).max(5_000_000), label: z.string().trim().min(1).max(200) });
const PreviewCsvBody = z.strictObject({ csv: z.string().min(1).max(5_000_000) });
const TreeNode: z.ZodType<TreeNodeT> = z.lazy(() =>
  z.strictObject({ name: z.string().trim().min(1).max(100), children: z.array(TreeNode).max(500).optional() }),
);
const ImportTreeBody = z.strictObject({
  tree: z.strictObject({ children: z.array(TreeNode).min(1).max(500) }).loose(),
  label: z.string().trim().min(1).max(200),
});
const Period = z.strictObject({ from: z.iso.date(), to: z.iso.date(), level: z.coerce.number().int().min(1).max(8).default(1) });
const TagParams = z.strictObject({ code: z.string().regex(/^[a-z0-9_]{1,40}$/) });
const TicketParams = z.strictObject({ id: z.uuid() });
/** China days → the instants they start (the centre counts days in Beijing time). */
const dayStart = (d: string) => new Date(`${d}T00:00:00+08:00`);

const Open311PublicInput = z.strictObject({ categoryCode: z.string().trim().min(1).max(32), public: z.boolean() });

const CategoryQuery = z.strictObject({ parentCode: z.string().max(32).optional(), all: z.enum(['true', 'false']).optional() });

export function catalogRoutes() {
  const r = Router();
  r.get('/units', requireStaff(), async (req, res) => {
    const rows = await req.ctx.db
      .select({
        id: handlingUnits.id,
        code: handlingUnits.code,
        name: handlingUnits.name,
        kind: handlingUnits.kind,
        parentId: handlingUnits.parentId,
        regionCode: handlingUnits.regionCode,
      })
      .from(handlingUnits)
      .where(eq(handlingUnits.active, true))
      .orderBy(asc(handlingUnits.code));
    res.json({ data: rows });
  });

  r.get('/regions', requireStaff(), async (req, res) => {
    res.json({ data: await req.ctx.db.select().from(regions).orderBy(asc(regions.code)) });
  });

  /** The newest tree version; one level at a time (parentCode) or all of it for a cascader. */
  r.get('/categories', requireStaff(), validate({ query: CategoryQuery }), async (req, res) => {
    const q = res.locals.query;
    const version = CURRENT_CATEGORY_VERSION;
    const where =
      q.all === 'true'
        ? eq(categories.version, version)
        : q.parentCode
          ? and(eq(categories.version, version), eq(categories.parentCode, q.parentCode))
          : and(eq(categories.version, version), isNull(categories.parentCode));
    const rows = await req.ctx.db
      .select({
        code: categories.code,
        name: categories.name,
        parentCode: categories.parentCode,
        level: categories.level,
        version: categories.version,
      })
      .from(categories)
      .where(where)
      .orderBy(asc(categories.code));
    res.json({ data: rows });
  });

  /**
   * Categories whose Open311 requests every api_key may read as a masked summary (the centre opts
   * in per category, e.g. street lights); other requests are seen only by the key that filed them.
   */
  r.get('/admin/open311/public-categories', requireStaff('admin', 'supervisor'), async (req, res) => {
    const rows = await req.ctx.db
      .select({ categoryCode: open311PublicCategories.categoryCode, enabledAt: open311PublicCategories.enabledAt })
      .from(open311PublicCategories)
      .orderBy(asc(open311PublicCategories.categoryCode));
    res.json({ data: rows.map((x) => ({ categoryCode: x.categoryCode, enabledAt: x.enabledAt.toISOString() })) });
  });

  r.put('/admin/open311/public-categories', requireStaff('admin'), validate({ body: Open311PublicInput }), async (req, res) => {
    const b = req.body;
    const a = req.ctx.actor;
    const actorId = a.kind === 'staff' ? a.id : null;
    const [known] = await req.ctx.db.select({ code: categories.code }).from(categories).where(eq(categories.code, b.categoryCode)).limit(1);
    if (!known) throw problem('CATEGORY_NOT_FOUND');
    await req.ctx.db.transaction(async (tx) => {
      if (b.public) {
        await tx.insert(open311PublicCategories).values({ categoryCode: b.categoryCode, enabledBy: actorId, enabledAt: req.ctx.now() }).onConflictDoNothing();
      } else {
        await tx.delete(open311PublicCategories).where(eq(open311PublicCategories.categoryCode, b.categoryCode));
      }
      await writeAudit(tx, req.ctx, { action: 'open311.public_category_set', entityType: 'category', entityId: b.categoryCode, data: { public: b.public } });
    });
    res.json({ data: { categoryCode: b.categoryCode, public: b.public } });
  });
  // Category tree versions (categories.md §1): stable codes, old → new maps, CSV in and out.
  r.get('/admin/category-versions', requireStaff('admin', 'supervisor'), async (req, res) => {
    res.json({ data: await listCategoryVersions(req.ctx.db) });
  });
  r.get('/admin/category-versions/:version/export', requireStaff('admin'), validate({ params: VersionParams }), async (req, res) => {
    const { version } = req.params;
    const csv = await exportCategoryVersion(req.ctx.db, version);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="categories-v${version}.csv"`);
    res.send(csv);
  });
  r.get('/admin/category-versions/:version/mapping', requireStaff('admin', 'supervisor'), validate({ params: VersionParams }), async (req, res) => {
    res.json({ data: await categoryMapping(req.ctx.db, req.params.version) });
  });
  r.post('/admin/category-versions/import', requireStaff('admin'), validate({ body: ImportCsvBody }), async (req, res) => {
    res.status(201).json({ data: await importCategoryCsv(req.ctx, req.body) });
  });
  /** What an import of this CSV would change (nothing stored): the screen shows it before the administrator confirms. */
  r.post('/admin/category-versions/preview', requireStaff('admin'), validate({ body: PreviewCsvBody }), async (req, res) => {
    res.json({ data: await previewCategoryCsv(req.ctx.db, req.body) });
  });
  r.post('/admin/category-versions/import-tree', requireStaff('admin'), validate({ body: ImportTreeBody }), async (req, res) => {
    const b = req.body;
    res.status(201).json({ data: await importCategoryTreeJson(req.ctx, { tree: { name: '', children: b.tree.children as TreeNodeT[] }, label: b.label }) });
  });
  /** Tickets of any tree version counted under the tree in force (reports over several years add up). */
  r.get('/reports/category-rollup', requireStaff('supervisor', 'admin'), validate({ query: Period }), async (req, res) => {
    const q = res.locals.query;
    res.json({ data: await categoryRollup(req.ctx.db, { from: dayStart(q.from), to: new Date(dayStart(q.to).getTime() + 86_400_000), level: q.level }) });
  });

  // Tags (标签, categories.md §2)
  r.get('/tags', requireStaff(), async (req, res) => {
    res.json({ data: await listTags(req.ctx.db, req.query.all === 'true') });
  });
  r.put('/admin/tags/:code', requireStaff('admin'), validate({ params: TagParams, body: TagInput }), async (req, res) => {
    res.json({ data: await saveTag(req.ctx, String(req.params.code), req.body) });
  });
  r.get('/tickets/:id/tags', requireStaff('agent', 'dispatcher', 'supervisor'), validate({ params: TicketParams }), async (req, res) => {
    res.json({ data: await tagsOfTicket(req.ctx.db, String(req.params.id)) });
  });
  r.put(
    '/tickets/:id/tags',
    requireStaff('agent', 'dispatcher', 'supervisor'),
    validate({ params: TicketParams, body: SetTicketTagsInput }),
    async (req, res) => {
      await setTicketTags(req.ctx, String(req.params.id), req.body);
      res.json({ data: await tagsOfTicket(req.ctx.db, String(req.params.id)) });
    },
  );
  r.get('/reports/tags', requireStaff('supervisor', 'admin'), validate({ query: Period }), async (req, res) => {
    const q = res.locals.query;
    res.json({ data: await tagCounts(req.ctx.db, { from: dayStart(q.from), to: new Date(dayStart(q.to).getTime() + 86_400_000) }) });
  });
  return r;
}
