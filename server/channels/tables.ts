import { sql } from 'drizzle-orm';
import { bigserial, boolean, integer, jsonb, pgTable, text, timestamp, uuid, uniqueIndex, index, customType } from 'drizzle-orm/pg-core';

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
    uniqueIndex('channel_events_key_uq').on(t.channel, t.channelAccount, t.externalId),
    index('channel_events_type_at_idx').on(t.type, t.at),
    // A call's events, for folding its state (reports/call-metrics.ts) and callback-call results.
    index('channel_events_call_idx')
      .on(sql`(data->>'callId')`)
      .where(sql`channel = 'phone'`),
  ],
);

/** Raw inbound payloads for audit (InboundAppeal.rawRef points here). */
export const rawPayloads = pgTable(
  'raw_payloads',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    channel: text('channel').notNull(),
    channelAccount: text('channel_account').notNull(),
    contentType: text('content_type').notNull(),
    body: bytea('body').notNull(),
    /** AES-256-GCM (PiiVault.encryptBytes) for rows written since 0011; kept for the retention period only. */
    bodyEncrypted: boolean('body_encrypted').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('raw_payloads_created_idx').on(t.createdAt)],
);

/** One row per outbound SMS notification (notificationId = outbox row id, or a code request id): sent once. */
export const smsSendLog = pgTable('sms_send_log', {
  notificationId: text('notification_id').primaryKey(),
  status: text('status').$type<'claimed' | 'sent'>().notNull(),
  provider: text('provider'),
  result: jsonb('result').$type<Record<string, unknown>>(),
  /** From the provider's delivery receipt (状态报告): delivered to the handset or not, and the vendor's code. */
  deliveryStatus: text('delivery_status').$type<'delivered' | 'undelivered'>(),
  deliveryCode: text('delivery_code'),
  deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Files that came in on a channel (email attachments, portal photos) or that staff uploaded for a
 * reply: kept whole, with their content hash, so the ticket's timeline can point at them
 * (storageKey `att:{id}`). Object storage would replace the body column; the key stays the same shape.
 * `mime` is what the bytes are (server/attachments/sniff.ts for uploads), never the sender's claim.
 */
export const channelAttachments = pgTable(
  'channel_attachments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    channel: text('channel').notNull(),
    channelAccount: text('channel_account').notNull(),
    sha256: text('sha256').notNull(),
    mime: text('mime').notNull(),
    filename: text('filename'),
    size: integer('size').notNull(),
    body: bytea('body').notNull(),
    /** AES-256-GCM (PiiVault.encryptBytes) for rows written since 0011; older rows are clear. */
    bodyEncrypted: boolean('body_encrypted').notNull().default(false),
    /**
     * The ticket the file was uploaded for (portal appeal, staff reply upload). Null for email, whose
     * files are stored before the ticket exists: its `ticket.registered` event names them instead.
     */
    ticketId: uuid('ticket_id'),
    /** The staff member who uploaded it (reply files); null for citizens' files. */
    uploadedBy: uuid('uploaded_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('channel_attachments_ticket_idx').on(t.ticketId)],
);

/**
 * One order exchanged with a peer platform (省市平台对接, channels.md §7), on either side:
 * `direction` 'out' = we pushed it down, 'in' = a peer pushed it to us. `state` follows the
 * exchange vocabulary (dispatched → signed → replied → closed, or returned/recalled), apart from
 * the local ticket's status.
 */
export const exchangeOrders = pgTable(
  'exchange_orders',
  {
    orderId: uuid('order_id').primaryKey(),
    peerId: text('peer_id').notNull(),
    direction: text('direction').$type<'in' | 'out'>().notNull(),
    ticketId: uuid('ticket_id').notNull(),
    /** Set when the order carries a dispatch to a kept department platform (保留对接). */
    dispatchId: uuid('dispatch_id'),
    state: text('state').notNull(),
    /** Last seq we sent on this order (ours count 1, 2, 3… per sender). */
    outSeq: integer('out_seq').notNull().default(0),
    /** Last seq we accepted from the peer. */
    inSeq: integer('in_seq').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('exchange_orders_ticket_idx').on(t.ticketId),
    uniqueIndex('exchange_orders_dispatch_uq')
      .on(t.dispatchId)
      .where(sql`${t.dispatchId} is not null`),
  ],
);

/** Messages received, by exchangeId: the same id again is a duplicate, with another body a conflict. */
export const exchangeInbox = pgTable('exchange_inbox', {
  exchangeId: uuid('exchange_id').primaryKey(),
  orderId: uuid('order_id').notNull(),
  type: text('type').notNull(),
  bodySha256: text('body_sha256').notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Messages to send, committed with the state change that caused them. The deliverer sends the
 * lowest pending seq of each order only, so a peer sees them in order; a failed attempt waits
 * an exponential backoff; after the retry span the row is dead-lettered.
 */
export const exchangeOutbox = pgTable(
  'exchange_outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orderId: uuid('order_id').notNull(),
    seq: integer('seq').notNull(),
    peerId: text('peer_id').notNull(),
    envelope: jsonb('envelope').$type<Record<string, unknown>>().notNull(),
    status: text('status').$type<'pending' | 'delivered' | 'failed' | 'dead'>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('exchange_outbox_order_seq_uq').on(t.orderId, t.seq), index('exchange_outbox_due_idx').on(t.status, t.nextAttemptAt)],
);

/**
 * Categories whose Open311 requests every api_key may read as a masked public summary (the centre
 * opts in per category); requests of other categories are seen only by the key that filed them.
 */
export const open311PublicCategories = pgTable('open311_public_categories', {
  categoryCode: text('category_code').primaryKey(),
  enabledBy: uuid('enabled_by'),
  enabledAt: timestamp('enabled_at', { withTimezone: true }).notNull().defaultNow(),
});
