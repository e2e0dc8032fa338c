import { Router } from 'express';
import { z } from 'zod';
import { and, eq, sql } from 'drizzle-orm';
import { validate } from '../platform/http/middleware';
import { problem } from '../platform/http/problems';
import { requireStaff } from '../identity/sessions';
import type { Ctx } from '../platform/context';
import type { RateLimiter } from '../platform/http/rate-limit';
import { PublicRatingInput, submitPublicRating } from './use-cases/submit-public-rating';
import { actOnRectification, markOverdueRectifications } from './use-cases/rectification';
import { RECTIFICATION_ACTIONS, RECTIFICATION_TRANSITIONS } from './states';
import { rectificationEvents, rectifications, ratings, RECTIFICATION_STATUSES } from './tables';
import { presentRating, presentRectification, publicReviews, scrubText } from './present';

const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);
const PublicReviewsQuery = z.strictObject({ unitId: z.uuid(), month: Month });
const IdParams = z.strictObject({ id: z.uuid() });
const ActionParams = z.strictObject({ id: z.uuid(), action: z.enum(RECTIFICATION_ACTIONS) });
const ListQuery = z.strictObject({
  status: z.enum(RECTIFICATION_STATUSES).optional(),
  unitId: z.uuid().optional(),
  overdue: z.enum(['true', 'false']).optional(),
});
const RatingsQuery = z.strictObject({ unitId: z.uuid().optional(), month: Month.optional(), bad: z.enum(['true', 'false']).optional() });

/**
 * A case list is worked from the ticket number, the score and what the citizen wrote; one query
 * for the page, not one per row. The comment is scrubbed as on the public page (units see it too).
 */
async function withTicketAndRating<T extends { id: string }>(ctx: Ctx, list: T[]) {
  if (list.length === 0) return [];
  const ids = sql.join(
    list.map((x) => sql`${x.id}::uuid`),
    sql`, `,
  );
  const r = await ctx.db.execute<{ id: string; number: string; title: string | null; score: number; comment: string | null; unitName: string | null }>(sql`
    select x.id, t.number, t.title, ra.score, ra.comment, u.name as "unitName"
    from rectifications x join tickets t on t.id = x.ticket_id join ratings ra on ra.id = x.rating_id
    left join handling_units u on u.id = x.unit_id where x.id in (${ids})`);
  const by = new Map(r.rows.map((x) => [x.id, x]));
  return list.map((x) => {
    const e = by.get(x.id);
    return {
      ...x,
      ticketNumber: e?.number ?? null,
      ticketTitle: e?.title ?? null,
      score: e?.score ?? null,
      comment: scrubText(e?.comment ?? null),
      unitName: e?.unitName ?? null,
    };
  });
}

export function reviewRoutes(deps: { limiter: RateLimiter }) {
  const r = Router();

  r.post('/public/ratings', validate({ body: PublicRatingInput }), async (req, res) => {
    if (!(await deps.limiter.hit(`rating-ip:${req.ip}`, 120, 3600))) throw problem('RATE_LIMITED');
    const out = await submitPublicRating(req.ctx, req.body);
    res.status(out.duplicate ? 200 : 201).json({ data: { ...presentRating(out.rating), duplicate: out.duplicate, callbackPending: out.callbackPending } });
  });

  r.get('/public/reviews', validate({ query: PublicReviewsQuery }), async (req, res) => {
    if (!(await deps.limiter.hit(`reviews-ip:${req.ip}`, 1200, 3600))) throw problem('RATE_LIMITED');
    const q = res.locals.query;
    res.json({ data: await publicReviews(req.ctx, q.unitId, q.month) });
  });

  /** The public page's unit picker: units that have been rated, by name (no counts, no people). */
  r.get('/public/review-units', async (req, res) => {
    if (!(await deps.limiter.hit(`reviews-ip:${req.ip}`, 1200, 3600))) throw problem('RATE_LIMITED');
    const rows = await req.ctx.db.execute<{ id: string; name: string }>(sql`select u.id, u.name from handling_units u
      where exists (select 1 from ratings r where r.unit_id = u.id) order by u.name`);
    res.json({ data: rows.rows });
  });

  r.get('/ratings', requireStaff(), validate({ query: RatingsQuery }), async (req, res) => {
    const q = res.locals.query;
    const a = req.ctx.actor;
    const unitId = a.kind === 'staff' && a.role === 'unit_clerk' ? a.unitId : q.unitId;
    const rows = await req.ctx.db
      .select()
      .from(ratings)
      .where(
        and(
          unitId ? eq(ratings.unitId, unitId) : undefined,
          q.bad ? eq(ratings.bad, q.bad === 'true') : undefined,
          q.month
            ? sql`${ratings.createdAt} >= ${`${q.month}-01T00:00:00+08:00`}::timestamptz and ${ratings.createdAt} < ${`${q.month}-01T00:00:00+08:00`}::timestamptz + interval '1 month'`
            : undefined,
        ),
      )
      .orderBy(ratings.createdAt)
      .limit(1000);
    res.json({ data: rows.map(presentRating) });
  });

  r.get('/meta/rectification-transitions', requireStaff(), (_req, res) => {
    res.json({ data: RECTIFICATION_TRANSITIONS });
  });

  /** Unit clerks see their own unit's cases only. */
  r.get('/rectifications', requireStaff(), validate({ query: ListQuery }), async (req, res) => {
    const q = res.locals.query;
    const a = req.ctx.actor;
    const unitId = a.kind === 'staff' && a.role === 'unit_clerk' ? (a.unitId ?? '00000000-0000-0000-0000-000000000000') : q.unitId;
    const rows = await req.ctx.db
      .select()
      .from(rectifications)
      .where(
        and(
          unitId ? eq(rectifications.unitId, unitId) : undefined,
          q.status ? eq(rectifications.status, q.status) : undefined,
          q.overdue ? eq(rectifications.overdue, q.overdue === 'true') : undefined,
        ),
      )
      .orderBy(rectifications.createdAt)
      .limit(1000);
    res.json({
      data: await withTicketAndRating(
        req.ctx,
        rows.map((x) => presentRectification(x)),
      ),
    });
  });

  r.get('/rectifications/:id', requireStaff(), validate({ params: IdParams }), async (req, res) => {
    const [row] = await req.ctx.db
      .select()
      .from(rectifications)
      .where(eq(rectifications.id, String(req.params.id)));
    const a = req.ctx.actor;
    if (!row || (a.kind === 'staff' && a.role === 'unit_clerk' && a.unitId !== row.unitId)) throw problem('RECTIFICATION_NOT_FOUND');
    const events = await req.ctx.db.select().from(rectificationEvents).where(eq(rectificationEvents.rectificationId, row.id)).orderBy(rectificationEvents.seq);
    res.json({ data: presentRectification(row, events) });
  });

  r.post('/rectifications/:id/actions/:action', requireStaff(), validate({ params: ActionParams }), async (req, res) => {
    const { id, action } = req.params;
    await actOnRectification(req.ctx, id, action, req.body);
    const [row] = await req.ctx.db.select().from(rectifications).where(eq(rectifications.id, id));
    res.json({ data: presentRectification(row) });
  });

  /** The sweeper's work on demand (the cron role runs the same function). */
  r.post('/rectifications/sweep-overdue', requireStaff('supervisor', 'admin'), async (req, res) => {
    res.json({ data: { flagged: await markOverdueRectifications(req.ctx) } });
  });

  return r;
}
