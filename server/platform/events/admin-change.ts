/**
 * The one way an administrative change is recorded: the centre's set-up (accounts, message
 * templates, 常用语 and unit reply templates, knowledge articles, the classifier, units, dispatch
 * rules, time-limit policies, holidays) changes like a ticket does — an `admin.changed` event
 * (admin_events), its audit row and its outbox row, all in the caller's transaction, so a change
 * that rolls back leaves none of them and one that commits leaves all three.
 */
import { actorId, actorRole, type Ctx } from '../context';
import type { Tx } from '../db/client';
import { adminEvents, outbox } from '../db/plumbing-tables';
import { writeAudit } from './audit';
import { checkEventData, type AdminEntity } from './catalogue';
import type { AdminOutboxPayload } from './outbox';

export interface AdminChange {
  entity: AdminEntity;
  id: string;
  /** A verb in snake case (`created`, `disabled`, `reloaded` …); the audit action is `{entity}.{action}`. */
  action: string;
  before?: unknown;
  after?: unknown;
  /** The audit row's data, when it says more (or less) than before/after. */
  audit?: Record<string, unknown>;
}

const TYPE = 'admin.changed' as const;

export async function recordAdminChange(tx: Tx, ctx: Ctx, c: AdminChange): Promise<string> {
  const data = {
    entity: c.entity,
    id: c.id,
    action: c.action,
    ...(c.before !== undefined ? { before: c.before } : {}),
    ...(c.after !== undefined ? { after: c.after } : {}),
  };
  checkEventData(TYPE, data);
  const at = ctx.now();
  const [row] = await tx
    .insert(adminEvents)
    .values({
      type: TYPE,
      entity: c.entity,
      entityId: c.id,
      action: c.action,
      actorId: actorId(ctx.actor),
      actorRole: actorRole(ctx.actor),
      requestId: ctx.requestId,
      before: c.before ?? null,
      after: c.after ?? null,
      at,
    })
    .returning({ id: adminEvents.id });
  await writeAudit(tx, ctx, {
    at,
    action: `${c.entity}.${c.action}`,
    entityType: c.entity,
    entityId: c.id,
    data: c.audit ?? { ...(c.before !== undefined ? { before: c.before } : {}), ...(c.after !== undefined ? { after: c.after } : {}) },
  });
  const payload: AdminOutboxPayload = { cause: TYPE, adminEventId: row.id, entity: c.entity, entityId: c.id, action: c.action };
  await tx.insert(outbox).values({ topic: TYPE, payload });
  return row.id;
}
