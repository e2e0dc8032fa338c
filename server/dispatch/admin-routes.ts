import { Router } from 'express';
import { z } from 'zod';
import { validate } from '../platform/http/middleware';
import { requireStaff } from '../identity/sessions';
import { CreateUnitInput, createUnit, listUnitsForAdmin, UpdateUnitInput, updateUnit } from './use-cases/admin-units';
import { proposeFor } from './use-cases/propose-dispatch';

const IdParams = z.strictObject({ id: z.uuid() });
const RouteTestInput = z.strictObject({
  categoryCode: z
    .string()
    .trim()
    .regex(/^\d{2,12}$/),
  regionCode: z
    .string()
    .trim()
    .regex(/^\d{6,12}$/)
    .nullable()
    .default(null),
});

/** The administrator's units and the dispatch-rule tester (the rules themselves: routes.ts). */
export function dispatchAdminRoutes() {
  const r = Router();
  r.get('/admin/units', requireStaff('admin'), async (req, res) => {
    res.json({ data: await listUnitsForAdmin(req.ctx) });
  });
  r.post('/admin/units', requireStaff('admin'), validate({ body: CreateUnitInput }), async (req, res) => {
    res.status(201).json({ data: await createUnit(req.ctx, req.body) });
  });
  r.put('/admin/units/:id', requireStaff('admin'), validate({ params: IdParams, body: UpdateUnitInput }), async (req, res) => {
    res.json({ data: await updateUnit(req.ctx, String(req.params.id), req.body) });
  });

  /**
   * "Which rule would route this?": the real routing function (propose-dispatch.ts) on a category
   * and a place, so what the tester shows is what a dispatcher will be proposed.
   */
  r.post('/admin/dispatch-rules/test', requireStaff('admin', 'supervisor', 'dispatcher'), validate({ body: RouteTestInput }), async (req, res) => {
    const b = req.body;
    res.json({ data: await proposeFor(req.ctx.db, b.categoryCode, b.regionCode) });
  });
  return r;
}
