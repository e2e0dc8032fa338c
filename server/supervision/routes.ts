import { Router } from 'express';
import { z } from 'zod';
import { validate } from '../platform/http/middleware';
import { requireStaff } from '../identity/sessions';
import { raiseCase, RaiseCaseInput, RAISE_ROLES } from './use-cases/raise-case';
import { closeCase, CloseCaseInput, respondCase, RespondCaseInput } from './use-cases/answer-case';
import { giveFeedback, GiveFeedbackInput } from './use-cases/give-feedback';
import { listCases, supervisionReport } from './queries';
import { clerkOwnsTicket } from '../dispatch/unit-scope';

const IdParams = z.strictObject({ id: z.uuid() });
const ListQuery = z.strictObject({
  status: z.enum(['open', 'responded', 'closed']).optional(),
  unitId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
const RangeQuery = z.strictObject({ from: z.iso.date().optional(), to: z.iso.date().optional() });
const STAFF = ['agent', 'dispatcher', 'supervisor', 'admin', 'unit_clerk'] as const;

/** 催办 / 督办 cases, the units' answers, progress feedback, and their counts per unit. */
export function supervisionRoutes() {
  const r = Router();

  r.post('/tickets/:id/urge', requireStaff(...RAISE_ROLES.urge), validate({ params: IdParams, body: RaiseCaseInput }), async (req, res) => {
    res.status(201).json({ data: await raiseCase(req.ctx, String(req.params.id), 'urge', req.body) });
  });
  r.post('/tickets/:id/supervise', requireStaff(...RAISE_ROLES.supervision), validate({ params: IdParams, body: RaiseCaseInput }), async (req, res) => {
    res.status(201).json({ data: await raiseCase(req.ctx, String(req.params.id), 'supervision', req.body) });
  });
  r.get('/tickets/:id/supervision-cases', requireStaff(...STAFF), clerkOwnsTicket, validate({ params: IdParams }), async (req, res) => {
    res.json({ data: await listCases(req.ctx, { ticketId: String(req.params.id) }) });
  });
  r.post('/tickets/:id/feedback', requireStaff('unit_clerk'), clerkOwnsTicket, validate({ params: IdParams, body: GiveFeedbackInput }), async (req, res) => {
    res.status(201).json({ data: await giveFeedback(req.ctx, String(req.params.id), req.body) });
  });

  r.get('/supervision-cases', requireStaff(...STAFF), validate({ query: ListQuery }), async (req, res) => {
    res.json({ data: await listCases(req.ctx, res.locals.query) });
  });
  r.post('/supervision-cases/:id/respond', requireStaff('unit_clerk'), validate({ params: IdParams, body: RespondCaseInput }), async (req, res) => {
    res.json({ data: await respondCase(req.ctx, String(req.params.id), req.body) });
  });
  r.post('/supervision-cases/:id/close', requireStaff('dispatcher', 'supervisor'), validate({ params: IdParams, body: CloseCaseInput }), async (req, res) => {
    res.json({ data: await closeCase(req.ctx, String(req.params.id), req.body) });
  });

  r.get('/reports/supervision', requireStaff('supervisor', 'admin', 'dispatcher'), validate({ query: RangeQuery }), async (req, res) => {
    res.json({ data: await supervisionReport(req.ctx, res.locals.query) });
  });
  return r;
}
