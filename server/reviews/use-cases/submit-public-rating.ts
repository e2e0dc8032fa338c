/**
 * The citizen rates (好差评) from the public side: the tracking page (ticket number + tracking
 * token, or + the phone's SMS code) or the callback link sent by SMS, which also answers the
 * callback task. Moved out of reviews/routes.ts so the route only parses and presents.
 */
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../platform/context';
import { problem } from '../../platform/http/problems';
import { sqlList } from '../../platform/db/sql-list';
import { inTransaction } from '../../platform/transaction';
import { tickets } from '../../tickets/tables';
import { lockTicket } from '../../tickets/guard';
import { verifySmsCode } from '../../citizen/sms-codes';
import { trackCodeMatches } from '../../citizen/track-code';
import { normalizeMobile } from '../../identity/checks';
import { callbacks, CALLBACK_RESULTS } from '../../callbacks/tables';
import { recordCallbackTx } from '../../callbacks/use-cases/record-callback';
import { ratings } from '../tables';
import { callbackPending, createRating, type RatingRow } from './submit-rating';

const Score = z.number().int().min(1).max(5);
const Comment = z.string().trim().max(500).optional();
/**
 * Portal / SMS / WeChat link: by ticket number + tracking token, by ticket number + the phone's
 * SMS code (the same proof as tracking, for a citizen who tracked by code and has no token), or
 * by the callback link's token.
 */
export const PublicRatingInput = z.union([
  z.strictObject({
    number: z.string().regex(/^\d{13}$/),
    trackToken: z.string().max(64),
    score: Score,
    result: z.enum(CALLBACK_RESULTS).optional(),
    comment: Comment,
  }),
  z.strictObject({
    number: z.string().regex(/^\d{13}$/),
    phone: z.string().trim().max(20),
    code: z.string().regex(/^\d{6}$/),
    score: Score,
    result: z.enum(CALLBACK_RESULTS).optional(),
    comment: Comment,
  }),
  z.strictObject({ callbackId: z.uuid(), token: z.string().regex(/^[0-9a-f]{32}$/), score: Score, result: z.enum(CALLBACK_RESULTS), comment: Comment }),
]);
/** The public API /api/v1 proves the phone with its smsToken before it gets here (server/citizen/public-api.ts). */
export type PublicRatingInput =
  z.infer<typeof PublicRatingInput> | { number: string; verifiedPhone: string; score: number; result?: (typeof CALLBACK_RESULTS)[number]; comment?: string };

export interface PublicRatingOutcome {
  rating: RatingRow;
  duplicate: boolean;
  /** A callback task is open for this round: only then does the page say "we will call you". */
  callbackPending: boolean;
}

/** The citizen rates: with a tracking token, or through the callback link (which also answers the callback). */
export async function submitPublicRating(ctx: Ctx, b: PublicRatingInput): Promise<PublicRatingOutcome> {
  ctx.actor = { kind: 'citizen', citizenId: null };
  let verifiedPhoneHashes: string[] | null = null;
  if ('verifiedPhone' in b) verifiedPhoneHashes = ctx.svc.pii.hashes('phone', b.verifiedPhone);
  if ('phone' in b) {
    const m = normalizeMobile(b.phone);
    if (!m.ok) throw problem('PHONE_INVALID');
    // Codes are asked with purpose 'track': rating follows tracking on the same page.
    await verifySmsCode(ctx, m.normalized, 'track', b.code);
    verifiedPhoneHashes = ctx.svc.pii.hashes('phone', m.normalized);
  }
  const out = await inTransaction(ctx, async (tx) => {
    let ticketId: string;
    let callbackId: string | null = null;
    if ('callbackId' in b) {
      const [cb] = await tx.select().from(callbacks).where(eq(callbacks.id, b.callbackId));
      if (!cb || !ctx.svc.pii.tokenMatches('callback', cb.id, b.token)) throw problem('CALLBACK_NOT_FOUND');
      ticketId = cb.ticketId;
      callbackId = cb.id;
    } else {
      const [t] = await tx.select({ id: tickets.id, citizenId: tickets.citizenId }).from(tickets).where(eq(tickets.number, b.number));
      if (!t) throw problem('TICKET_NOT_FOUND');
      if ('trackToken' in b && !trackCodeMatches(ctx, b.number, b.trackToken)) throw problem('TICKET_NOT_FOUND');
      if (verifiedPhoneHashes) {
        // Only the ticket's own citizen rates it, as in tracking: a phone proven on the record (SMS code,
        // the CTI's caller number), not one merely typed in elsewhere; same answer as an unknown number.
        const owns =
          t.citizenId &&
          (
            await tx.execute(sql`select 1 from citizen_contacts where citizen_id = ${t.citizenId}
          and kind = 'phone' and value_hash in ${sqlList(verifiedPhoneHashes)} and verified_at is not null`)
          ).rows.length > 0;
        if (!owns) throw problem('TICKET_NOT_FOUND');
      }
      ticketId = t.id;
    }
    const ticket = await lockTicket(tx, ticketId);
    ctx.actor = { kind: 'citizen', citizenId: ticket.citizenId };
    if (!callbackId && b.result) {
      const [pending] = await tx
        .select({ id: callbacks.id })
        .from(callbacks)
        .where(and(eq(callbacks.ticketId, ticket.id), eq(callbacks.round, ticket.currentRound), eq(callbacks.status, 'pending')));
      callbackId = pending?.id ?? null;
    }
    if (callbackId && b.result) {
      const [cb] = await tx.select({ status: callbacks.status }).from(callbacks).where(eq(callbacks.id, callbackId));
      if (cb.status === 'pending') {
        await recordCallbackTx(tx, ctx, callbackId, { reached: true, result: b.result, score: b.score, note: b.comment }, 'sms');
        const [r] = await tx
          .select()
          .from(ratings)
          .where(and(eq(ratings.ticketId, ticket.id), eq(ratings.round, ticket.currentRound)));
        return { rating: r, duplicate: false, callbackPending: await callbackPending(tx, ticket.id, ticket.currentRound) };
      }
    }
    const rated = await createRating(tx, ctx, ticket, { score: b.score, source: 'portal', callbackId, comment: b.comment ?? null });
    return { ...rated, callbackPending: await callbackPending(tx, ticket.id, ticket.currentRound) };
  });
  return out;
}
