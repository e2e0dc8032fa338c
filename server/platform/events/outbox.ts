import { z } from 'zod';
import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../db/client';
import { outbox } from '../db/plumbing-tables';
import { eventDefinition, isEventType, type AdminEventType, type EventType, type JobTopic } from './catalogue';

/**
 * What an outbox row carries (and, with `outboxId`/`topic` added by the relay, what its BullMQ job
 * and its socket invalidation carry). Consumers parse it with `parseOutboxMessage`.
 */
export const OutboxPayload = z.object({
  ticketId: z.string(),
  cause: z.string(),
  /** Units whose rooms must hear about it. */
  unitIds: z.array(z.string()),
  unitId: z.string().nullable(),
  /** The ticket's version after the event (= the event's seq); absent for rectification and job rows. */
  version: z.number().int().optional(),
  /** The appeal's channel, so a job that concerns one channel (WeChat media) skips the others unread. */
  channel: z.string().optional(),
  rectificationId: z.string().optional(),
  rectificationVersion: z.number().int().optional(),
  callbackId: z.string().optional(),
  attemptId: z.string().optional(),
});
export type OutboxPayload = z.infer<typeof OutboxPayload>;

/** An administrative change's row (admin_events): which change, for whoever follows the centre's set-up. */
export const AdminOutboxPayload = z.object({ cause: z.string(), adminEventId: z.string(), entity: z.string(), entityId: z.string(), action: z.string() });
export type AdminOutboxPayload = z.infer<typeof AdminOutboxPayload>;

/** What the relay adds to each job. */
const Delivered = OutboxPayload.extend({ outboxId: z.number().int(), topic: z.string() });
export type OutboxMessage = z.infer<typeof Delivered> & { topic: EventType };
const AdminDelivered = AdminOutboxPayload.extend({ outboxId: z.number().int(), topic: z.string() });
export type AdminOutboxMessage = z.infer<typeof AdminDelivered> & { topic: AdminEventType };

/** Fields each kind of row must have beyond the common ones. */
const required: Record<'ticket' | 'rectification' | 'job', (keyof OutboxPayload)[]> = {
  ticket: ['version'],
  rectification: ['rectificationId', 'rectificationVersion'],
  job: ['callbackId', 'attemptId'],
};

export type ParsedOutbox =
  { ok: true; kind: 'ticket'; message: OutboxMessage } | { ok: true; kind: 'admin'; message: AdminOutboxMessage } | { ok: false; error: string };

const issues = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ');

/** A relayed outbox message checked against the catalogue: a known topic, and the fields its kind needs. */
export function parseOutboxMessage(topic: string, data: unknown): ParsedOutbox {
  if (!isEventType(topic)) return { ok: false, error: `unknown topic ${topic}` };
  if (eventDefinition(topic).entity === 'admin') {
    const a = AdminDelivered.safeParse(data);
    return a.success ? { ok: true, kind: 'admin', message: { ...a.data, topic: topic as AdminEventType } } : { ok: false, error: issues(a.error) };
  }
  const r = Delivered.safeParse(data);
  if (!r.success) return { ok: false, error: issues(r.error) };
  const missing = required[eventDefinition(topic).entity as keyof typeof required].filter((k) => r.data[k] === undefined);
  if (missing.length) return { ok: false, error: `missing ${missing.join(', ')}` };
  return { ok: true, kind: 'ticket', message: { ...r.data, topic } };
}

/** A job topic's outbox row (callback dialling), written in the caller's transaction. */
export async function enqueueJob(tx: Tx, topic: JobTopic, p: { ticketId: string; callbackId: string; attemptId: string }) {
  const payload: OutboxPayload = { ...p, cause: topic, unitIds: [], unitId: null };
  await tx.insert(outbox).values({ topic, payload });
}

/** Rectification events' outbox rows (the ticket's and the unit's rooms refetch). */
export async function enqueueRectificationEvent(tx: Tx, topic: EventType, p: Omit<OutboxPayload, 'cause' | 'unitIds'>) {
  const payload: OutboxPayload = { ...p, cause: topic, unitIds: p.unitId ? [p.unitId] : [] };
  await tx.insert(outbox).values({ topic, payload });
}

/** The set-based form: `insert into outbox (topic, payload) select …` (recordEvent, the SLA sweeper). */
export function outboxInsertFrom(from: SQL, topic: SQL, payload: SQL): SQL {
  return sql`insert into outbox (topic, payload) select ${topic}, ${payload} from ${from}`;
}
