import { Emitter } from '@socket.io/redis-emitter';
import type Redis from 'ioredis';
import type { Logger } from '../log/logger';
import { reportFailure } from '../background';

/** The Redis hash of who is on duty and in which state (socket.ts writes it on `presence:set`). */
export const presenceKey = (prefix: string) => `${prefix}:presence`;

/**
 * An agent who logs out leaves the wall: their presence row goes and the supervisors' screens hear
 * `presence` with state `offline` (through the Socket.IO Redis adapter's channel, from any node).
 * Best effort like every realtime message: a failure is logged and counted, the logout still succeeds.
 */
export function presenceSignOff(redis: Redis, prefix: string, log: Logger) {
  const emitter = new Emitter(redis, { key: `${prefix}:socket.io` });
  return async (userId: string) => {
    try {
      await redis.hdel(presenceKey(prefix), userId);
      emitter.to('supervisors').emit('presence', { userId, state: 'offline', at: new Date().toISOString() });
    } catch (err) {
      reportFailure(log, 'presence', err, { userId });
    }
  };
}
