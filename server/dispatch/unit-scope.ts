import type { RequestHandler } from 'express';
import { sql } from 'drizzle-orm';
import { problem } from '../platform/http/problems';

/**
 * For a clerk's write on `/tickets/:id/…`: another unit's ticket is a 404 before the body is even
 * read, so a refused clerk learns nothing from the validation answer (role, then unit, then input).
 */
export const clerkOwnsTicket: RequestHandler = async (req, _res, next) => {
  const a = req.ctx.actor;
  if (a.kind !== 'staff' || a.role !== 'unit_clerk') return next();
  const id = String(req.params.id ?? '');
  const ok =
    /^[0-9a-f-]{36}$/i.test(id) &&
    a.unitId &&
    (
      await req.ctx.db.execute(sql`select 1 from dispatches
    where ticket_id = ${id}::uuid and unit_id = ${a.unitId} limit 1`)
    ).rows.length > 0;
  if (!ok) throw problem('TICKET_NOT_FOUND');
  next();
};
