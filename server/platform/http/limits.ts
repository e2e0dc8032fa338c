import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from '../log/logger';

/**
 * Named limits on top of rate-limiter-flexible: one Lua script per consume (INCR + PEXPIRE in
 * one round trip, so parallel requests cannot all read "under the limit"), shared by every node.
 * While Redis is away each limit falls back to this process's memory (the insurance limiter)
 * rather than refusing logins and appeals outright; the fallback is logged and counted.
 */
export interface Limit {
  /** Charges `points` to `key`; false when the key is over its limit (nothing is charged then beyond the try). */
  consume(key: string, points?: number): Promise<boolean>;
  /** How many points `key` has used in the current window (0 when unknown). */
  used(key: string): Promise<number>;
  /** Gives back points, e.g. an IP charge when the phone's quota then refused the send. */
  reward(key: string, points?: number): Promise<void>;
  /** Forgets the key (a successful login clears its failure budget). */
  reset(key: string): Promise<void>;
}

export interface LimitSpec {
  name: string;
  points: number;
  durationSeconds: number;
}

export let limiterFallbacks = 0;

export function createLimit(redis: Redis | null, prefix: string, spec: LimitSpec, log?: Logger): Limit {
  const memory = new RateLimiterMemory({ keyPrefix: `${prefix}:lim:${spec.name}`, points: spec.points, duration: spec.durationSeconds });
  const store = redis
    ? new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${prefix}:lim:${spec.name}`,
        points: spec.points,
        duration: spec.durationSeconds,
        rejectIfRedisNotReady: true,
        insuranceLimiter: memory,
      })
    : memory;
  const noteFallback = (e: unknown) => {
    limiterFallbacks += 1;
    log?.warn({ limit: spec.name, err: (e as Error).message }, 'rate limit store failed');
  };
  return {
    async consume(key, points = 1) {
      try {
        await store.consume(key, points);
        return true;
      } catch (e) {
        if (e instanceof RateLimiterRes) return false;
        noteFallback(e);
        return true;
      }
    },
    async used(key) {
      try {
        return (await store.get(key))?.consumedPoints ?? 0;
      } catch (e) {
        noteFallback(e);
        return 0;
      }
    },
    async reward(key, points = 1) {
      try {
        await store.reward(key, points);
      } catch (e) {
        noteFallback(e);
      }
    },
    async reset(key) {
      try {
        await store.delete(key);
      } catch (e) {
        noteFallback(e);
      }
    },
  };
}
