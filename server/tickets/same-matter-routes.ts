import { Router } from 'express';
import { requireStaff } from '../identity/sessions';
import { validate } from '../platform/http/middleware';
import { findSameMatter, SimilarTicketsInput } from './same-matter';

/**
 * POST /api/tickets/similar — same-matter (并单) candidates while the agent types, or for a registered ticket.
 * Only the centre's roles that can merge see them; titles come masked and the caller is never named.
 */
export function sameMatterRoutes() {
  const r = Router();
  r.post('/tickets/similar', requireStaff('agent', 'dispatcher', 'supervisor'), validate({ body: SimilarTicketsInput }), async (req, res) => {
    res.json({ data: await findSameMatter(req.ctx, req.body) });
  });
  return r;
}
