import { boolean, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { handlingUnits } from '../dispatch/tables';
import { tickets } from '../tickets/tables';

/**
 * How the city folded a department hotline into 12345 (the reform plan's four ways):
 *  main      — 12345 itself;
 *  merged    — 撤并保号: the old number is kept and rings at 12345 (12319 urban works, 12331 food and drug…);
 *  kept      — 保留对接: the department's own platform stays (12315, 12366, 12369…) and is connected;
 *  linked    — 联动对接: emergency lines (110/119/120/122) 12345 hands over to;
 *  cancelled — 直接取消: the number is gone; the CTI plays `announcement` (dial 12345 instead).
 */
export const LINE_MODES = ['main', 'merged', 'kept', 'linked', 'cancelled'] as const;
export type LineMode = (typeof LINE_MODES)[number];

/** The centre's lines, keyed by the dialled number (the CTI's `callee`). Rows are never deleted, so reports keep history. */
export const hotlineLines = pgTable('hotline_lines', {
  number: text('number').primaryKey(),
  name: text('name').notNull(),
  replacedDepartment: text('replaced_department'),
  mode: text('mode', { enum: LINE_MODES }).notNull(),
  defaultCategoryCode: text('default_category_code'),
  defaultUnitId: uuid('default_unit_id').references(() => handlingUnits.id),
  reportingTag: text('reporting_tag'),
  announcement: text('announcement'),
  active: boolean('active').notNull().default(true),
  modeSince: timestamp('mode_since', { withTimezone: true }).notNull().defaultNow(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const LINKAGE_STATUSES = ['transferred', 'acknowledged', 'followed_up'] as const;
export type LinkageStatus = (typeof LINKAGE_STATUSES)[number];
export const FOLLOW_UP_OUTCOMES = ['handled', 'in_progress', 'citizen_unreachable', 'not_handled'] as const;

/**
 * 联动对接: an emergency transfer as a case — when 12345 handed it over (target: within 5 minutes of
 * intake, domain.md §3), to which centre, that centre's acknowledgement, and 12345's own follow-up.
 */
export const emergencyLinkages = pgTable(
  'emergency_linkages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ticketId: uuid('ticket_id')
      .notNull()
      .unique()
      .references(() => tickets.id),
    line: text('line').notNull(),
    targetCentre: text('target_centre').notNull(),
    intakeAt: timestamp('intake_at', { withTimezone: true }).notNull(),
    transferredAt: timestamp('transferred_at', { withTimezone: true }).notNull(),
    transferredBy: uuid('transferred_by'),
    status: text('status', { enum: LINKAGE_STATUSES }).notNull().default('transferred'),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedBy: text('acknowledged_by'),
    acknowledgementNote: text('acknowledgement_note'),
    followUpDueAt: timestamp('follow_up_due_at', { withTimezone: true }).notNull(),
    followedUpAt: timestamp('followed_up_at', { withTimezone: true }),
    followUpOutcome: text('follow_up_outcome', { enum: FOLLOW_UP_OUTCOMES }),
    followUpNote: text('follow_up_note'),
    version: integer('version').notNull().default(1),
  },
  (t) => [index('emergency_linkages_open_idx').on(t.status, t.transferredAt), index('emergency_linkages_transferred_idx').on(t.transferredAt)],
);
