import { sql } from 'drizzle-orm';
import { integer, jsonb, pgTable, text, timestamp, uuid, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { tickets } from '../tickets/tables';

/**
 * merged: a caller whose ticket was merged (并单) into the one that closed; they are called back too.
 * reopened: the round after a reopen (重办) closed; the citizen is always asked about the new answer.
 */
export const CALLBACK_REASONS = ['overdue', 'sample', 'bad_review', 'merged', 'reopened'] as const;
export type CallbackReason = (typeof CALLBACK_REASONS)[number];
export const CALLBACK_RESULTS = ['solved', 'partly', 'unsolved'] as const;
export type CallbackResult = (typeof CALLBACK_RESULTS)[number];
/** superseded: the ticket was reopened by hand while the task was open; it asked about a reply that was replaced. */
export const CALLBACK_STATUSES = ['pending', 'done', 'unreachable', 'cancelled', 'superseded'] as const;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

/**
 * A callback task (回访) for one closed round of a ticket. Created in the closing transaction
 * (mandatory when the limit expired, sampled otherwise), when a real-name bad review arrives, or
 * for a merged caller when the main ticket closes. One task per ticket × round whatever the
 * reason (the database holds it, migration 0016), so a replayed close or a bad review after a
 * sampled task makes no second call to the same citizen about the same answer.
 */
export const callbacks = pgTable(
  'callbacks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id),
    round: integer('round').notNull(),
    unitId: uuid('unit_id'),
    reason: text('reason').$type<CallbackReason>().notNull(),
    status: text('status').$type<CallbackStatus>().notNull().default('pending'),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    channel: text('channel'),
    result: text('result').$type<CallbackResult>(),
    score: integer('score'),
    note: text('note'),
    /** What followed: the ticket reopened (重办) or the callback closed with a reason. */
    decision: text('decision').$type<'reopened' | 'closed'>(),
    decisionReason: text('decision_reason'),
    agentId: uuid('agent_id'),
    doneAt: timestamp('done_at', { withTimezone: true }),
    /**
     * When the CTI dials it next (回访外呼, policy callbackBy = cti); null when no outbound call is
     * due (an agent's task, a call in progress, or done). The dialer sweep reads only this column.
     */
    nextDialAt: timestamp('next_dial_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('callbacks_ticket_round_uq').on(t.ticketId, t.round),
    index('callbacks_status_due_idx').on(t.status, t.dueAt),
    index('callbacks_next_dial_idx')
      .on(t.nextDialAt)
      .where(sql`next_dial_at is not null`),
  ],
);

export const CALLBACK_ATTEMPT_STATUSES = ['requested', 'placed', 'push_failed', 'answered', 'no_answer', 'busy', 'sent'] as const;
export type CallbackAttemptStatus = (typeof CALLBACK_ATTEMPT_STATUSES)[number];

/**
 * Each outbound attempt of a callback task: a CTI call (requested → placed → answered | no_answer |
 * busy, or push_failed when the CTI would not take it) or the SMS survey link it falls back to
 * (requested → sent). Written in the transaction that decides the attempt, beside its outbox row.
 */
export const callbackAttempts = pgTable(
  'callback_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    callbackId: uuid('callback_id')
      .notNull()
      .references(() => callbacks.id),
    attempt: integer('attempt').notNull(),
    channel: text('channel').$type<'phone' | 'sms'>().notNull(),
    status: text('status').$type<CallbackAttemptStatus>().notNull().default('requested'),
    callId: text('call_id'),
    detail: text('detail'),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('callback_attempts_uq').on(t.callbackId, t.attempt)],
);

/** Centre-wide settings for callbacks, rectification and reports: configurable per city, never hard-coded. */
export const feedbackSettings = pgTable('feedback_settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').$type<Record<string, unknown>>().notNull(),
  updatedBy: uuid('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
