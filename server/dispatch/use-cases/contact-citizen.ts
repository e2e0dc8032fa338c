/**
 * 先联系后办理: a unit reaches the citizen before it handles the appeal, without ever seeing the
 * number. The clerk asks for a call; the centre's CTI (or a masked-number bridge, 隐私号) rings
 * the clerk's own number and bridges it to the citizen, then reports how it went. Both steps are
 * timeline events; the first connected call of the lead unit counts for the response rate
 * (domain.md §5: "signed for (and citizen contacted) within limit").
 */
import { and, asc, eq, lt } from 'drizzle-orm';
import { z } from 'zod';
import { actorId, type Ctx } from '../../platform/context';
import { problem } from '../../platform/http/problems';
import { inTransaction } from '../../platform/transaction';
import { lockTicket, unitDispatchOf } from '../../tickets/guard';
import { recordEvent } from '../../tickets/events';
import { answeredInTime, markResponded } from '../response';
import { citizenContactRequests, CONTACT_OUTCOMES, dispatches, type ContactOutcome } from '../tables';
import type { Tx } from '../../platform/db/client';
import { callerOf } from '../../tickets/queries';
import { writeAudit } from '../../platform/events/audit';
import { maskedCallFailures } from '../../platform/metrics';
import { maskedCallBridge, type MaskedCallResult } from '../masked-call';

export const RequestContactInput = z.strictObject({
  /** The clerk's own phone or extension the CTI rings first; never the citizen's. */
  callbackNumber: z
    .string()
    .trim()
    .regex(/^[0-9+\-#*]{3,20}$/),
});

export async function requestCitizenContact(ctx: Ctx, ticketId: string, input: z.infer<typeof RequestContactInput>) {
  return inTransaction(ctx, async (tx) => {
    const a = ctx.actor;
    if (a.kind !== 'staff' || a.role !== 'unit_clerk' || !a.unitId) throw problem('FORBIDDEN', 'a unit clerk asks for the call');
    const ticket = await lockTicket(tx, ticketId);
    const d = await unitDispatchOf(tx, ticket, a.unitId);
    if (!d) throw problem('TICKET_NOT_FOUND');
    if (!['signed', 'in_progress', 'extension_requested'].includes(d.status)) {
      throw problem('TICKET_STATE_CONFLICT', 'contact the citizen after sign-for, while handling');
    }
    const [row] = await tx
      .insert(citizenContactRequests)
      .values({
        ticketId: ticket.id,
        dispatchId: d.id,
        unitId: d.unitId,
        requestedBy: actorId(ctx.actor),
        callbackNumber: input.callbackNumber,
        requestedAt: ctx.now(),
      })
      .returning({ id: citizenContactRequests.id, status: citizenContactRequests.status, requestedAt: citizenContactRequests.requestedAt });
    // The outbox row of this event is the CTI/bridge's work order (it reads the number server-side).
    await recordEvent(tx, ctx, ticket.id, {
      type: 'citizen.contact_requested',
      unitId: d.unitId,
      notifyUnitIds: [d.unitId],
      data: { requestId: row!.id, dispatchId: d.id },
    });
    return row!;
  });
}

export const ContactOutcomeInput = z.strictObject({ outcome: z.enum(CONTACT_OUTCOMES), note: z.string().trim().max(500).optional() });

/** The CTI/bridge (or the centre agent who placed the call) records how the call went; once. */
export async function recordContactOutcome(ctx: Ctx, requestId: string, input: z.infer<typeof ContactOutcomeInput>) {
  return inTransaction(ctx, async (tx) => {
    const [req] = await tx.select().from(citizenContactRequests).where(eq(citizenContactRequests.id, requestId));
    if (!req) throw problem('NOT_FOUND');
    await lockTicket(tx, req.ticketId);
    const [r] = await tx.select().from(citizenContactRequests).where(eq(citizenContactRequests.id, requestId)).for('update');
    if (r!.status !== 'requested') throw problem('TICKET_STATE_CONFLICT', `contact request is ${r!.status}`);
    return completeContact(tx, ctx, r!, { outcome: input.outcome, note: input.note ?? null, via: 'centre', talkSeconds: null });
  });
}

type ContactRequestRow = typeof citizenContactRequests.$inferSelect;

/**
 * The outcome of a call, in the caller's transaction (ticket and request locked): the request, the
 * dispatch's contact and response stamps, and the timeline event (with its audit and outbox rows).
 */
async function completeContact(
  tx: Tx,
  ctx: Ctx,
  r: ContactRequestRow,
  o: { outcome: ContactOutcome; note: string | null; via: 'bridge' | 'centre'; talkSeconds: number | null },
) {
  const at = ctx.now();
  await tx.update(citizenContactRequests).set({ status: o.outcome, outcomeNote: o.note, outcomeAt: at }).where(eq(citizenContactRequests.id, r.id));
  const [d] = await tx.select().from(dispatches).where(eq(dispatches.id, r.dispatchId)).for('update');
  const first = o.outcome === 'connected' && !d!.citizenContactedAt;
  if (first)
    await tx
      .update(dispatches)
      .set({ citizenContactedAt: at, updatedAt: at })
      .where(and(eq(dispatches.id, d!.id)));
  // On time: the lead signed by its deadline and reached the citizen within the same span after sign-for.
  const onTime = !!d!.signedAt && answeredInTime(d!, at);
  // The response rate counts the dispatch's first answer (a timely return before it counts instead).
  const respondedOnTime = o.outcome === 'connected' ? await markResponded(tx, d!, at) : false;
  await recordEvent(tx, ctx, r.ticketId, {
    type: 'citizen.contact_completed',
    reason: o.note,
    unitId: d!.unitId,
    notifyUnitIds: [d!.unitId],
    data: {
      requestId: r.id,
      dispatchId: d!.id,
      outcome: o.outcome,
      role: d!.role,
      firstContact: first,
      onTime: first && onTime,
      respondedOnTime,
      via: o.via,
      talkSeconds: o.talkSeconds,
    },
  });
  return { id: r.id, status: o.outcome, outcomeAt: at, via: o.via, talkSeconds: o.talkSeconds };
}

/**
 * 隐私号: the clerk of the dispatch's unit calls the citizen through the masked-number bridge
 * (masked-call.ts). The citizen's number is read here, handed to the bridge, and never returned.
 * Three steps, so no transaction stays open during the call: claim the request (`calling`), place
 * the call, record the outcome (a bridge that fails records `failed`: the clerk asks again).
 */
export async function callCitizen(ctx: Ctx, requestId: string) {
  const a = ctx.actor;
  if (a.kind !== 'staff' || a.role !== 'unit_clerk' || !a.unitId) throw problem('FORBIDDEN', 'a unit clerk places the call');
  const bridge = maskedCallBridge();
  if (!bridge) throw problem('MASKED_CALL_UNAVAILABLE');
  const claim = await inTransaction(ctx, async (tx) => {
    const [req] = await tx.select().from(citizenContactRequests).where(eq(citizenContactRequests.id, requestId));
    // Another unit's request does not exist for this clerk.
    if (!req || req.unitId !== a.unitId) throw problem('NOT_FOUND');
    const ticket = await lockTicket(tx, req.ticketId);
    const [r] = await tx.select().from(citizenContactRequests).where(eq(citizenContactRequests.id, requestId)).for('update');
    if (r!.status !== 'requested') throw problem('TICKET_STATE_CONFLICT', `contact request is ${r!.status}`);
    const [d] = await tx.select({ status: dispatches.status }).from(dispatches).where(eq(dispatches.id, r!.dispatchId));
    if (!['signed', 'in_progress', 'extension_requested'].includes(d!.status)) {
      throw problem('TICKET_STATE_CONFLICT', 'contact the citizen after sign-for, while handling');
    }
    const { phone } = await callerOf(ctx, ticket.citizenId);
    if (!phone) throw problem('CITIZEN_NO_PHONE');
    await tx.update(citizenContactRequests).set({ status: 'calling', callingAt: ctx.now() }).where(eq(citizenContactRequests.id, r!.id));
    // The number is read for the bridge, on this clerk's request; they never see it.
    await writeAudit(tx, ctx, {
      action: 'pii.read',
      entityType: 'ticket',
      entityId: ticket.id,
      data: { fields: ['phone'], purpose: 'masked_call', requestId: r!.id, bridge: bridge.name },
    });
    return { req: r!, phone, ticketNumber: ticket.number };
  });
  let result: MaskedCallResult;
  try {
    result = await bridge.placeCall({ requestId, clerkNumber: claim.req.callbackNumber, citizenNumber: claim.phone, ticketNumber: claim.ticketNumber });
  } catch (err) {
    maskedCallFailures.inc({ bridge: bridge.name });
    ctx.log.warn({ err, requestId, ticketId: claim.req.ticketId, bridge: bridge.name }, 'masked call: the bridge failed; recorded as failed');
    result = { outcome: 'failed', talkSeconds: null, callId: '' };
  }
  return inTransaction(ctx, async (tx) => {
    await lockTicket(tx, claim.req.ticketId);
    const [r] = await tx.select().from(citizenContactRequests).where(eq(citizenContactRequests.id, requestId)).for('update');
    if (r!.status !== 'calling') throw problem('TICKET_STATE_CONFLICT', `contact request is ${r!.status}`);
    const note = result.outcome === 'connected' && result.talkSeconds !== null ? `隐私号通话 ${result.talkSeconds} 秒` : null;
    return completeContact(tx, ctx, r!, { outcome: result.outcome, note, via: 'bridge', talkSeconds: result.talkSeconds });
  });
}

/**
 * How long a request may stay `calling` before it counts as interrupted. The bridge answers only once the
 * call has ended (its answer carries the talk time), so the bound has to outlast ringing both legs plus the
 * longest real conversation, or a call still going on would be cut off on the record and its true outcome
 * refused. An hour is well past any clerk's call to a citizen; waiting that long costs little, because the
 * clerk can ask for a new call at any time while the old request is stuck.
 */
export const INTERRUPTED_CALL_MINUTES = 60;

/**
 * 隐私号 calls whose process died mid-call stay `calling` for ever: past the bound they are recorded as
 * `failed`, reason `interrupted` (request, timeline event, audit and outbox rows in one transaction per
 * request), so the ticket shows the call did not happen and the clerk knows to ask again. Run by the cron
 * role's sweep (jobs/contact-call-sweep.job.ts); idempotent. Returns how many were recorded.
 */
export async function failInterruptedCalls(ctx: Ctx): Promise<number> {
  const before = new Date(ctx.now().getTime() - INTERRUPTED_CALL_MINUTES * 60_000);
  const stale = await ctx.db
    .select({ id: citizenContactRequests.id, ticketId: citizenContactRequests.ticketId })
    .from(citizenContactRequests)
    .where(and(eq(citizenContactRequests.status, 'calling'), lt(citizenContactRequests.callingAt, before)))
    .orderBy(asc(citizenContactRequests.callingAt))
    .limit(200);
  let n = 0;
  for (const s of stale) {
    // Ticket first, then the request: the lock order of callCitizen's last step, which may be finishing the call right now.
    const done = await inTransaction(ctx, async (tx) => {
      await lockTicket(tx, s.ticketId);
      const [r] = await tx.select().from(citizenContactRequests).where(eq(citizenContactRequests.id, s.id)).for('update');
      if (r!.status !== 'calling' || !r!.callingAt || r!.callingAt >= before) return false;
      await completeContact(tx, ctx, r!, { outcome: 'failed', note: 'interrupted', via: 'bridge', talkSeconds: null });
      return true;
    });
    if (done) n++;
  }
  if (n) ctx.log.warn({ count: n, minutes: INTERRUPTED_CALL_MINUTES }, 'masked call: calls left calling past the bound recorded as failed (interrupted)');
  return n;
}
