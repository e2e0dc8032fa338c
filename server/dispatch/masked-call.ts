/**
 * 隐私号 / 回拨桥接: a unit clerk reaches the citizen without seeing the number. The bridge rings the
 * clerk's own phone, then the citizen's, and connects the two; only the bridge and this server hold
 * the citizen's number. The platform talks to it through this interface; the adapter in force is
 * configuration (`MASKED_CALL_BRIDGE`). Shipped: a demo adapter that places no real call and
 * answers "connected". A carrier's masked-number service (AXB binding) is an adapter of its own,
 * configured per centre, and is not part of this repository.
 */
import { env } from '../platform/config/env';
import type { ContactOutcome } from './tables';

export interface MaskedCallRequest {
  /** The contact request being called (the bridge's idempotency key). */
  requestId: string;
  /** The clerk's own phone or extension: rung first. */
  clerkNumber: string;
  /** The citizen's number, decrypted server-side for the bridge only; never returned to the clerk. */
  citizenNumber: string;
  ticketNumber: string;
}

export interface MaskedCallResult {
  outcome: ContactOutcome;
  /** Seconds the two talked once connected; null when they never did. */
  talkSeconds: number | null;
  /** The bridge's own id of the call. */
  callId: string;
}

export interface MaskedCallBridge {
  readonly name: string;
  placeCall(req: MaskedCallRequest): Promise<MaskedCallResult>;
}

/** Demo and tests: every call "connects" for a fixed time; nobody is dialled. */
export class DemoMaskedCallBridge implements MaskedCallBridge {
  readonly name = 'demo';
  constructor(private readonly seconds = 42) {}
  async placeCall(req: MaskedCallRequest): Promise<MaskedCallResult> {
    return { outcome: 'connected', talkSeconds: this.seconds, callId: `demo-${req.requestId}` };
  }
}

let override: MaskedCallBridge | null | undefined;

/** The bridge in force, or null when masked calls are off (production without an adapter). */
export function maskedCallBridge(): MaskedCallBridge | null {
  if (override !== undefined) return override;
  const mode = env.MASKED_CALL_BRIDGE || (env.REXIAN_DEMO ? 'demo' : 'off');
  return mode === 'demo' ? new DemoMaskedCallBridge() : null;
}

/** Tests (and a centre's own adapter module at start-up) put another bridge in place; undefined restores the configured one. */
export function setMaskedCallBridge(b: MaskedCallBridge | null | undefined): void {
  override = b;
}
