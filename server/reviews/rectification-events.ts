import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../platform/db/client';
import { actorId, actorRole, type Ctx } from '../platform/context';
import { auditLog, outbox } from '../platform/db/plumbing-tables';
import { rectificationEvents, rectifications, type RectificationStatus } from './tables';

type RectRow = typeof rectifications.$inferSelect;

/**
 * The rectification counterpart of recordEvent: bump the case's version, apply the patch, append
 * its timeline event, an audit row and an outbox row (so the unit's and the ticket's rooms refetch),
 * all in the caller's transaction.
 */
export async function recordRectificationEvent(
  tx: Tx, ctx: Ctx, rect: RectRow,
  e: { type: string; from?: RectificationStatus | null; to?: RectificationStatus | null; reason?: string | null;
    data?: Record<string, unknown>; patch?: Partial<typeof rectifications.$inferInsert> },
): Promise<number> {
  const at = ctx.now();
  const patch: Record<string, unknown> = { ...(e.patch ?? {}), updatedAt: at };
  if (e.to) patch.status = e.to;
  const [row] = await tx.update(rectifications).set({ ...patch, version: sql`${rectifications.version} + 1` })
    .where(eq(rectifications.id, rect.id)).returning({ version: rectifications.version });
  const seq = row.version;
  await tx.insert(rectificationEvents).values({
    rectificationId: rect.id, seq, type: e.type, fromStatus: e.from ?? null, toStatus: e.to ?? null,
    actorId: actorId(ctx.actor), actorRole: actorRole(ctx.actor), unitId: rect.unitId, reason: e.reason ?? null, data: e.data ?? {}, at,
  });
  await tx.insert(auditLog).values({
    at, actorId: actorId(ctx.actor), actorRole: actorRole(ctx.actor), action: e.type, entityType: 'rectification',
    entityId: rect.id, requestId: ctx.requestId, data: { seq, from: e.from ?? null, to: e.to ?? null, ticketId: rect.ticketId },
  });
  await tx.insert(outbox).values({
    topic: e.type,
    payload: { ticketId: rect.ticketId, rectificationId: rect.id, rectificationVersion: seq, cause: e.type, unitIds: rect.unitId ? [rect.unitId] : [], unitId: rect.unitId },
  });
  return seq;
}
