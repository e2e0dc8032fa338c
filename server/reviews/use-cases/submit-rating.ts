/**
 * 好差评: one rating per closed ticket round, from a callback or the citizen portal. A repeat of
 * the same rating is harmless (same row back); a different score for a rated round is refused.
 * A 2 or 1 opens a rectification case (差评整改); a real-name one also gets a callback (100%).
 */
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../../platform/db/client';
import type { Ctx } from '../../platform/context';
import { problem } from '../../platform/http/problems';
import { lockTicket, type TicketRow } from '../../tickets/guard';
import { recordEvent } from '../../tickets/events';
import { ratings, rectifications, type RatingSource } from '../tables';
import { getPolicy } from '../../callbacks/policy';
import { createCallbackTask } from '../../callbacks/use-cases/schedule-callback';
import { recordRectificationEvent } from '../rectification-events';
import { inTransaction } from '../../platform/transaction';
import { leadDispatchSql } from '../../dispatch/lead-dispatch';

export const Score = z.number().int().min(1).max(5);
export const RATEABLE = ['closed', 'archived'];

export interface RatingInput {
  score: number;
  source: RatingSource;
  callbackId?: string | null;
  comment?: string | null;
}

export type RatingRow = typeof ratings.$inferSelect;

/** Inside the caller's transaction, with the ticket already locked. */
export async function createRating(tx: Tx, ctx: Ctx, ticket: TicketRow, input: RatingInput): Promise<{ rating: RatingRow; duplicate: boolean }> {
  if (!RATEABLE.includes(ticket.status)) throw problem('TICKET_NOT_CLOSED', `ticket is ${ticket.status}`);
  const [existing] = await tx.select().from(ratings).where(and(eq(ratings.ticketId, ticket.id), eq(ratings.round, ticket.currentRound)));
  if (existing) {
    if (existing.score === input.score) return { rating: existing, duplicate: true };
    throw problem('RATING_ALREADY_SUBMITTED', undefined, { ratingId: existing.id, score: existing.score });
  }
  const who = await tx.execute<{ unitId: string | null; handlerId: string | null; named: boolean }>(sql`select
    (select l.unit_id from tickets t, lateral ${sql.raw(leadDispatchSql('t.id', 't.current_round'))} l where t.id = ${ticket.id}) as "unitId",
    (select actor_id from ticket_events where ticket_id = ${ticket.id} and type in ('ticket.replied', 'ticket.answered_directly')
      order by seq desc limit 1) as "handlerId",
    coalesce((select name_enc is not null from citizens where id = ${ticket.citizenId}), false) as named`);
  const w = who.rows[0];
  const at = ctx.now();
  const bad = input.score <= 2;
  const [rating] = await tx.insert(ratings).values({
    ticketId: ticket.id, round: ticket.currentRound, citizenId: ticket.citizenId, unitId: w.unitId, handlerId: w.handlerId,
    score: input.score, bad, realName: w.named && !!ticket.citizenId, source: input.source, callbackId: input.callbackId ?? null,
    comment: input.comment ?? null, createdAt: at,
  }).returning();
  await recordEvent(tx, ctx, ticket.id, {
    type: 'rating.submitted', unitId: w.unitId, notifyUnitIds: w.unitId ? [w.unitId] : [],
    data: { ratingId: rating.id, score: rating.score, source: rating.source, bad },
  });
  if (bad) {
    const [rect] = await tx.insert(rectifications).values({
      ratingId: rating.id, ticketId: ticket.id, unitId: w.unitId, status: 'verifying', createdAt: at, updatedAt: at,
    }).returning();
    await recordRectificationEvent(tx, ctx, rect, { type: 'rectification.opened', to: 'verifying', data: { ratingId: rating.id, score: rating.score } });
    if (rating.realName && input.source !== 'callback') {
      const policy = await getPolicy(tx);
      await createCallbackTask(tx, {
        ticketId: ticket.id, round: ticket.currentRound, unitId: w.unitId, reason: 'bad_review',
        dueAt: new Date(at.getTime() + policy.badReviewCallbackDueHours * 3600_000),
      }, policy, at);
    }
  }
  return { rating, duplicate: false };
}

export async function rateTicket(ctx: Ctx, ticketId: string, input: RatingInput) {
  const r = await inTransaction(ctx, async (tx) => createRating(tx, ctx, await lockTicket(tx, ticketId), input));
  return r;
}
