/**
 * Rate limits on `rate-limiter-flexible` (maintained, atomic in Redis via one Lua call, shared by
 * every node). One place builds them so every limit of the platform counts the same way: Open311
 * reads per api_key, phone searches per staff member, and any other per-key quota.
 *
 * If Redis is away each node keeps counting in memory (the library's insurance limiter) rather
 * than refusing everyone or letting everyone through.
 */
import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface LimitSpec {
  /** Names the counter family in Redis (`{prefix}:rlf:{name}:{key}`). */
  name: string;
  points: number;
  durationSeconds: number;
  /**
   * No in-memory insurance: while Redis is away `take` rejects (the caller answers 503). For the
   * anonymous public writes of channels.md §3 ("fail closed for anonymous writes"), where a
   * per-node memory count would multiply the quota by the number of nodes during an outage.
   */
  failClosed?: boolean;
}

export interface LimitDecision {
  allowed: boolean;
  retryAfterSeconds: number;
}

export interface Limit {
  /** Counts one use of `key`; `allowed` is false once the quota of the window is spent. */
  take(key: string): Promise<LimitDecision>;
}

const built = new WeakMap<Redis, Map<string, Limit>>();

export function redisLimit(redis: Redis, prefix: string, spec: LimitSpec): Limit {
  const id = `${prefix}:${spec.name}:${spec.points}:${spec.durationSeconds}:${spec.failClosed ? 'closed' : 'open'}`;
  let perClient = built.get(redis);
  if (!perClient) built.set(redis, (perClient = new Map()));
  const cached = perClient.get(id);
  if (cached) return cached;
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${prefix}:rlf:${spec.name}`,
    points: spec.points,
    duration: spec.durationSeconds,
    ...(spec.failClosed
      ? { rejectIfRedisNotReady: true }
      : { insuranceLimiter: new RateLimiterMemory({ points: spec.points, duration: spec.durationSeconds }) }),
  });
  const limit: Limit = {
    async take(key) {
      try {
        await limiter.consume(key);
        return { allowed: true, retryAfterSeconds: 0 };
      } catch (e) {
        // The library rejects with a RateLimiterRes when the quota is spent; anything else is a fault.
        if (e instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(e.msBeforeNext / 1000)) };
        throw e;
      }
    },
  };
  perClient.set(id, limit);
  return limit;
}
