import { boolean, customType, integer, jsonb, pgTable, text, timestamp, uuid, index, uniqueIndex, bigserial } from 'drizzle-orm/pg-core';
import { citizens } from '../identity/tables';

// The codes are the contract shared with the console (contract/enums.ts).
import type { AppealType, TicketStatus, Urgency } from '../../contract/enums';
export { TICKET_STATUSES, APPEAL_TYPES, URGENCIES, EMERGENCY_LINES, type TicketStatus, type AppealType, type Urgency } from '../../contract/enums';

/** One ticket (工单) per appeal. Overlays (overdue, supervised…) are flags with their own events, not states. */
export const tickets = pgTable(
  'tickets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    number: text('number').notNull().unique(),
    status: text('status').$type<TicketStatus>().notNull().default('received'),
    channel: text('channel').notNull(),
    channelAccount: text('channel_account').notNull().default(''),
    externalId: text('external_id').notNull(),
    citizenId: uuid('citizen_id').references(() => citizens.id),
    anonymousToUnits: boolean('anonymous_to_units').notNull().default(false),
    title: text('title').notNull(),
    content: text('content').notNull(),
    /** Address as given (encrypted); regionCode is the coarse place used for routing and reports. */
    addressEnc: text('address_enc'),
    regionCode: text('region_code'),
    appealType: text('appeal_type').$type<AppealType>(),
    urgency: text('urgency').$type<Urgency>().notNull().default('normal'),
    emergency: text('emergency'),
    categoryCode: text('category_code'),
    categoryVersion: integer('category_version'),
    suggestion: jsonb('suggestion').$type<Record<string, unknown>>(),
    classifierVersion: text('classifier_version'),
    declineReason: text('decline_reason'),
    mergedIntoId: uuid('merged_into_id'),
    answerText: text('answer_text'),
    replyText: text('reply_text'),
    currentRound: integer('current_round').notNull().default(0),
    reopenCount: integer('reopen_count').notNull().default(0),
    overdue: boolean('overdue').notNull().default(false),
    reminded: boolean('reminded').notNull().default(false),
    supervised: boolean('supervised').notNull().default(false),
    escalated: boolean('escalated').notNull().default(false),
    /** Bumped by every event; the event's seq; clients compare it to skip stale refetches. */
    version: integer('version').notNull().default(0),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    repliedAt: timestamp('replied_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [
    // channels.md §0.1: a retried push (same channel, account, external id) makes no second ticket.
    uniqueIndex('tickets_channel_external_uq').on(t.channel, t.channelAccount, t.externalId),
    index('tickets_status_created_idx').on(t.status, t.createdAt),
    index('tickets_citizen_idx').on(t.citizenId),
    index('tickets_created_idx').on(t.createdAt),
  ],
);

/** The append-only timeline: who, when, from which state, why. Agents see it all; citizens a filtered view. */
export const ticketEvents = pgTable(
  'ticket_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id),
    seq: integer('seq').notNull(),
    type: text('type').notNull(),
    actorId: uuid('actor_id'),
    actorRole: text('actor_role'),
    actorName: text('actor_name'),
    unitId: uuid('unit_id'),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    reason: text('reason'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('ticket_events_ticket_seq_uq').on(t.ticketId, t.seq), index('ticket_events_type_at_idx').on(t.type, t.at)],
);

/**
 * The agent's final category whenever it differs from the classifier's suggestion: the rows
 * `classifier:train --with-corrections` folds in, and the measure of the model against agents.
 */
export const classifierCorrections = pgTable(
  'classifier_corrections',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id),
    modelVersion: text('model_version'),
    suggested: text('suggested').notNull(),
    confirmed: text('confirmed').notNull(),
    categoryCode: text('category_code').notNull(),
    agentId: uuid('agent_id'),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [index('classifier_corrections_at_idx').on(t.at)],
);

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

/**
 * Same matter (并单): each ticket's MinHash signature (64 × uint32) and its 21 LSH band keys, written in the
 * registration transaction (same-matter.ts). The GIN index on the keys finds the tickets that share a band with a
 * new text on any node; no in-process index.
 */
export const ticketSameMatter = pgTable(
  'ticket_same_matter',
  {
    ticketId: uuid('ticket_id')
      .primaryKey()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    bandKeys: integer('band_keys').array().notNull(),
    signature: bytea('signature').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('ticket_same_matter_band_keys_idx').using('gin', t.bandKeys), index('ticket_same_matter_created_at_idx').on(t.createdAt)],
);
