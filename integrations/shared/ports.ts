/**
 * What the channel adapters need from the server, as injected ports (channels.md §0.1).
 * The adapters never import from server/: the server builds the real implementations
 * (PostgreSQL inbox + ticket in one transaction, Redis nonces) and passes them to the
 * router factories. In-memory versions exist only in the adapters' test fixtures.
 */
import type { ParsedInboundAppeal, ChannelKind } from '../inbound-appeal';

/** Intake use case: inbox insert keyed by (channel, channelAccount, externalId) + ticket create/append. */
export interface IntakePort {
  /**
   * Registers the appeal. A repeated (channel, channelAccount, externalId) must return the
   * *first* result with `duplicate: true` and create nothing (channels.md §0.1 step 3).
   */
  register(appeal: ParsedInboundAppeal): Promise<{ ticketId: string; ticketNo: string; duplicate: boolean }>;
}

/** Replay guard. Redis `SET key 1 NX EX ttl` in production. */
export interface NonceStore {
  /** True if `key` was already seen within its TTL; otherwise records it and returns false. */
  seen(key: string, ttlSeconds: number): Promise<boolean>;
}

/**
 * Something that happened on a channel that is not an appeal: call state, WeChat subscribe
 * or menu click, template delivery result, SMS receipt (channels.md §0.1 step 2).
 */
export interface ChannelEvent {
  channel: ChannelKind;
  channelAccount: string;
  /** e.g. 'wechat.subscribe', 'wechat.click', 'call.ringing', 'call.survey_result'. */
  type: string;
  /** Idempotency key within (channel, channelAccount). */
  externalId: string;
  /** ISO 8601 with offset. */
  at: string;
  /** Channel-specific fields, already validated by the adapter. May hold personal data: never log it. */
  data: Record<string, unknown>;
}

/**
 * Receives ChannelEvents (timeline, call record + screen pop, delivery receipts). Must be
 * idempotent on (channel, channelAccount, externalId); may say it had the event already.
 */
export interface ChannelEventSink {
  emit(event: ChannelEvent): Promise<void | { duplicate: boolean }>;
}

/** The citizen-facing view of a ticket, as Open311 and WeChat "my appeals" show it. No personal data. */
export interface PublicTicketView {
  ticketNo: string;
  status: 'open' | 'closed';
  serviceCode?: string;
  serviceName?: string;
  description: string;
  statusNotes?: string;
  agencyResponsible?: string;
  requestedAt: string;
  updatedAt?: string;
  expectedAt?: string;
  address?: string;
  lat?: number;
  lng?: number;
  mediaUrl?: string;
}

/** Read side used by Open311 GET and WeChat MY_APPEALS. */
export interface TicketLookupPort {
  byNumber(ticketNo: string): Promise<PublicTicketView | null>;
  search(filter: {
    ticketNos?: string[];
    serviceCodes?: string[];
    status?: ('open' | 'closed')[];
    from: Date;
    to: Date;
    /** Only tickets that came in through this channel account (e.g. an Open311 api key), if set. */
    channel?: ChannelKind;
    limit: number;
  }): Promise<PublicTicketView[]>;
  /** Latest tickets of a WeChat OpenID (for the MY_APPEALS menu). */
  byOpenId?(openId: string, limit: number): Promise<PublicTicketView[]>;
}

/** Records a satisfaction score from a channel (IVR key press, SMS survey reply). */
export interface RatingPort {
  /** `score` 1..5; idempotent on `externalId`. Returns false if no ticket could be matched. */
  record(input: { channel: ChannelKind; externalId: string; callId?: string; callbackTaskId?: string; score: 1 | 2 | 3 | 4 | 5; at: string }): Promise<boolean>;
}

/** A clock the tests can fix (house style: time comes from ctx.now, never a faked global). */
export type Clock = () => Date;

/** Keeps the raw payload for audit (InboundAppeal.rawRef). Object storage or a table in prod. */
export interface RawStore {
  save(input: { channel: ChannelKind; channelAccount: string; contentType: string; body: Buffer }): Promise<string>;
}

/** Fixed-window rate limiter (Redis INCR + EXPIRE in production). */
export interface RateLimitPort {
  /** Counts one hit on `key`; `allowed` false once more than `limit` hits fall in the window. */
  hit(key: string, limit: number, windowSeconds: number): Promise<{ allowed: boolean; retryAfterSeconds: number }>;
}
