/**
 * Recording a callback's outcome (回访结果): solved / partly / unsolved and the 5-level rating.
 * Unsolved or dissatisfied → the ticket is reopened (重办: closed → reopened, then the dispatcher
 * redispatches) or, when the policy lets the agent decide, closed with a reason. One transaction:
 * callback row, rating (and its rectification case), reopen, events.
 */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../../platform/db/client';
import type { Ctx } from '../../platform/context';
import { problem } from '../../platform/http/problems';
import { lockTicket } from '../../tickets/guard';
import { reopenLockedTicket } from '../../tickets/use-cases/review-reply';
import { recordEvent } from '../../tickets/events';
import { callbacks, CALLBACK_RESULTS } from '../tables';
import { getPolicy } from '../policy';
import { createRating } from '../../reviews/use-cases/submit-rating';
import type { RatingSource } from '../../reviews/tables';
import { inTransaction } from '../../platform/transaction';

export const RecordCallbackInput = z
  .strictObject({
    reached: z.boolean(),
    result: z.enum(CALLBACK_RESULTS).optional(),
    score: z.number().int().min(1).max(5).optional(),
    note: z.string().trim().max(2000).optional(),
    /** Only when the policy is agent_decides and the citizen is dissatisfied. */
    decision: z.enum(['reopen', 'close']).optional(),
    decisionReason: z.string().trim().min(1).max(2000).optional(),
  })
  .refine((v) => !v.reached || (v.result && v.score), { message: 'a reached citizen gives a result and a score', path: ['result'] });
export type RecordCallbackInput = z.infer<typeof RecordCallbackInput>;

export async function recordCallback(ctx: Ctx, callbackId: string, input: RecordCallbackInput, source: RatingSource = 'callback') {
  const out = await inTransaction(ctx, async (tx) => recordCallbackTx(tx, ctx, callbackId, input, source));
  return out;
}

export async function recordCallbackTx(tx: Tx, ctx: Ctx, callbackId: string, input: RecordCallbackInput, source: RatingSource) {
  const a = ctx.actor;
  const [cb] = await tx.select().from(callbacks).where(eq(callbacks.id, callbackId)).for('update');
  if (!cb) throw problem('CALLBACK_NOT_FOUND');
  if (cb.status === 'superseded') throw problem('CALLBACK_SUPERSEDED', undefined, { status: cb.status });
  if (cb.status !== 'pending') throw problem('CALLBACK_ALREADY_DONE', undefined, { status: cb.status });
  const ticket = await lockTicket(tx, cb.ticketId);
  // A merged caller's task (并单) judges the main ticket's answer: its state decides, its unit is rated.
  const subject = ticket.mergedIntoId && ['merged', 'archived'].includes(ticket.status) ? await lockTicket(tx, ticket.mergedIntoId) : ticket;
  const sameRound = subject === ticket ? ticket.currentRound === cb.round : true;
  if (!sameRound || !['closed', 'archived'].includes(subject.status)) {
    throw problem('TICKET_NOT_CLOSED', `ticket is ${subject.status} round ${subject.currentRound}`);
  }
  const policy = await getPolicy(tx);
  const at = ctx.now();
  const agentId = a.kind === 'staff' ? a.id : null;
  if (!input.reached) {
    const attempts = cb.attempts + 1;
    const status = attempts >= policy.maxAttempts ? 'unreachable' : 'pending';
    await tx
      .update(callbacks)
      .set({ attempts, status, note: input.note ?? cb.note, agentId, ...(status !== 'pending' ? { doneAt: at } : {}) })
      .where(eq(callbacks.id, cb.id));
    await recordEvent(tx, ctx, ticket.id, { type: 'callback.completed', data: { callbackId: cb.id, reached: false, attempts, status } });
    return { callbackId: cb.id, status, decision: null as string | null };
  }
  const dissatisfied = input.result === 'unsolved' || (input.result === 'partly' && policy.partlyIsDissatisfied) || input.score! <= 2;
  let decision: 'reopened' | 'closed' | null = null;
  if (dissatisfied) {
    if (policy.onDissatisfied === 'reopen') decision = 'reopened';
    else if (!input.decision || (input.decision === 'close' && !input.decisionReason)) throw problem('CALLBACK_DECISION_REQUIRED');
    else decision = input.decision === 'reopen' ? 'reopened' : 'closed';
  }
  await tx
    .update(callbacks)
    .set({
      status: 'done',
      attempts: cb.attempts + 1,
      result: input.result,
      score: input.score,
      note: input.note ?? null,
      agentId,
      doneAt: at,
      channel: source === 'callback' ? 'phone' : source,
      decision,
      decisionReason: input.decisionReason ?? null,
    })
    .where(eq(callbacks.id, cb.id));
  await recordEvent(tx, ctx, ticket.id, {
    type: 'callback.completed',
    unitId: cb.unitId,
    notifyUnitIds: cb.unitId ? [cb.unitId] : [],
    data: { callbackId: cb.id, reached: true, result: input.result, score: input.score, decision },
  });
  const { rating } = await createRating(tx, ctx, ticket, { score: input.score!, source, callbackId: cb.id, comment: input.note ?? null, subject }).catch(
    (e) => {
      // The citizen already rated on the portal: the callback keeps its own answer, the first rating stands.
      if ((e as { code?: string }).code === 'RATING_ALREADY_SUBMITTED') return { rating: null };
      throw e;
    },
  );
  if (decision === 'reopened') {
    // The reopen use case itself, in this transaction, so the callback and the reopen commit together.
    await reopenLockedTicket(tx, ctx, subject, {
      reason: input.decisionReason ?? `回访${input.result === 'unsolved' ? '未解决' : '不满意'}`,
      callbackId: cb.id,
    });
  }
  return { callbackId: cb.id, status: 'done', decision, ratingId: rating?.id ?? null };
}
