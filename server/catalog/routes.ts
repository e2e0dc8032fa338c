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

const Open311PublicInput = z.strictObject({ categoryCode: z.string().trim().min(1).max(32), public: z.boolean() });

const CategoryQuery = z.strictObject({ parentCode: z.string().max(32).optional(), all: z.enum(['true', 'false']).optional() });

export function catalogRoutes() {
  const r = Router();
  r.get('/units', requireStaff(), async (req, res) => {
    const rows = await req.ctx.db.select({
      id: handlingUnits.id, code: handlingUnits.code, name: handlingUnits.name, kind: handlingUnits.kind,
      parentId: handlingUnits.parentId, regionCode: handlingUnits.regionCode,
    }).from(handlingUnits).where(eq(handlingUnits.active, true)).orderBy(asc(handlingUnits.code));
    res.json({ data: rows });
  });

  r.get('/regions', requireStaff(), async (req, res) => {
    res.json({ data: await req.ctx.db.select().from(regions).orderBy(asc(regions.code)) });
  });

  /** The newest tree version; one level at a time (parentCode) or all of it for a cascader. */
  r.get('/categories', requireStaff(), validate({ query: CategoryQuery }), async (req, res) => {
    const q = req.query as z.infer<typeof CategoryQuery>;
    const version = CURRENT_CATEGORY_VERSION;
    const where = q.all === 'true' ? eq(categories.version, version)
      : q.parentCode ? and(eq(categories.version, version), eq(categories.parentCode, q.parentCode))
      : and(eq(categories.version, version), isNull(categories.parentCode));
    const rows = await req.ctx.db.select({
      code: categories.code, name: categories.name, parentCode: categories.parentCode, level: categories.level, version: categories.version,
    }).from(categories).where(where).orderBy(asc(categories.code));
    res.json({ data: rows });
  });

  /**
   * Categories whose Open311 requests every api_key may read as a masked summary (the centre opts
   * in per category, e.g. street lights); other requests are seen only by the key that filed them.
   */
  r.get('/admin/open311/public-categories', requireStaff('admin', 'supervisor'), async (req, res) => {
    const rows = await req.ctx.db.select({ categoryCode: open311PublicCategories.categoryCode, enabledAt: open311PublicCategories.enabledAt })
      .from(open311PublicCategories).orderBy(asc(open311PublicCategories.categoryCode));
    res.json({ data: rows.map((x) => ({ categoryCode: x.categoryCode, enabledAt: x.enabledAt.toISOString() })) });
  });

  r.put('/admin/open311/public-categories', requireStaff('admin'), validate({ body: Open311PublicInput }), async (req, res) => {
    const b = req.body as z.infer<typeof Open311PublicInput>;
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
  return r;
}
