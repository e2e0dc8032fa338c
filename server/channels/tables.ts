import { sql } from 'drizzle-orm';
import { bigserial, jsonb, pgTable, text, timestamp, uuid, uniqueIndex, index, customType } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

/**
 * Channel events that are not appeals (call state, WeChat subscribe/click, delivery receipts),
 * kept once per (channel, account, externalId): a CTI or WeChat retry records nothing new.
 */
export const channelEvents = pgTable(
  'channel_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    channel: text('channel').notNull(),
    channelAccount: text('channel_account').notNull(),
    type: text('type').notNull(),
    externalId: text('external_id').notNull(),
    /** May hold personal data (caller number): never logged, presented masked. */
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    ticketId: uuid('ticket_id'),
    at: timestamp('at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('channel_events_key_uq').on(t.channel, t.channelAccount, t.externalId), index('channel_events_type_at_idx').on(t.type, t.at),
    // A call's events, for folding its state (reports/call-metrics.ts) and callback-call results.
    index('channel_events_call_idx').on(sql`(data->>'callId')`).where(sql`channel = 'phone'`),
  ],
);

/** Raw inbound payloads for audit (InboundAppeal.rawRef points here). */
export const rawPayloads = pgTable('raw_payloads', {
  id: uuid('id').primaryKey().defaultRandom(),
  channel: text('channel').notNull(),
  channelAccount: text('channel_account').notNull(),
  contentType: text('content_type').notNull(),
  body: bytea('body').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** One row per outbound SMS notification (notificationId = outbox row id, or a code request id): sent once. */
export const smsSendLog = pgTable('sms_send_log', {
  notificationId: text('notification_id').primaryKey(),
  status: text('status').$type<'claimed' | 'sent'>().notNull(),
  provider: text('provider'),
  result: jsonb('result').$type<Record<string, unknown>>(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
