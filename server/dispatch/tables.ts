import { boolean, integer, jsonb, pgTable, text, timestamp, uuid, index, date, uniqueIndex } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { tickets } from '../tickets/tables';

export const UNIT_KINDS = ['centre', 'city_gov', 'district_gov', 'street', 'functional', 'utility'] as const;
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
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const DISPATCH_STATUSES = [
  'dispatched', 'signed', 'in_progress', 'return_requested', 'returned', 'extension_requested', 'replied', 'closed', 'cancelled',
] as const;
export type DispatchStatus = (typeof DISPATCH_STATUSES)[number];
export const OPEN_DISPATCH_STATUSES: DispatchStatus[] = ['dispatched', 'signed', 'in_progress', 'return_requested', 'extension_requested'];

/**
 * One unit's share of a ticket in one round. A ticket has one lead (主办) and any number of
 * assisting (协办) dispatches per round; each carries the policy in force and its own deadlines,
 * stored, so a later policy edit never moves a running clock.
 */
export const dispatches = pgTable(
  'dispatches',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ticketId: uuid('ticket_id').notNull().references(() => tickets.id),
    unitId: uuid('unit_id').notNull().references(() => handlingUnits.id),
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
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('dispatches_ticket_idx').on(t.ticketId),
    index('dispatches_unit_status_idx').on(t.unitId, t.status),
    index('dispatches_next_wake_idx').on(t.nextWakeAt).where(sql`${t.nextWakeAt} is not null`),
    index('dispatches_provisional_idx').on(t.id).where(sql`${t.deadlinesProvisional}`),
  ],
);

/** Dispatch catalogue (派单目录): category node × region → lead + default assisting units. */
export const dispatchRules = pgTable(
  'dispatch_rules',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    categoryCode: text('category_code').notNull(),
    regionCode: text('region_code').notNull().default('*'),
    leadUnitId: uuid('lead_unit_id').notNull().references(() => handlingUnits.id),
    assistingUnitIds: jsonb('assisting_unit_ids').$type<string[]>().notNull().default([]),
    note: text('note'),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('dispatch_rules_cat_region_uq').on(t.categoryCode, t.regionCode)],
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
