/**
 * In-memory ports for the adapters' own tests only. The real ones live in server/
 * (PostgreSQL inbox, Redis nonces). Not exported from any runtime module.
 */
import type { ParsedInboundAppeal } from '../inbound-appeal';
import type { ChannelEvent, ChannelEventSink, IntakePort, NonceStore, RatingPort } from './ports';

export class MemoryNonceStore implements NonceStore {
  private keys = new Map<string, number>();
  constructor(private now: () => number = () => Date.now()) {}
  async seen(key: string, ttlSeconds: number) {
    const exp = this.keys.get(key);
    if (exp !== undefined && exp > this.now()) return true;
    this.keys.set(key, this.now() + ttlSeconds * 1000);
    return false;
  }
}

/** Intake that behaves like the real inbox: unique (channel, channelAccount, externalId). */
export class MemoryIntake implements IntakePort {
  appeals: ParsedInboundAppeal[] = [];
  private byKey = new Map<string, Promise<{ ticketId: string; ticketNo: string }>>();
  delayMs = 0;
  fail = false;
  calls = 0;
  async register(appeal: ParsedInboundAppeal) {
    this.calls++;
    const key = `${appeal.channel}|${appeal.channelAccount}|${appeal.externalId}`;
    // Like the unique index: a concurrent second insert waits for the first and gets its result.
    const prev = this.byKey.get(key);
    if (prev) return { ...(await prev), duplicate: true };
    const first = (async () => {
      if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
      if (this.fail) throw new Error('database down');
      this.appeals.push(appeal);
      const n = this.appeals.length;
      return { ticketId: `t-${n}`, ticketNo: `2026112500${String(n).padStart(4, '0')}` };
    })();
    this.byKey.set(key, first);
    // A failed insert leaves no row behind: the next attempt starts afresh.
    first.catch(() => {
      if (this.byKey.get(key) === first) this.byKey.delete(key);
    });
    return { ...(await first), duplicate: false };
  }
}

export class MemoryEventSink implements ChannelEventSink {
  events: ChannelEvent[] = [];
  private ids = new Set<string>();
  async emit(e: ChannelEvent) {
    const k = `${e.channel}|${e.channelAccount}|${e.externalId}`;
    if (this.ids.has(k)) return { duplicate: true };
    this.ids.add(k);
    this.events.push(e);
    return { duplicate: false };
  }
}

export class MemoryRatings implements RatingPort {
  rows: Parameters<RatingPort['record']>[0][] = [];
  async record(r: Parameters<RatingPort['record']>[0]) {
    if (!this.rows.some((x) => x.externalId === r.externalId)) this.rows.push(r);
    return true;
  }
}

export class MemoryRawStore {
  items: { channel: string; body: Buffer }[] = [];
  async save(input: { channel: string; channelAccount: string; contentType: string; body: Buffer }) {
    this.items.push(input);
    return `raw-${this.items.length}`;
  }
}

export class MemoryRateLimit {
  private hits = new Map<string, { n: number; resetAt: number }>();
  constructor(private now: () => number = () => Date.now()) {}
  async hit(key: string, limit: number, windowSeconds: number) {
    const t = this.now();
    let h = this.hits.get(key);
    if (!h || h.resetAt <= t) {
      h = { n: 0, resetAt: t + windowSeconds * 1000 };
      this.hits.set(key, h);
    }
    h.n++;
    return { allowed: h.n <= limit, retryAfterSeconds: Math.ceil((h.resetAt - t) / 1000) };
  }
}
