import type Redis from 'ioredis';
import { logger } from '../log/logger';
import { reportFailure } from '../background';

/**
 * Fixed-window counter in Redis, shared by every node. If Redis is away the limiter falls
 * back to this process's memory rather than refusing logins and appeals outright.
 */
export class RateLimiter {
  private local = new Map<string, { n: number; until: number }>();
  constructor(
    private redis: Redis | null,
    private prefix: string,
  ) {}

  /** true when the call is within the limit. */
  async hit(key: string, limit: number, windowSeconds: number): Promise<boolean> {
    const k = `${this.prefix}:rl:${key}`;
    if (this.redis && this.redis.status === 'ready') {
      try {
        const n = await this.redis.incr(k);
        if (n === 1) await this.redis.expire(k, windowSeconds);
        return n <= limit;
      } catch (err) {
        reportFailure(logger, 'rate-limit-redis', err, { fallback: 'process memory' });
      }
    }
    const now = Date.now();
    const cur = this.local.get(k);
    if (!cur || cur.until < now) {
      this.local.set(k, { n: 1, until: now + windowSeconds * 1000 });
      return true;
    }
    cur.n += 1;
    return cur.n <= limit;
  }
}
