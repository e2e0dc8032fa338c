import { Queue, type ConnectionOptions } from 'bullmq';
import { logger } from '../log/logger';
import { failureTo } from '../background';

/** Redis connection options for BullMQ producers: fail fast when Redis is away (the outbox keeps the work). */
export function producerConnection(url: string): ConnectionOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    password: u.password || undefined,
    db: Number(u.pathname.slice(1) || 0),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  };
}

/** Workers block on Redis, so BullMQ requires maxRetriesPerRequest: null for them. */
export function workerConnection(url: string): ConnectionOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    password: u.password || undefined,
    db: Number(u.pathname.slice(1) || 0),
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  };
}

export const EVENTS_QUEUE = 'events';
export const SLA_QUEUE = 'sla';

export function createQueue(name: string, url: string, prefix: string) {
  const q = new Queue(name, {
    connection: producerConnection(url),
    prefix,
    defaultJobOptions: { removeOnComplete: { count: 5000 }, removeOnFail: { count: 5000 }, attempts: 5, backoff: { type: 'exponential', delay: 1000 } },
  });
  // Connection errors also surface on add(), where the outbox keeps the row; here they are counted and logged.
  q.on('error', failureTo(logger, 'queue-connection', { queue: name }));
  return q;
}
