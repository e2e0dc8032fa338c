import { boolean, integer, jsonb, pgTable, text, timestamp, uuid, index, date, uniqueIndex } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { tickets } from '../tickets/tables';

/** `platform`: a department's own platform kept and connected (保留对接), reached over the exchange. */
export const UNIT_KINDS = ['centre', 'city_gov', 'district_gov', 'street', 'functional', 'utility', 'platform'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** Handling units (承办单位): city → district → street/town, plus functional departments and utilities. */
export const handlingUnits = pgTable('handling_units', {
  id: uuid('id').primaryKey().defaultRandom(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  kind: text('kind').$type<UnitKind>().notNull(),
  parentId: uuid('parent_id'),
  regionCode: text('region_code').notNull(),
  active: boolean('active').notNull().default(true),
  /** For a `platform` unit: the exchange peer its dispatches go to (channels.md §7). */
  exchangePeerId: text('exchange_peer_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

// The per-unit status machine lives in states.ts (data, like the ticket's); re-exported for the tables' users.
export { DISPATCH_STATUSES, OPEN_DISPATCH_STATUSES, type DispatchStatus } from './states';
import type { DispatchStatus } from './states';

/**
 * One unit's share of a ticket in one round. A ticket has one lead (主办) and any number of
 * assisting (协办) dispatches per round; each carries the policy in force and its own deadlines,
 * stored, so a later policy edit never moves a running clock.
 */
export const dispatches = pgTable(
  'dispatches',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => handlingUnits.id),
    role: text('role').$type<'lead' | 'assisting'>().notNull(),
    round: integer('round').notNull().default(1),
    status: text('status').$type<DispatchStatus>().notNull().default('dispatched'),
    ruleId: uuid('rule_id'),
    policy: jsonb('policy').$type<Record<string, unknown>>(),
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }).notNull(),
    signDueAt: timestamp('sign_due_at', { withTimezone: true }),
    replyDueAt: timestamp('reply_due_at', { withTimezone: true }),
    remindAt: timestamp('remind_at', { withTimezone: true }),
    returnWindowEndsAt: timestamp('return_window_ends_at', { withTimezone: true }),
    supervisionDueAt: timestamp('supervision_due_at', { withTimezone: true }),
    /** When the unit must answer the supervision (督办) case the sweep raises at `supervisionDueAt`. */
    supervisionResponseDueAt: timestamp('supervision_response_due_at', { withTimezone: true }),
    /** First feedback (首次反馈) due, for policies with a first-response limit (特急: 2 h after dispatch). */
    firstResponseDueAt: timestamp('first_response_due_at', { withTimezone: true }),
    /** The unit's first feedback or reply: stops the first-response clock. */
    firstRespondedAt: timestamp('first_responded_at', { withTimezone: true }),
    firstResponseOverdueAt: timestamp('first_response_overdue_at', { withTimezone: true }),
    /** The sweeper's column: the earliest moment something is due on this dispatch (null when nothing is). */
    nextWakeAt: timestamp('next_wake_at', { withTimezone: true }),
    /** Deadlines counted in a year whose holiday notice was not loaded yet; recomputed when it is. */
    deadlinesProvisional: boolean('deadlines_provisional').notNull().default(false),
    signedAt: timestamp('signed_at', { withTimezone: true }),
    repliedAt: timestamp('replied_at', { withTimezone: true }),
    remindedAt: timestamp('reminded_at', { withTimezone: true }),
    overdueAt: timestamp('overdue_at', { withTimezone: true }),
    supervisedAt: timestamp('supervised_at', { withTimezone: true }),
    replyText: text('reply_text'),
    /** 办理结果, 是否联系市民, contact time: the reply's structured fields (unit-handling.ts ReplyDetails). */
    replyDetails: jsonb('reply_details').$type<{ outcome: string | null; citizenContacted: boolean | null; contactedAt: string | null }>(),
    returnReasonCode: text('return_reason_code'),
    returnNote: text('return_note'),
    statusBeforeReturn: text('status_before_return'),
    improperReturn: boolean('improper_return').notNull().default(false),
    extensionCount: integer('extension_count').notNull().default(0),
    requestedDueDate: date('requested_due_date'),
    extensionReason: text('extension_reason'),
    /** 先联系后办理: when a contact request of this unit reached the citizen (response rate). */
    citizenContactedAt: timestamp('citizen_contacted_at', { withTimezone: true }),
    /** The unit's first answer: a connected call to the citizen or a return request (response.ts, response rate). */
    respondedAt: timestamp('responded_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('dispatches_ticket_idx').on(t.ticketId),
    index('dispatches_unit_status_idx').on(t.unitId, t.status),
    index('dispatches_next_wake_idx')
      .on(t.nextWakeAt)
      .where(sql`${t.nextWakeAt} is not null`),
    index('dispatches_provisional_idx')
      .on(t.id)
      .where(sql`${t.deadlinesProvisional}`),
  ],
);

/**
 * 抄送: a unit told about a ticket, with a read receipt. Not a dispatch: no clock, no reminder,
 * no overdue, no KPI; the unit reads it in its copies list and marks it read.
 */
export const dispatchCopies = pgTable(
  'dispatch_copies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => handlingUnits.id),
    round: integer('round').notNull(),
    note: text('note'),
    copiedBy: uuid('copied_by'),
    copiedAt: timestamp('copied_at', { withTimezone: true }).notNull(),
    readAt: timestamp('read_at', { withTimezone: true }),
    readBy: uuid('read_by'),
  },
  (t) => [uniqueIndex('dispatch_copies_ticket_unit_uq').on(t.ticketId, t.unitId), index('dispatch_copies_unit_idx').on(t.unitId, t.copiedAt)],
);

export const CONTACT_OUTCOMES = ['connected', 'no_answer', 'refused', 'failed'] as const;
export type ContactOutcome = (typeof CONTACT_OUTCOMES)[number];

/**
 * 先联系后办理: a unit's request that the centre's CTI (or a masked-number bridge) connect it with
 * the citizen. The unit gives the number to ring back on; the citizen's number stays with the
 * centre. The CTI/bridge reports the outcome.
 */
export const citizenContactRequests = pgTable(
  'citizen_contact_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id),
    dispatchId: uuid('dispatch_id')
      .notNull()
      .references(() => dispatches.id),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => handlingUnits.id),
    requestedBy: uuid('requested_by'),
    callbackNumber: text('callback_number').notNull(),
    /** `calling` while the masked-number bridge places the clerk's call (use-cases/contact-citizen.ts callCitizen). */
    status: text('status').$type<'requested' | 'calling' | ContactOutcome>().notNull().default('requested'),
    outcomeNote: text('outcome_note'),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    outcomeAt: timestamp('outcome_at', { withTimezone: true }),
    /** When the bridge call was claimed (`calling`); past INTERRUPTED_CALL_MINUTES the sweep records it failed, interrupted. */
    callingAt: timestamp('calling_at', { withTimezone: true }),
  },
  (t) => [
    index('citizen_contact_requests_ticket_idx').on(t.ticketId),
    index('citizen_contact_requests_open_idx')
      .on(t.requestedAt)
      .where(sql`${t.status} = 'requested'`),
    index('citizen_contact_requests_calling_idx')
      .on(t.callingAt)
      .where(sql`${t.status} = 'calling'`),
  ],
);

/** Dispatch catalogue (派单目录): category node × region → lead + default assisting units. */
export const dispatchRules = pgTable(
  'dispatch_rules',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The category tree version the code belongs to (categories.md §1); null: any version. A new version carries rules forward. */
    categoryVersion: integer('category_version'),
    categoryCode: text('category_code').notNull(),
    regionCode: text('region_code').notNull().default('*'),
    leadUnitId: uuid('lead_unit_id')
      .notNull()
      .references(() => handlingUnits.id),
    assistingUnitIds: jsonb('assisting_unit_ids').$type<string[]>().notNull().default([]),
    note: text('note'),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // NULLS NOT DISTINCT in the migration (0016): drizzle cannot say it; one rule per version, category and region.
  (t) => [uniqueIndex('dispatch_rules_version_cat_region_uq').on(t.categoryVersion, t.categoryCode, t.regionCode)],
);

/** Time-limit policies (限时办结) per region × appeal type × urgency; '*' matches any. */
export const slaPolicies = pgTable(
  'sla_policies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    regionCode: text('region_code').notNull().default('*'),
    appealType: text('appeal_type').notNull().default('*'),
    urgency: text('urgency').notNull().default('*'),
    rules: jsonb('rules').$type<Record<string, unknown>>().notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('sla_policies_key_uq').on(t.regionCode, t.appealType, t.urgency)],
);

/** The State Council holiday notice as data: statutory days off and make-up workdays (调休上班). */
export const holidays = pgTable('holidays', {
  date: date('date').primaryKey(),
  kind: text('kind').$type<'holiday' | 'workday'>().notNull(),
  name: text('name').notNull(),
});
