import { bigserial, boolean, integer, jsonb, pgTable, text, timestamp, uuid, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { tickets } from '../tickets/tables';

/** ivr: the caller's satisfaction key press (满意度按键) after a call or an outbound callback. */
export const RATING_SOURCES = ['callback', 'portal', 'sms', 'ivr'] as const;
export type RatingSource = (typeof RATING_SOURCES)[number];

/**
 * 好差评: one rating per ticket round, 5 非常满意 … 1 非常不满意, tied to the citizen, the ticket,
 * the handling unit and the clerk who replied. 2 or 1 is a bad review (差评). An excluded review
 * (contest upheld) stays, marked, and drops out of the satisfaction figures.
 */
export const ratings = pgTable(
  'ratings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id),
    round: integer('round').notNull(),
    citizenId: uuid('citizen_id'),
    unitId: uuid('unit_id'),
    handlerId: uuid('handler_id'),
    score: integer('score').notNull(),
    bad: boolean('bad').notNull(),
    realName: boolean('real_name').notNull().default(false),
    source: text('source').$type<RatingSource>().notNull(),
    callbackId: uuid('callback_id'),
    comment: text('comment'),
    excluded: boolean('excluded').notNull().default(false),
    excludedReason: text('excluded_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('ratings_ticket_round_uq').on(t.ticketId, t.round), index('ratings_unit_created_idx').on(t.unitId, t.createdAt)],
);

/** escalated: still unsatisfied after the last round; a supervisor decides (domain.md §4). */
export const RECTIFICATION_STATUSES = ['verifying', 'rectifying', 'reported', 'contested', 'escalated', 'closed'] as const;
export type RectificationStatus = (typeof RECTIFICATION_STATUSES)[number];
export const RECTIFICATION_OUTCOMES = ['rectified', 'citizen_unsatisfied', 'not_substantiated', 'excluded'] as const;
export type RectificationOutcome = (typeof RECTIFICATION_OUTCOMES)[number];

/** 差评整改: one case per bad review. */
export const rectifications = pgTable(
  'rectifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ratingId: uuid('rating_id')
      .notNull()
      .references(() => ratings.id),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id),
    unitId: uuid('unit_id'),
    status: text('status').$type<RectificationStatus>().notNull().default('verifying'),
    /** 1 for the first fix; a citizen still unsatisfied after the report starts the next round. */
    round: integer('round').notNull().default(1),
    statusBeforeContest: text('status_before_contest').$type<RectificationStatus>(),
    dueAt: timestamp('due_at', { withTimezone: true }),
    overdue: boolean('overdue').notNull().default(false),
    verifyNote: text('verify_note'),
    reportText: text('report_text'),
    reportedAt: timestamp('reported_at', { withTimezone: true }),
    contestReason: text('contest_reason'),
    outcome: text('outcome').$type<RectificationOutcome>(),
    outcomeNote: text('outcome_note'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    version: integer('version').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('rectifications_rating_uq').on(t.ratingId),
    index('rectifications_unit_status_idx').on(t.unitId, t.status),
    index('rectifications_due_idx').on(t.status, t.dueAt),
  ],
);

/** The rectification's own append-only timeline (the audit row and outbox row go beside it). */
export const rectificationEvents = pgTable(
  'rectification_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    rectificationId: uuid('rectification_id')
      .notNull()
      .references(() => rectifications.id),
    seq: integer('seq').notNull(),
    type: text('type').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    actorId: uuid('actor_id'),
    actorRole: text('actor_role'),
    unitId: uuid('unit_id'),
    reason: text('reason'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('rectification_events_seq_uq').on(t.rectificationId, t.seq)],
);
