/**
 * Sends one notification through the providers in priority order (channels.md §4.1):
 * idempotent per notificationId (an outbox row is never sent twice, also across failover),
 * rate-limited per phone number.
 */
import type { RateLimitPort } from '../shared/ports';
import { SmsProviderError, type SmsProvider, type SmsSendRequest, type SmsSendResult } from './types';

/** Remembers which notifications were sent. PostgreSQL row keyed by notificationId in production. */
export interface SmsSendLog {
  /** Atomically claims the id; false if it was claimed (sent or in flight) already. */
  claim(notificationId: string): Promise<boolean>;
  /** Gives the claim back after every provider failed, so the outbox may retry. */
  release(notificationId: string): Promise<void>;
  record(notificationId: string, result: SmsSendResult & { provider: string }): Promise<void>;
}

export interface SmsDispatcherOptions {
  providers: SmsProvider[];
  log: SmsSendLog;
  rateLimit?: RateLimitPort;
  /** Per phone number (our default: 20 messages per hour, across all templates). */
  perPhonePerHour?: number;
}

export type DispatchResult = (SmsSendResult & { provider: string; duplicate: false }) | { duplicate: true };

export class SmsDispatcher {
  constructor(private o: SmsDispatcherOptions) {}

  async send(req: SmsSendRequest): Promise<DispatchResult> {
    if (!(await this.o.log.claim(req.notificationId))) return { duplicate: true };
    const rejected: SmsSendResult['rejected'] = [];
    const to: string[] = [];
    for (const phone of req.to) {
      const rl = this.o.rateLimit ? await this.o.rateLimit.hit(`sms:phone:${phone}`, this.o.perPhonePerHour ?? 20, 3600) : { allowed: true };
      if (rl.allowed) to.push(phone);
      else rejected.push({ phone, code: 'RATE_LIMITED' });
    }
    if (to.length === 0) {
      const result = { providerMsgIds: {}, rejected, provider: 'none' };
      await this.o.log.record(req.notificationId, result);
      return { ...result, duplicate: false };
    }
    let lastError: unknown;
    for (const p of this.o.providers) {
      try {
        const r = await p.send({ ...req, to });
        const result = { providerMsgIds: r.providerMsgIds, rejected: [...rejected, ...r.rejected], provider: p.id };
        await this.o.log.record(req.notificationId, result);
        return { ...result, duplicate: false };
      } catch (e) {
        // Config errors (no template) and vendor refusals both fail over; a timeout may have sent
        // already, which the vendor's OutId/SessionContext lets an operator reconcile.
        lastError = e;
      }
    }
    await this.o.log.release(req.notificationId);
    throw lastError instanceof SmsProviderError ? lastError : new SmsProviderError('all', 'ALL_FAILED', String(lastError));
  }
}
