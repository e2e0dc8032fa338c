import { Router } from 'express';
import { z } from 'zod';
import { validate } from '../platform/http/middleware';
import { problem } from '../platform/http/problems';
import { requireStaff } from '../identity/sessions';
import { CALLBACK_STATUSES } from './tables';
import { FeedbackPolicy, getPolicy, setPolicy } from './policy';
import { recordCallback, RecordCallbackInput } from './use-cases/record-callback';
import { callbackRows, presentCallback, presentCallbackDetail } from './present';

const IdParams = z.strictObject({ id: z.uuid() });
const ListQuery = z.strictObject({ status: z.enum(CALLBACK_STATUSES).default('pending'), limit: z.coerce.number().int().min(1).max(500).default(200) });
const CENTRE = ['agent', 'dispatcher', 'supervisor'] as const;

export function callbackRoutes() {
  const r = Router();

  r.get('/callbacks/policy', requireStaff(...CENTRE, 'admin'), async (req, res) => {
    res.json({ data: await getPolicy(req.ctx.db) });
  });
  r.put('/callbacks/policy', requireStaff('admin', 'supervisor'), validate({ body: FeedbackPolicy.partial() }), async (req, res) => {
    const a = req.ctx.actor;
    res.json({ data: await setPolicy(req.ctx.db, req.body, a.kind === 'staff' ? a.id : null) });
  });

  /** The agent's callback task list, earliest due first. */
  r.get('/callbacks', requireStaff(...CENTRE), validate({ query: ListQuery }), async (req, res) => {
    const q = res.locals.query;
    res.json({ data: (await callbackRows(req.ctx, q)).map(presentCallback) });
  });

  r.get('/callbacks/:id', requireStaff(...CENTRE), validate({ params: IdParams }), async (req, res) => {
    const [row] = await callbackRows(req.ctx, { id: String(req.params.id) });
    if (!row) throw problem('CALLBACK_NOT_FOUND');
    res.json({ data: await presentCallbackDetail(req.ctx, row) });
  });

  r.post('/callbacks/:id/outcome', requireStaff(...CENTRE), validate({ params: IdParams, body: RecordCallbackInput }), async (req, res) => {
    const out = await recordCallback(req.ctx, String(req.params.id), req.body);
    const [row] = await callbackRows(req.ctx, { id: out.callbackId });
    res.json({ data: presentCallback(row) });
  });

  return r;
}
