/**
 * IVR satisfaction key (满意度按键, channels.md §2) → a 好差评 rating. The key press arrives as a
 * CTI `survey_result` already mapped to a score; it rates the ticket of the callback task the call
 * was placed for (回访外呼, `callbackTaskId`), or otherwise every ticket registered for that call
 * (`call-<callId>`, and `call-<callId>#n` when one call produced several). A ticket that is not
 * closed gets no rating: the press is kept as ignored with its reason, never an error to the CTI
 * (which would only retry it). Idempotent by the CTI's eventId: one claim row per event.
 */
import { eq, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import { channelEvents } from '../../channels/tables';
import { callbacks } from '../../callbacks/tables';
import { lockTicket, type TicketRow } from '../../tickets/guard';
import { recordEvent } from '../../tickets/events';
import { createRating, RATEABLE } from './submit-rating';
import { inTransaction } from '../../platform/transaction';

export interface SurveyInput {
  eventId: string;
  callId?: string;
  callbackTaskId?: string;
  score: 1 | 2 | 3 | 4 | 5;
  at: string;
  channel: string;
}

export type SurveyTicketResult =
  | { ticketId: string; outcome: 'rated'; ratingId: string }
  | { ticketId: string; outcome: 'ignored'; reason: 'TICKET_NOT_CLOSED' | 'ALREADY_RATED' | 'CALLBACK_OTHER_ROUND' };

export interface SurveyOutcome {
  duplicate: boolean;
  /** NO_TICKET when neither the callback task nor the call names a ticket. */
  reason?: 'NO_TICKET';
  tickets: SurveyTicketResult[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function rateFromSurvey(ctx: Ctx, i: SurveyInput): Promise<SurveyOutcome> {
  const out = await inTransaction(ctx, (tx) => rateFromSurveyTx(tx, ctx, i));
  return out;
}

async function rateFromSurveyTx(tx: Tx, ctx: Ctx, i: SurveyInput): Promise<SurveyOutcome> {
  // The claim row is the idempotency record and, after the work below, the record of what happened.
  const [claim] = await tx
    .insert(channelEvents)
    .values({
      channel: i.channel,
      channelAccount: 'rating',
      type: 'rating.survey',
      externalId: i.eventId,
      data: { score: i.score, callId: i.callId ?? null, callbackTaskId: i.callbackTaskId ?? null },
      at: new Date(i.at),
    })
    .onConflictDoNothing()
    .returning({ id: channelEvents.id });
  if (!claim) return { duplicate: true, tickets: [] };

  const cb =
    i.callbackTaskId && UUID.test(i.callbackTaskId)
      ? (await tx.select().from(callbacks).where(eq(callbacks.id, i.callbackTaskId)).for('update'))[0]
      : undefined;
  let ticketIds: string[];
  if (cb) ticketIds = [cb.ticketId];
  else if (i.callId) {
    const base = `call-${i.callId}`;
    const like = base.replace(/[\\%_]/g, (c) => `\\${c}`) + '#%';
    ticketIds = (
      await tx.execute<{ id: string }>(sql`select id from tickets where channel = 'phone'
      and (external_id = ${base} or external_id like ${like}) order by created_at, id`)
    ).rows.map((r) => r.id);
  } else ticketIds = [];

  const results: SurveyTicketResult[] = [];
  for (const ticketId of ticketIds) results.push(await rateOne(tx, ctx, await lockTicket(tx, ticketId), i, cb));
  const reason = ticketIds.length ? undefined : ('NO_TICKET' as const);
  await tx
    .update(channelEvents)
    .set({
      type: results.some((r) => r.outcome === 'rated') ? 'rating.survey.rated' : 'rating.survey.ignored',
      ticketId: ticketIds[0] ?? null,
      data: { score: i.score, callId: i.callId ?? null, callbackTaskId: i.callbackTaskId ?? null, reason: reason ?? null, tickets: results },
    })
    .where(eq(channelEvents.id, claim.id));
  return { duplicate: false, reason, tickets: results };
}

async function rateOne(tx: Tx, ctx: Ctx, ticket: TicketRow, i: SurveyInput, cb: typeof callbacks.$inferSelect | undefined): Promise<SurveyTicketResult> {
  const ignore = async (reason: 'TICKET_NOT_CLOSED' | 'ALREADY_RATED' | 'CALLBACK_OTHER_ROUND'): Promise<SurveyTicketResult> => {
    // On the timeline too, so the agent sees the citizen pressed a key that did not count.
    await recordEvent(tx, ctx, ticket.id, { type: 'rating.ignored', reason, data: { score: i.score, source: 'ivr', eventId: i.eventId } });
    return { ticketId: ticket.id, outcome: 'ignored', reason };
  };
  if (!RATEABLE.includes(ticket.status)) return ignore('TICKET_NOT_CLOSED');
  if (cb && cb.round !== ticket.currentRound) return ignore('CALLBACK_OTHER_ROUND');
  if (cb?.status === 'pending') {
    // The callback task records the answer. The IVR gives a score only, no solved/unsolved: the
    // callback is done with its score, and a bad score goes to rectification (below), not to an
    // automatic reopen — that needs an agent's judgement of "unsolved".
    const attempts = cb.attempts + 1;
    await tx.update(callbacks).set({ status: 'done', attempts, score: i.score, channel: 'ivr', doneAt: ctx.now() }).where(eq(callbacks.id, cb.id));
    await recordEvent(tx, ctx, ticket.id, {
      type: 'callback.completed',
      unitId: cb.unitId,
      notifyUnitIds: cb.unitId ? [cb.unitId] : [],
      data: { callbackId: cb.id, reached: true, via: 'ivr', score: i.score, attempts },
    });
  }
  try {
    const { rating, duplicate } = await createRating(tx, ctx, ticket, { score: i.score, source: 'ivr', callbackId: cb?.id ?? null });
    if (duplicate) return ignore('ALREADY_RATED');
    return { ticketId: ticket.id, outcome: 'rated', ratingId: rating.id };
  } catch (e) {
    // createRating refuses before writing anything, so the transaction is still usable.
    if ((e as { code?: string }).code === 'RATING_ALREADY_SUBMITTED') return ignore('ALREADY_RATED');
    throw e;
  }
}
