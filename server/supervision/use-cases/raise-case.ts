/**
 * A supervisor urges (催办) or supervises (督办) a ticket from the console: a case on the unit's
 * open dispatch of the current round (the lead's unless another unit is named), with the
 * unit's response due per the dispatch's policy. 督办 also raises the ticket's `supervised`
 * overlay until the centre closes the last open supervision case.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../platform/context';
import { actorId } from '../../platform/context';
import { problem } from '../../platform/http/problems';
import { inTransaction } from '../../platform/transaction';
import { dispatches, OPEN_DISPATCH_STATUSES } from '../../dispatch/tables';
import { lockTicket } from '../../tickets/guard';
import { recordEvent } from '../../tickets/events';
import { calendarOf } from '../../sla/extension';
import { computeCaseResponseDueAt, type SlaPolicy } from '../../sla/policy';
import { supervisionCases, type SupervisionKind } from '../tables';
import { presentCase } from '../present';

export const RaiseCaseInput = z.strictObject({
  note: z.string().trim().min(1).max(2000),
  /** The unit to urge or supervise; default the lead unit. */
  unitId: z.uuid().optional(),
});
export type RaiseCaseInput = z.infer<typeof RaiseCaseInput>;

/** Who may raise which kind: the centre chases (催办); formal supervision (督办) is the supervisor's. */
export const RAISE_ROLES = { urge: ['dispatcher', 'supervisor'], supervision: ['supervisor'] } as const;

export async function raiseCase(ctx: Ctx, ticketId: string, kind: SupervisionKind, input: RaiseCaseInput) {
  return inTransaction(ctx, async (tx) => {
    const ticket = await lockTicket(tx, ticketId);
    const [d] = await tx
      .select()
      .from(dispatches)
      .where(
        and(
          eq(dispatches.ticketId, ticket.id),
          eq(dispatches.round, ticket.currentRound),
          inArray(dispatches.status, OPEN_DISPATCH_STATUSES),
          input.unitId ? eq(dispatches.unitId, input.unitId) : eq(dispatches.role, 'lead'),
        ),
      )
      .orderBy(asc(dispatches.dispatchedAt))
      .limit(1);
    if (!d) throw problem('NO_OPEN_DISPATCH');
    const at = ctx.now();
    const responseDueAt = computeCaseResponseDueAt(await calendarOf(tx), d.policy as unknown as SlaPolicy, kind, at);
    const [c] = await tx
      .insert(supervisionCases)
      .values({
        ticketId: ticket.id,
        dispatchId: d.id,
        unitId: d.unitId,
        kind,
        source: 'supervisor',
        raisedBy: actorId(ctx.actor),
        reason: input.note,
        raisedAt: at,
        responseDueAt,
      })
      .returning();
    await recordEvent(tx, ctx, ticket.id, {
      type: kind === 'urge' ? 'ticket.urged' : 'supervision.opened',
      reason: input.note,
      unitId: d.unitId,
      notifyUnitIds: [d.unitId],
      data: { caseId: c.id, dispatchId: d.id, unitId: d.unitId, responseDueAt },
      patch: kind === 'supervision' ? { supervised: true } : {},
    });
    return presentCase(c, at);
  });
}
