import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { tickets } from '../tickets/tables';
import { dispatches, handlingUnits } from '../dispatch/tables';

/** 催办 urge (a chase to act now) or 督办 supervision (formal, with its own response deadline). */
export type SupervisionKind = 'urge' | 'supervision';
/** Raised by the SLA sweep (overdue past the policy's delay) or by a supervisor from the console. */
export type SupervisionSource = 'system' | 'supervisor';
export type SupervisionStatus = 'open' | 'responded' | 'closed';

/**
 * A supervision (督办) or urge (催办) case on one unit's dispatch: who raised it and why, when the
 * unit must answer, its answer, and when the centre closed it. The ticket's `supervised` flag is
 * the overlay; this is its history, counted per unit in /api/reports/supervision.
 */
export const supervisionCases = pgTable(
  'supervision_cases',
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
    kind: text('kind').$type<SupervisionKind>().notNull(),
    source: text('source').$type<SupervisionSource>().notNull(),
    raisedBy: uuid('raised_by'),
    reason: text('reason'),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull(),
    responseDueAt: timestamp('response_due_at', { withTimezone: true }),
    respondedAt: timestamp('responded_at', { withTimezone: true }),
    respondedBy: uuid('responded_by'),
    responseText: text('response_text'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    closedBy: uuid('closed_by'),
    closeNote: text('close_note'),
    status: text('status').$type<SupervisionStatus>().notNull().default('open'),
  },
  (t) => [
    index('supervision_cases_ticket_idx').on(t.ticketId),
    index('supervision_cases_unit_status_idx').on(t.unitId, t.status),
    index('supervision_cases_raised_idx').on(t.raisedAt),
    // The sweep raises at most one case per dispatch and kind: a replayed sweep inserts nothing.
    uniqueIndex('supervision_cases_system_uq')
      .on(t.dispatchId, t.kind)
      .where(sql`${t.source} = 'system'`),
  ],
);
