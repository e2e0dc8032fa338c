import { sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../db/client';
import { actorId, actorRole, type Ctx } from '../context';
import { auditLog } from '../db/plumbing-tables';

export interface AuditEntry {
  /** What happened: an event type, or `pii.read` / `attachment.read` … for reads of personal data. */
  action: string;
  entityType: 'ticket' | 'rectification' | 'citizen' | 'attachment' | 'knowledge_article' | 'callback' | string;
  entityId: string;
  data?: Record<string, unknown>;
  at?: Date;
  /**
   * Only where the person is known before the context names them: a login's second step runs
   * anonymously until the code is checked, yet the row must say whose account it was.
   */
  actor?: { id: string; role: string | null };
}

/**
 * The one way an audit row is written (domain.md: every state change and every read of unmasked
 * personal data). Who acted and under which request come from the context, never from the caller.
 */
export async function writeAudit(db: Db | Tx, ctx: Ctx, e: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    at: e.at ?? ctx.now(),
    actorId: e.actor ? e.actor.id : actorId(ctx.actor),
    actorRole: e.actor ? e.actor.role : actorRole(ctx.actor),
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId,
    requestId: ctx.requestId,
    data: e.data ?? {},
  });
}

/**
 * The same row for the set-based writers (recordEvent's single statement, the SLA sweeper):
 * `insert into audit_log (…) select …` over `rows`, a FROM clause whose columns are named below.
 */
export function auditInsertFrom(
  from: SQL,
  cols: { at: SQL; actorId: SQL; actorRole: SQL; action: SQL; entityType: SQL; entityId: SQL; requestId: SQL; data: SQL },
): SQL {
  return sql`insert into audit_log (at, actor_id, actor_role, action, entity_type, entity_id, request_id, data)
    select ${cols.at}, ${cols.actorId}, ${cols.actorRole}, ${cols.action}, ${cols.entityType}, ${cols.entityId}, ${cols.requestId}, ${cols.data} from ${from}`;
}
