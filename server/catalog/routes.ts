import { Router } from 'express';
import { z } from 'zod';
import { and, asc, eq, isNull } from 'drizzle-orm';
import { validate } from '../platform/http/middleware';
import { requireStaff } from '../identity/sessions';
import { categories, regions } from './tables';
import { CURRENT_CATEGORY_VERSION } from './current';
import { handlingUnits } from '../dispatch/tables';

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
  return r;
}
