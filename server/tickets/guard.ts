import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../platform/db/client';
import type { Ctx } from '../platform/context';
import { problem } from '../platform/http/problems';
import { tickets } from './tables';
import { dispatches, OPEN_DISPATCH_STATUSES } from '../dispatch/tables';
import { transitionFor, type TicketAction, type Transition } from './states';

export type TicketRow = typeof tickets.$inferSelect;
export type DispatchRow = typeof dispatches.$inferSelect;

/** SELECT … FOR UPDATE: two people acting on one ticket serialise here, the second sees the new state. */
export async function lockTicket(tx: Tx, ticketId: string): Promise<TicketRow> {
  const [t] = await tx.select().from(tickets).where(eq(tickets.id, ticketId)).for('update');
  if (!t) throw problem('TICKET_NOT_FOUND');
  return t;
}

/** The acting clerk's open dispatch on this ticket's current round, if any. */
export async function unitDispatchOf(tx: Tx, ticket: TicketRow, unitId: string): Promise<DispatchRow | undefined> {
  const [d] = await tx
    .select()
    .from(dispatches)
    .where(
      and(
        eq(dispatches.ticketId, ticket.id),
        eq(dispatches.unitId, unitId),
        eq(dispatches.round, ticket.currentRound),
        inArray(dispatches.status, [...OPEN_DISPATCH_STATUSES, 'replied']),
      ),
    )
    .for('update');
  return d;
}

export interface Guarded {
  ticket: TicketRow;
  transition: Transition;
  /** For unit clerks: their dispatch on the ticket. */
  unitDispatch?: DispatchRow;
}

/**
 * Load, authorise, check the transition, in that order. Role first (403), then unit
 * ownership (403, no hint the ticket exists), then state (409).
 */
export async function guardAction(tx: Tx, ctx: Ctx, ticketId: string, action: TicketAction, opts: { checkState?: boolean } = {}): Promise<Guarded> {
  const transition = transitionFor(action);
  if (!transition) throw problem('UNKNOWN_ACTION', action);
  const a = ctx.actor;
  if (a.kind !== 'staff' || !transition.roles.includes(a.role)) throw problem('FORBIDDEN', `role may not ${action}`);
  const ticket = await lockTicket(tx, ticketId);
  let unitDispatch: DispatchRow | undefined;
  if (a.role === 'unit_clerk') {
    unitDispatch = a.unitId ? await unitDispatchOf(tx, ticket, a.unitId) : undefined;
    if (!unitDispatch) throw problem('TICKET_NOT_FOUND');
    if (transition.unitMustBe === 'lead' && unitDispatch.role !== 'lead') throw problem('NOT_LEAD_UNIT');
  }
  // An assisting unit's own steps follow its dispatch, not the ticket (the lead drives the ticket).
  const assisting = unitDispatch?.role === 'assisting';
  if (opts.checkState !== false && !assisting) assertFrom(ticket, transition);
  return { ticket, transition, unitDispatch };
}

export function assertFrom(ticket: TicketRow, t: Transition) {
  if (!t.from.includes(ticket.status)) {
    throw problem('TICKET_STATE_CONFLICT', `${ticket.status} → ${t.to} is not allowed`, { from: ticket.status, action: t.action });
  }
}
