/**
 * 好差评: one rating per closed ticket round, from a callback or the citizen portal. A repeat of
 * the same rating is harmless (same row back); a different score for a rated round is refused.
 * A 2 or 1 opens a rectification case (差评整改); a real-name one also gets a callback (100%).
 * Real-name means a proven identity: the citizen's record holds a contact point verified by an
 * SMS code, the CTI's caller number or the WeChat OpenID (identity/use-cases/resolve-citizen.ts),
 * not a name somebody typed in (issue 15, item 14).
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
  /**
   * The ticket whose answer is judged, when it is not the rated one: a merged caller (并单) rates
   * the main ticket's handling, so its state is checked and its lead unit and replier are rated.
   */
  subject?: TicketRow;
}

export type RatingRow = typeof ratings.$inferSelect;

/** Inside the caller's transaction, with the ticket already locked. */
export async function createRating(tx: Tx, ctx: Ctx, ticket: TicketRow, input: RatingInput): Promise<{ rating: RatingRow; duplicate: boolean }> {
  const subject = input.subject ?? ticket;
  if (!RATEABLE.includes(subject.status)) throw problem('TICKET_NOT_CLOSED', `ticket is ${subject.status}`);
  const [existing] = await tx
    .select()
    .from(ratings)
    .where(and(eq(ratings.ticketId, ticket.id), eq(ratings.round, ticket.currentRound)));
  if (existing) {
    if (existing.score === input.score) return { rating: existing, duplicate: true };
    throw problem('RATING_ALREADY_SUBMITTED', undefined, { ratingId: existing.id, score: existing.score });
  }
  const who = await tx.execute<{ unitId: string | null; handlerId: string | null; named: boolean }>(sql`select
    (select l.unit_id from tickets t, lateral ${sql.raw(leadDispatchSql('t.id', 't.current_round'))} l where t.id = ${subject.id}) as "unitId",
    (select actor_id from ticket_events where ticket_id = ${subject.id} and type in ('ticket.replied', 'ticket.answered_directly')
      order by seq desc limit 1) as "handlerId",
    exists (select 1 from citizen_contacts where citizen_id = ${ticket.citizenId} and verified_at is not null) as named`);
  const w = who.rows[0];
  const at = ctx.now();
  const bad = input.score <= 2;
  const [rating] = await tx
    .insert(ratings)
    .values({
      ticketId: ticket.id,
      round: ticket.currentRound,
      citizenId: ticket.citizenId,
      unitId: w.unitId,
      handlerId: w.handlerId,
      score: input.score,
      bad,
      realName: w.named && !!ticket.citizenId,
      source: input.source,
      callbackId: input.callbackId ?? null,
      comment: input.comment ?? null,
      createdAt: at,
    })
    .returning();
  await recordEvent(tx, ctx, ticket.id, {
    type: 'rating.submitted',
    unitId: w.unitId,
    notifyUnitIds: w.unitId ? [w.unitId] : [],
    data: { ratingId: rating.id, score: rating.score, source: rating.source, bad },
  });
  if (bad) {
    const [rect] = await tx
      .insert(rectifications)
      .values({
        ratingId: rating.id,
        ticketId: ticket.id,
        unitId: w.unitId,
        status: 'verifying',
        createdAt: at,
        updatedAt: at,
      })
      .returning();
    await recordRectificationEvent(tx, ctx, rect, { type: 'rectification.opened', to: 'verifying', data: { ratingId: rating.id, score: rating.score } });
    // One task per ticket and round (callbacks_ticket_round_uq): a task already there (a sampled
    // one not yet made, or the callback this rating came from) is the call; none is added.
    if (rating.realName && input.source !== 'callback') {
      const policy = await getPolicy(tx);
      await createCallbackTask(
        tx,
        {
          ticketId: ticket.id,
          round: ticket.currentRound,
          unitId: w.unitId,
          reason: 'bad_review',
          dueAt: new Date(at.getTime() + policy.badReviewCallbackDueHours * 3600_000),
        },
        policy,
        at,
      );
    }
  }
  return { rating, duplicate: false };
}

/**
 * Whether the citizen will be called about this round: a callback task is still open for it. The
 * rating page promises a call only then (issue 15, item 14).
 */
export async function callbackPending(db: Tx | Ctx['db'], ticketId: string, round: number): Promise<boolean> {
  const r = await db.execute(sql`select 1 from callbacks where ticket_id = ${ticketId} and round = ${round} and status = 'pending' limit 1`);
  return r.rows.length > 0;
}

export async function rateTicket(ctx: Ctx, ticketId: string, input: RatingInput) {
  const r = await inTransaction(ctx, async (tx) => createRating(tx, ctx, await lockTicket(tx, ticketId), input));
  return r;
}
