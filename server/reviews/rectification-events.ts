import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../platform/db/client';
import { actorId, actorRole, type Ctx } from '../platform/context';
import { writeAudit } from '../platform/events/audit';
import { enqueueRectificationEvent } from '../platform/events/outbox';
import { checkEventData, type DatalessEventType, type EventData, type RectificationEventType } from '../platform/events/catalogue';
import { rectificationEvents, rectifications, type RectificationStatus } from './tables';

type RectRow = typeof rectifications.$inferSelect;

/**
 * The rectification counterpart of recordEvent: bump the case's version, apply the patch, append
 * its timeline event, an audit row and an outbox row (so the unit's and the ticket's rooms refetch),
 * all in the caller's transaction.
 */
type DataOf<T extends RectificationEventType> = T extends DatalessEventType ? { data?: EventData<T> } : { data: EventData<T> };

export async function recordRectificationEvent<T extends RectificationEventType>(
  tx: Tx,
  ctx: Ctx,
  rect: RectRow,
  e: {
    type: T;
    from?: RectificationStatus | null;
    to?: RectificationStatus | null;
    reason?: string | null;
    patch?: Partial<typeof rectifications.$inferInsert>;
  } & DataOf<T>,
): Promise<number> {
  checkEventData(e.type, e.data);
  const at = ctx.now();
  const patch: Record<string, unknown> = { ...(e.patch ?? {}), updatedAt: at };
  if (e.to) patch.status = e.to;
  const [row] = await tx
    .update(rectifications)
    .set({ ...patch, version: sql`${rectifications.version} + 1` })
    .where(eq(rectifications.id, rect.id))
    .returning({ version: rectifications.version });
  const seq = row.version;
  await tx.insert(rectificationEvents).values({
    rectificationId: rect.id,
    seq,
    type: e.type,
    fromStatus: e.from ?? null,
    toStatus: e.to ?? null,
    actorId: actorId(ctx.actor),
    actorRole: actorRole(ctx.actor),
    unitId: rect.unitId,
    reason: e.reason ?? null,
    data: (e.data ?? {}) as Record<string, unknown>,
    at,
  });
  await writeAudit(tx, ctx, {
    at,
    action: e.type,
    entityType: 'rectification',
    entityId: rect.id,
    data: { seq, from: e.from ?? null, to: e.to ?? null, ticketId: rect.ticketId },
  });
  await enqueueRectificationEvent(tx, e.type, { ticketId: rect.ticketId, rectificationId: rect.id, rectificationVersion: seq, unitId: rect.unitId });
  return seq;
}
