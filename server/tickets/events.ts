import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../platform/db/client';
import { actorId, actorName, actorRole, type Ctx } from '../platform/context';
import { tickets, ticketEvents, type TicketStatus } from './tables';
import { auditLog, outbox } from '../platform/db/plumbing-tables';

export interface EventInput {
  type: string;
  from?: TicketStatus | null;
  to?: TicketStatus | null;
  reason?: string | null;
  unitId?: string | null;
  data?: Record<string, unknown>;
  /** Units whose rooms must hear about it (defaults: none beyond supervisors/centre). */
  notifyUnitIds?: string[];
  /** Column updates applied with the version bump (status, flags, text…). */
  patch?: Partial<typeof tickets.$inferInsert>;
}

/**
 * The one way a ticket changes: bump its version (= the event's seq), apply the patch, append
 * the timeline event, the audit row and the outbox row, all inside the caller's transaction.
 * A crash anywhere leaves none of them.
 */
export async function recordEvent(tx: Tx, ctx: Ctx, ticketId: string, e: EventInput): Promise<number> {
  const at = ctx.now();
  const patch: Record<string, unknown> = { ...(e.patch ?? {}), updatedAt: at };
  if (e.to) patch.status = e.to;
  const [row] = await tx
    .update(tickets)
    .set({ ...patch, version: sql`${tickets.version} + 1` })
    .where(eq(tickets.id, ticketId))
    .returning({ version: tickets.version });
  const seq = row.version;
  const data = e.data ?? {};
  await tx.insert(ticketEvents).values({
    ticketId,
    seq,
    type: e.type,
    actorId: actorId(ctx.actor),
    actorRole: actorRole(ctx.actor),
    actorName: actorName(ctx.actor),
    unitId: e.unitId ?? null,
    fromStatus: e.from ?? null,
    toStatus: e.to ?? null,
    reason: e.reason ?? null,
    data,
    at,
  });
  await tx.insert(auditLog).values({
    at,
    actorId: actorId(ctx.actor),
    actorRole: actorRole(ctx.actor),
    action: e.type,
    entityType: 'ticket',
    entityId: ticketId,
    requestId: ctx.requestId,
    data: { seq, from: e.from ?? null, to: e.to ?? null },
  });
  await tx.insert(outbox).values({
    topic: e.type,
    payload: { ticketId, version: seq, cause: e.type, unitIds: e.notifyUnitIds ?? [], unitId: e.unitId ?? null },
  });
  return seq;
}
