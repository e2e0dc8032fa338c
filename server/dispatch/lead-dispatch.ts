import { and, desc, eq, notInArray } from 'drizzle-orm';
import type { Queryable, Tx } from '../platform/db/client';
import { dispatches } from './tables';
import { SUPERSEDED_DISPATCH_STATUSES } from './states';

/**
 * "The current lead dispatch" (主办) of a ticket: the lead of the round given (the ticket's
 * current round unless said otherwise) that still stands — not returned, recalled or cancelled —
 * newest first, because a reassignment (改派) adds a second lead row to the same round. Every
 * reader goes through one of these two, so a recalled dispatch never names the unit.
 *
 * SQL form, for statements that join it: a subquery over `dispatches` for a ticket id expression
 * and a round expression, e.g. `left join lateral ${leadDispatchSql('t.id', 't.current_round')} l on true`.
 */
export function leadDispatchSql(ticketIdExpr: string, roundExpr: string): string {
  const superseded = SUPERSEDED_DISPATCH_STATUSES.map((s) => `'${s}'`).join(', ');
  return `(select * from dispatches where ticket_id = ${ticketIdExpr} and round = ${roundExpr} and role = 'lead'
    and status not in (${superseded}) order by dispatched_at desc, created_at desc limit 1)`;
}

/** The same, as a row; `lock` takes it FOR UPDATE inside the caller's transaction. */
export async function currentLeadDispatch(db: Queryable | Tx, ticket: { id: string; currentRound: number }, opts: { lock?: boolean } = {}) {
  const q = db
    .select()
    .from(dispatches)
    .where(
      and(
        eq(dispatches.ticketId, ticket.id),
        eq(dispatches.round, ticket.currentRound),
        eq(dispatches.role, 'lead'),
        notInArray(dispatches.status, SUPERSEDED_DISPATCH_STATUSES),
      ),
    )
    .orderBy(desc(dispatches.dispatchedAt), desc(dispatches.createdAt))
    .limit(1);
  const [row] = opts.lock ? await q.for('update') : await q;
  return row;
}
