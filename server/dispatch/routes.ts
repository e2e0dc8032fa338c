import { Router } from 'express';
import { z } from 'zod';
import { eq, sql } from 'drizzle-orm';
import { validate } from '../platform/http/middleware';
import { problem } from '../platform/http/problems';
import { requireStaff } from '../identity/sessions';
import { dispatchRules, handlingUnits } from './tables';
import { CURRENT_CATEGORY_VERSION } from '../catalog/current';
import { categories, regions } from '../catalog/tables';
import { proposeDispatch } from './use-cases/propose-dispatch';
import { ContactOutcomeInput, recordContactOutcome, callCitizen, requestCitizenContact, RequestContactInput } from './use-cases/contact-citizen';
import { copyTicket, CopyTicketInput, listCopies, ListCopiesQuery, markCopyRead } from './use-cases/copy-ticket';
import { replyTemplatesForUnits } from './reply-templates';
import { clerkOwnsTicket } from './unit-scope';
import { deactivateRule, saveRule } from './use-cases/admin-rules';
import type { Queryable } from '../platform/db/client';

const RuleInput = z.strictObject({
  /** The category tree version the code belongs to; the tree in force when left out. */
  categoryVersion: z.number().int().min(1).optional(),
  categoryCode: z.string().regex(/^\d{2,12}$/),
  regionCode: z.union([z.literal('*'), z.string().regex(/^\d{6,12}$/)]).default('*'),
  leadUnitId: z.uuid(),
  assistingUnitIds: z.array(z.uuid()).max(10).default([]),
  note: z.string().max(500).optional(),
  active: z.boolean().default(true),
});
const IdParams = z.strictObject({ id: z.uuid() });

/** Every reference in a rule must exist: a rule naming a missing unit would route tickets to nobody. */
async function checkRefs(db: Queryable, r: z.infer<typeof RuleInput>) {
  const [cat] = await db.select({ code: categories.code }).from(categories).where(eq(categories.code, r.categoryCode)).limit(1);
  if (!cat) throw problem('CATEGORY_NOT_FOUND', r.categoryCode);
  if (r.regionCode !== '*') {
    const [reg] = await db.select({ code: regions.code }).from(regions).where(eq(regions.code, r.regionCode));
    if (!reg) throw problem('REGION_NOT_FOUND', r.regionCode);
  }
  const ids = [r.leadUnitId, ...r.assistingUnitIds];
  const found = await db
    .select({ id: handlingUnits.id })
    .from(handlingUnits)
    .where(
      sql`${handlingUnits.id} in (${sql.join(
        ids.map((i) => sql`${i}`),
        sql`, `,
      )})`,
    );
  if (found.length !== new Set(ids).size) throw problem('UNIT_NOT_FOUND');
}

export function dispatchRoutes() {
  const r = Router();

  r.get('/tickets/:id/dispatch-proposal', requireStaff('agent', 'dispatcher', 'supervisor'), validate({ params: IdParams }), async (req, res) => {
    res.json({ data: await proposeDispatch(req.ctx, String(req.params.id)) });
  });

  /** 答复模板 for the unit's reply form (reply-templates.ts). */
  r.get('/reply-templates', requireStaff(), async (req, res) => {
    res.json({ data: await replyTemplatesForUnits(req.ctx) });
  });

  r.get('/admin/dispatch-rules', requireStaff('admin', 'supervisor', 'dispatcher'), async (req, res) => {
    res.json({ data: await req.ctx.db.select().from(dispatchRules).orderBy(dispatchRules.categoryCode, dispatchRules.regionCode) });
  });

  r.post('/admin/dispatch-rules', requireStaff('admin'), validate({ body: RuleInput }), async (req, res) => {
    const body = req.body;
    await checkRefs(req.ctx.db, body);
    res.status(201).json({ data: await saveRule(req.ctx, null, { ...body, categoryVersion: body.categoryVersion ?? CURRENT_CATEGORY_VERSION }) });
  });

  r.put('/admin/dispatch-rules/:id', requireStaff('admin'), validate({ params: IdParams, body: RuleInput }), async (req, res) => {
    const body = req.body;
    await checkRefs(req.ctx.db, body);
    res.json({ data: await saveRule(req.ctx, String(req.params.id), body) });
  });

  r.delete('/admin/dispatch-rules/:id', requireStaff('admin'), validate({ params: IdParams }), async (req, res) => {
    await deactivateRule(req.ctx, String(req.params.id));
    res.status(204).end();
  });

  // 抄送: the centre copies a ticket to units; a unit clerk lists its copies and marks them read.
  r.post('/tickets/:id/copies', requireStaff('agent', 'dispatcher', 'supervisor'), validate({ params: IdParams, body: CopyTicketInput }), async (req, res) => {
    const rows = await copyTicket(req.ctx, String(req.params.id), req.body);
    res.status(201).json({ data: rows });
  });
  r.get('/unit/copies', requireStaff('unit_clerk'), validate({ query: ListCopiesQuery }), async (req, res) => {
    res.json({ data: await listCopies(req.ctx, res.locals.query) });
  });
  r.post('/copies/:id/read', requireStaff('unit_clerk'), validate({ params: IdParams }), async (req, res) => {
    res.json({ data: await markCopyRead(req.ctx, String(req.params.id)) });
  });

  // 先联系后办理: the unit asks for a bridged call; the CTI/bridge (or the centre agent placing it) records the outcome.
  r.post(
    '/tickets/:id/contact-requests',
    requireStaff('unit_clerk'),
    clerkOwnsTicket,
    validate({ params: IdParams, body: RequestContactInput }),
    async (req, res) => {
      res.status(201).json({ data: await requestCitizenContact(req.ctx, String(req.params.id), req.body) });
    },
  );
  // 隐私号: the clerk of the request's unit places the call through the masked-number bridge; the answer carries no number.
  r.post('/contact-requests/:id/call', requireStaff('unit_clerk'), validate({ params: IdParams, body: z.strictObject({}) }), async (req, res) => {
    res.json({ data: await callCitizen(req.ctx, String(req.params.id)) });
  });
  r.post(
    '/contact-requests/:id/outcome',
    requireStaff('agent', 'dispatcher', 'supervisor'),
    validate({ params: IdParams, body: ContactOutcomeInput }),
    async (req, res) => {
      res.json({ data: await recordContactOutcome(req.ctx, String(req.params.id), req.body) });
    },
  );

  /** Returns per unit (退单), and how many the centre judged improper: a reported KPI (domain.md §2). */
  r.get('/reports/returns', requireStaff('supervisor', 'admin', 'dispatcher'), async (req, res) => {
    const rows = await req.ctx.db.execute(sql`select u.id as "unitId", u.name as "unitName",
      count(*) filter (where d.return_reason_code is not null)::int as returns,
      count(*) filter (where d.improper_return)::int as "improperReturns",
      count(*)::int as dispatches
      from dispatches d join handling_units u on u.id = d.unit_id group by u.id, u.name order by returns desc, u.name`);
    res.json({ data: rows.rows });
  });
  return r;
}
