/**
 * 先联系后办理: a unit reaches the citizen before it handles the appeal, without ever seeing the
 * number. The clerk asks for a call; the centre's CTI (or a masked-number bridge, 隐私号) rings
 * the clerk's own number and bridges it to the citizen, then reports how it went. Both steps are
 * timeline events; the first connected call of the lead unit counts for the response rate
 * (domain.md §5: "signed for (and citizen contacted) within limit").
 */
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { actorId, type Ctx } from '../../platform/context';
import { problem } from '../../platform/http/problems';
import { inTransaction } from '../../platform/transaction';
import { lockTicket, unitDispatchOf } from '../../tickets/guard';
import { recordEvent } from '../../tickets/events';
import { answeredInTime, markResponded } from '../response';
import { citizenContactRequests, CONTACT_OUTCOMES, dispatches } from '../tables';

export const RequestContactInput = z.strictObject({
  /** The clerk's own phone or extension the CTI rings first; never the citizen's. */
  callbackNumber: z.string().trim().regex(/^[0-9+\-#*]{3,20}$/),
});

export async function requestCitizenContact(ctx: Ctx, ticketId: string, input: z.infer<typeof RequestContactInput>) {
  return inTransaction(ctx, async (tx) => {
    const a = ctx.actor;
    if (a.kind !== 'staff' || a.role !== 'unit_clerk' || !a.unitId) throw problem('FORBIDDEN', 'a unit clerk asks for the call');
    const ticket = await lockTicket(tx, ticketId);
    const d = await unitDispatchOf(tx, ticket, a.unitId);
    if (!d) throw problem('TICKET_NOT_FOUND');
    if ( !['signed', 'in_progress', 'extension_requested'].includes(d.status)) {
      throw problem('TICKET_STATE_CONFLICT', 'contact the citizen after sign-for, while handling');
    }
    const [row] = await tx.insert(citizenContactRequests).values({
      ticketId: ticket.id, dispatchId: d.id, unitId: d.unitId, requestedBy: actorId(ctx.actor), callbackNumber: input.callbackNumber,
      requestedAt: ctx.now(),
    }).returning({ id: citizenContactRequests.id, status: citizenContactRequests.status, requestedAt: citizenContactRequests.requestedAt });
    // The outbox row of this event is the CTI/bridge's work order (it reads the number server-side).
    await recordEvent(tx, ctx, ticket.id, {
      type: 'citizen.contact_requested', unitId: d.unitId, notifyUnitIds: [d.unitId], data: { requestId: row!.id, dispatchId: d.id },
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
    const at = ctx.now();
    await tx.update(citizenContactRequests).set({ status: input.outcome, outcomeNote: input.note ?? null, outcomeAt: at })
      .where(eq(citizenContactRequests.id, r!.id));
    const [d] = await tx.select().from(dispatches).where(eq(dispatches.id, r!.dispatchId)).for('update');
    const first = input.outcome === 'connected' && !d!.citizenContactedAt;
    if (first) await tx.update(dispatches).set({ citizenContactedAt: at, updatedAt: at }).where(and(eq(dispatches.id, d!.id)));
    // On time: the lead signed by its deadline and reached the citizen within the same span after sign-for.
    const onTime = !!d!.signedAt && answeredInTime(d!, at);
    // The response rate counts the dispatch's first answer (a timely return before it counts instead).
    const respondedOnTime = input.outcome === 'connected' ? await markResponded(tx, d!, at) : false;
    await recordEvent(tx, ctx, r!.ticketId, {
      type: 'citizen.contact_completed', reason: input.note ?? null, unitId: d!.unitId, notifyUnitIds: [d!.unitId],
      data: { requestId: r!.id, dispatchId: d!.id, outcome: input.outcome, role: d!.role, firstContact: first, onTime: first && onTime, respondedOnTime },
    });
    return { id: r!.id, status: input.outcome, outcomeAt: at };
  });
}
