/**
 * SMS verification codes (短信验证码, channels.md §4.3): 6 random digits stored only as an HMAC,
 * TTL 5 min, at most 5 wrong tries, request limits per phone and per IP; a successful check
 * returns a short-lived token bound to phone + purpose. Codes are never logged.
 */
import { createHash, createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { RateLimitPort } from '../shared/ports';

export type CodePurpose = 'submit' | 'track';

export interface StoredCode {
  hash: string;
  expiresAt: number;
  attempts: number;
}

/** Redis hash with EXPIRE in production. */
export interface SmsCodeStore {
  get(key: string): Promise<StoredCode | null>;
  set(key: string, value: StoredCode, ttlSeconds: number): Promise<void>;
  /** Atomically increments attempts and returns the new count. */
  incrementAttempts(key: string): Promise<number>;
  del(key: string): Promise<void>;
}

export interface SmsCodeOptions {
  store: SmsCodeStore;
  rateLimit: RateLimitPort;
  /** Sends the verify_code template; the code is passed only here. */
  deliver(phone: string, code: string): Promise<void>;
  /** Server secret for code hashes and tokens. */
  secret: string;
  now?: () => Date;
  ttlSeconds?: number;
  maxAttempts?: number;
  tokenTtlSeconds?: number;
  limits?: { perMinute: number; perHour: number; perDay: number; perIpHour: number };
}

const DEFAULT_LIMITS = { perMinute: 1, perHour: 5, perDay: 10, perIpHour: 20 };

export class SmsCodeService {
  constructor(private o: SmsCodeOptions) {}
  private now() {
    return (this.o.now?.() ?? new Date()).getTime();
  }
  private key(phone: string, purpose: CodePurpose) {
    return `smscode:${purpose}:${phone}`;
  }
  private hash(phone: string, purpose: string, code: string) {
    return createHmac('sha256', this.o.secret).update(`${phone}|${purpose}|${code}`).digest('hex');
  }

  /** The caller answers 202 for any valid number either way; `rate_limited` maps to 429 + Retry-After. */
  async request(input: {
    phone: string;
    purpose: CodePurpose;
    ip: string;
  }): Promise<{ status: 'sent' } | { status: 'rate_limited'; retryAfterSeconds: number }> {
    const l = this.o.limits ?? DEFAULT_LIMITS;
    const checks: [string, number, number][] = [
      [`smscode:ip:${input.ip}:h`, l.perIpHour, 3600],
      [`smscode:phone:${input.phone}:m`, l.perMinute, 60],
      [`smscode:phone:${input.phone}:h`, l.perHour, 3600],
      [`smscode:phone:${input.phone}:d`, l.perDay, 86400],
    ];
    for (const [k, limit, win] of checks) {
      const r = await this.o.rateLimit.hit(k, limit, win);
      if (!r.allowed) return { status: 'rate_limited', retryAfterSeconds: r.retryAfterSeconds };
    }
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const ttl = this.o.ttlSeconds ?? 300;
    await this.o.store.set(
      this.key(input.phone, input.purpose),
      { hash: this.hash(input.phone, input.purpose, code), expiresAt: this.now() + ttl * 1000, attempts: 0 },
      ttl,
    );
    await this.o.deliver(input.phone, code);
    return { status: 'sent' };
  }

  async verify(input: { phone: string; purpose: CodePurpose; code: string }): Promise<{ ok: true; smsToken: string } | { ok: false; code: 'CODE_INVALID' }> {
    const key = this.key(input.phone, input.purpose);
    const stored = await this.o.store.get(key);
    if (!stored || stored.expiresAt <= this.now() || stored.attempts >= (this.o.maxAttempts ?? 5)) return { ok: false, code: 'CODE_INVALID' };
    const given = Buffer.from(this.hash(input.phone, input.purpose, String(input.code)));
    const want = Buffer.from(stored.hash);
    if (given.length !== want.length || !timingSafeEqual(given, want)) {
      const n = await this.o.store.incrementAttempts(key);
      if (n >= (this.o.maxAttempts ?? 5)) await this.o.store.del(key);
      return { ok: false, code: 'CODE_INVALID' };
    }
    await this.o.store.del(key); // one use
    return { ok: true, smsToken: this.issueToken(input.phone, input.purpose) };
  }

  private issueToken(phone: string, purpose: CodePurpose) {
    const payload = Buffer.from(
      JSON.stringify({
        ph: createHash('sha256').update(phone).digest('hex').slice(0, 32),
        pu: purpose,
        exp: Math.floor(this.now() / 1000) + (this.o.tokenTtlSeconds ?? 900),
      }),
    ).toString('base64url');
    const sig = createHmac('sha256', this.o.secret).update(`smstoken.${payload}`).digest('base64url');
    return `${payload}.${sig}`;
  }

  /** True if `token` was issued by verify() for this phone and purpose and has not expired. */
  checkToken(token: string, phone: string, purpose: CodePurpose): boolean {
    const [payload, sig] = token.split('.');
    if (!payload || !sig) return false;
    const want = Buffer.from(createHmac('sha256', this.o.secret).update(`smstoken.${payload}`).digest('base64url'));
    const got = Buffer.from(sig);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return false;
    try {
      const p = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { ph: string; pu: string; exp: number };
      return p.pu === purpose && p.ph === createHash('sha256').update(phone).digest('hex').slice(0, 32) && p.exp > Math.floor(this.now() / 1000);
    } catch {
      return false;
    }
  }
}
