import { Router } from 'express';
import { z } from 'zod';
import { validate } from '../platform/http/middleware';
import { requireStaff } from '../identity/sessions';
import { LineFields, needsAnnouncement, linesFromCsv, linesToCsv, listLines, saveLines } from './lines';
import { acknowledgeLinkage, AcknowledgeInput, followUpLinkage, FollowUpInput, linkageFigures, LinkageListQuery, listLinkages } from './linkages';
import { lineReport } from './line-report';
import { openPlatformOrders, platformFigures } from './kept-platforms';

const NumberParams = z.strictObject({ number: z.string().regex(/^\d{3,20}$/) });
const IdParams = z.strictObject({ id: z.uuid() });
const ImportBody = z.strictObject({ csv: z.string().min(1).max(1_000_000) });
const Period = z.strictObject({ from: z.iso.date(), to: z.iso.date() });

/**
 * The centre's lines (server/hotlines/lines.ts), emergency linkages (linkages.ts) and their reports;
 * `exchangePeerIds`: the lower peers configured, so the kept-platform report can say which platform units have none.
 */
export function hotlineRoutes(o: { exchangePeerIds?: readonly string[] } = {}) {
  const r = Router();
  const centre = requireStaff('agent', 'dispatcher', 'supervisor', 'admin');

  r.get('/hotline-lines', centre, async (req, res) => {
    res.json({ data: await listLines(req.ctx.db, req.ctx.lang) });
  });

  r.put(
    '/admin/hotline-lines/:number',
    requireStaff('admin'),
    validate({ params: NumberParams, body: needsAnnouncement(LineFields.omit({ number: true })) }),
    async (req, res) => {
      const number = String(req.params.number);
      const result = await saveLines(req.ctx, [{ ...req.body, number }]);
      const [line] = await listLines(req.ctx.db, req.ctx.lang, [number]);
      res.status(result.created ? 201 : 200).json({ data: line });
    },
  );

  /** The whole table from a spreadsheet: every row is checked first; one bad row imports nothing. */
  r.post('/admin/hotline-lines/import', requireStaff('admin'), validate({ body: ImportBody }), async (req, res) => {
    const lines = linesFromCsv(req.body.csv);
    res.json({ data: await saveLines(req.ctx, lines) });
  });

  r.get('/admin/hotline-lines/export', requireStaff('admin'), async (req, res) => {
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', 'attachment; filename="hotline-lines.csv"');
    res.send(linesToCsv(await listLines(req.ctx.db, 'zh')));
  });

  r.get('/emergency-linkages', centre, validate({ query: LinkageListQuery }), async (req, res) => {
    res.json({ data: await listLinkages(req.ctx, res.locals.query) });
  });
  r.post(
    '/emergency-linkages/:id/acknowledge',
    requireStaff('agent', 'dispatcher', 'supervisor'),
    validate({ params: IdParams, body: AcknowledgeInput }),
    async (req, res) => {
      await acknowledgeLinkage(req.ctx, String(req.params.id), req.body);
      const [linkage] = await listLinkages(req.ctx, { status: 'all', limit: 1, id: String(req.params.id) });
      res.json({ data: linkage });
    },
  );
  r.post(
    '/emergency-linkages/:id/follow-up',
    requireStaff('agent', 'dispatcher', 'supervisor'),
    validate({ params: IdParams, body: FollowUpInput }),
    async (req, res) => {
      await followUpLinkage(req.ctx, String(req.params.id), req.body);
      res.json({ data: { id: req.params.id, status: 'followed_up' } });
    },
  );

  // 保留对接: orders with kept department platforms still open (kept-platforms.ts).
  r.get('/kept-platform-orders', centre, async (req, res) => {
    res.json({ data: await openPlatformOrders(req.ctx) });
  });

  const reporters = requireStaff('supervisor', 'admin');
  r.get('/reports/kept-platforms', reporters, validate({ query: Period }), async (req, res) => {
    const q = res.locals.query;
    const from = new Date(`${q.from}T00:00:00+08:00`);
    const to = new Date(new Date(`${q.to}T00:00:00+08:00`).getTime() + 86_400_000);
    res.json({ data: await platformFigures(req.ctx, from, to, o.exchangePeerIds ?? []) });
  });
  r.get('/reports/lines', reporters, validate({ query: Period }), async (req, res) => {
    const q = res.locals.query;
    res.json({ data: await lineReport(req.ctx, q.from, q.to) });
  });
  r.get('/reports/emergency-linkages', reporters, validate({ query: Period }), async (req, res) => {
    const q = res.locals.query;
    // China days: the period runs from 00:00 of `from` to 24:00 of `to`, Beijing time.
    const from = new Date(`${q.from}T00:00:00+08:00`);
    const to = new Date(new Date(`${q.to}T00:00:00+08:00`).getTime() + 86_400_000);
    res.json({ data: await linkageFigures(req.ctx, from, to) });
  });
  return r;
}
