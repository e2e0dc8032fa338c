/** What the exchange adapter needs from the server (channels.md §7). */
import type { ParsedInboundAppeal } from '../inbound-appeal';
import type { Envelope, MessageType } from './messages';

export interface ExchangePeer {
  platformId: string;
  baseUrl: string;
  /** Key id we sign with toward this peer; it receives X-Rexian-Key-Id = our platform id. */
  secrets: string[];
  /** The peer's role relative to us. */
  role: 'upper' | 'lower';
}

export interface ExchangePeerStore {
  get(platformId: string): Promise<ExchangePeer | null>;
}

export type ExchangeReceiveResult =
  | { status: 'accepted' | 'duplicate' }
  | {
      error: 'EXCHANGE_ID_CONFLICT' | 'SEQUENCE_GAP' | 'INVALID_TRANSITION' | 'UNKNOWN_ORDER';
      /** Why the local side refused, for the sender's operator (sent as `reason` in the 422 body). */
      reason?: { code: string; message: string };
    };

/**
 * Applies one verified, validated message in one transaction: inbox row keyed by exchangeId
 * (same id + same body hash → duplicate; different body → conflict), per-order seq check,
 * the local state transition, audit + outbox rows. For order.pushed it also creates the local
 * ticket from `appeal` (channel 'exchange', externalId = orderId) in state dispatched.
 */
export interface ExchangeInboxPort {
  receive(input: {
    envelope: Envelope & { type: MessageType };
    bodySha256: string;
    peer: ExchangePeer;
    appeal?: ParsedInboundAppeal;
  }): Promise<ExchangeReceiveResult>;
}
