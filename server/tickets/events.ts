import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Tx } from '../platform/db/client';
import { actorId, actorName, actorRole, type Ctx } from '../platform/context';
import { tickets, type TicketStatus } from './tables';
import { onTicketEvent } from '../reports/on-ticket-event';
import { rollsUpAfterCommit } from '../reports/rollup';
import { checkEventData, type DatalessEventType, type EventData, type TicketEventType } from '../platform/events/catalogue';
import { auditInsertFrom } from '../platform/events/audit';
import { outboxInsertFrom, type OutboxPayload } from '../platform/events/outbox';

/** `data` as the catalogue defines it for the type; optional where the type carries none. */
type DataOf<T extends TicketEventType> = T extends DatalessEventType ? { data?: EventData<T> } : { data: EventData<T> };

export type EventInput<T extends TicketEventType = TicketEventType> = EventFields & { type: T } & DataOf<T>;

interface EventFields {
  from?: TicketStatus | null;
  to?: TicketStatus | null;
  reason?: string | null;
  unitId?: string | null;
  /** Units whose rooms must hear about it (defaults: none beyond supervisors/centre). */
  notifyUnitIds?: string[];
  /** Column updates applied with the version bump (status, flags, text…). */
  patch?: Partial<typeof tickets.$inferInsert>;
  /** When it happened, if the caller already fixed the instant (intake stamps row and event alike). */
  at?: Date;
  /**
   * One more INSERT that belongs to this change, sent in the same statement (a data-modifying CTE)
   * instead of a round trip of its own: the intake's same-matter signature.
   */
  alsoInsert?: SQL | null;
}

const TICKET_COLUMNS = getTableColumns(tickets) as Record<string, PgColumn>;

/**
 * The one way a ticket changes: bump its version (= the event's seq), apply the patch, append
 * the timeline event, the audit row and the outbox row, inside the caller's transaction. It is
 * one SQL statement (data-modifying CTEs), so a transition costs one round trip here, and a
 * crash anywhere leaves none of the four writes. An event counted after commit (intake, see
 * ROLLUP_AFTER_COMMIT) also appends its rollup marker in that statement.
 */
export async function recordEvent<T extends TicketEventType>(tx: Tx, ctx: Ctx, ticketId: string, e: EventInput<T>): Promise<number> {
  checkEventData(e.type, e.data);
  const at = e.at ?? ctx.now();
  const patch: Record<string, unknown> = { ...(e.patch ?? {}) };
  if (e.to) patch.status = e.to;
  const sets: SQL[] = [sql`version = version + 1`, sql`updated_at = ${at}`];
  for (const [key, value] of Object.entries(patch)) {
    const col = TICKET_COLUMNS[key];
    if (!col) throw new Error(`recordEvent: unknown ticket column ${key}`);
    sets.push(sql`${sql.identifier(col.name)} = ${col.columnType === 'PgJsonb' && value != null ? JSON.stringify(value) : value}`);
  }
  const eventData = (e.data ?? {}) as Record<string, unknown>;
  const data = JSON.stringify(eventData);
  const outboxPayload: Omit<OutboxPayload, 'version'> = {
    ticketId,
    cause: e.type,
    unitIds: e.notifyUnitIds ?? [],
    unitId: e.unitId ?? null,
    // The channel rides along so a job that only concerns one channel (WeChat media) can skip the others unread.
    ...(typeof eventData.channel === 'string' ? { channel: eventData.channel } : {}),
  };
  const r = await tx.execute<{ version: number }>(sql`
    with t as (
      update tickets set ${sql.join(sets, sql`, `)} where id = ${ticketId} returning version
    ), ev as (
      insert into ticket_events (ticket_id, seq, type, actor_id, actor_role, actor_name, unit_id, from_status, to_status, reason, data, at)
      select ${ticketId}, t.version, ${e.type}, ${actorId(ctx.actor)}, ${actorRole(ctx.actor)}, ${actorName(ctx.actor)},
        ${e.unitId ?? null}, ${e.from ?? null}, ${e.to ?? null}, ${e.reason ?? null}, ${data}::jsonb, ${at} from t
    ), au as (
      ${auditInsertFrom(sql`t`, {
        at: sql`${at}`,
        actorId: sql`${actorId(ctx.actor)}::uuid`,
        actorRole: sql`${actorRole(ctx.actor)}`,
        action: sql`${e.type}`,
        entityType: sql`'ticket'`,
        entityId: sql`${ticketId}`,
        requestId: sql`${ctx.requestId}`,
        data: sql`jsonb_build_object('seq', t.version, 'from', ${e.from ?? null}::text, 'to', ${e.to ?? null}::text)`,
      })}
    ), ob as (
      ${outboxInsertFrom(sql`t`, sql`${e.type}`, sql`${JSON.stringify(outboxPayload)}::jsonb || jsonb_build_object('version', t.version)`)}
    )${rollsUpAfterCommit(e.type) ? sql`, rp as (insert into report_rollup_pending (ticket_id, seq) select ${ticketId}, t.version from t)` : sql``}${
      e.alsoInsert ? sql`, also as (${e.alsoInsert})` : sql``
    }
    select version from t`);
  if (r.rows.length === 0) throw new Error(`recordEvent: ticket ${ticketId} not found`);
  await onTicketEvent(tx, ctx, ticketId, { type: e.type, unitId: e.unitId, data: eventData }, at); // reports rollup, callback on close, knowledge usage (issue 8)
  return r.rows[0].version;
}
