import Redis from 'ioredis';
import type { Queue } from 'bullmq';
import { createDb, type Db } from './db/client';
import { parseOldPiiKeys, PiiVault } from './crypto/pii';
import { logger as rootLogger, type Logger } from './log/logger';
import { OutboxRelay, type OutboxRow } from './outbox/relay';
import { createQueue, EVENTS_QUEUE } from './queue/queues';
import { RateLimiter } from './http/rate-limit';
import { failureTo } from './background';
import { DevSmsSender, type SmsSender } from '../citizen/sms-sender';
import { createSmsSender } from '../channels/sms';
import { MailNotifier, type MailNotifierConfig } from '../channels/mail-notifier';
import type { Services } from './context';
import type { Server as SocketServer } from 'socket.io';
import { attachReferenceCache, ReferenceCache } from './reference-cache';
import { IntakeGroups } from '../tickets/use-cases/intake-group';

export interface RuntimeOptions {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  piiKey: string;
  /** Version of piiKey (default 1) and earlier keys still readable during a rotation (`version:base64,…`). */
  piiKeyVersion?: number;
  piiOldKeys?: string;
  poolSize?: number;
  log?: Logger;
  classify?: Services['classify'];
  /** Provider settings (JSON); none configured → the development sender. */
  sms?: { aliyun?: string; tencent?: string };
  /** Outbound mail for tickets that came in by email; none → those citizens get SMS only. */
  mail?: MailNotifierConfig;
  /** How long a cached holiday calendar, SLA policy set or category may serve without a change message (default 10 s). */
  referenceTtlMs?: number;
  /** Group commit for intake: how long the first appeal of a group waits for others (ms); 0 or unset: one transaction per appeal. */
  intakeGroupWindowMs?: number;
}

/**
 * The long-lived pieces one node holds: database pool, Redis client, queues, outbox relay.
 * Tests build one per file with their own database and queue prefix.
 */
export function createRuntime(o: RuntimeOptions) {
  const log = o.log ?? rootLogger;
  const db: Db = createDb(o.databaseUrl, o.poolSize ?? 20);
  // Commands fail fast while Redis is away instead of queueing forever: the outbox has the work.
  const redis = new Redis(o.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (n) => Math.min(n * 200, 2000),
  });
  redis.on('error', failureTo(log, 'redis'));
  const eventsQueue: Queue = createQueue(EVENTS_QUEUE, o.redisUrl, o.queuePrefix);
  const limiter = new RateLimiter(redis, o.queuePrefix);
  const sms: SmsSender & Partial<DevSmsSender> = createSmsSender({ db, limiter, log, ...o.sms });
  const pii = new PiiVault(o.piiKey, { version: o.piiKeyVersion, old: parseOldPiiKeys(o.piiOldKeys ?? '') });
  const mail = o.mail ? new MailNotifier({ db, pii, log }, o.mail) : null;
  const realtimeSinks: ((rows: OutboxRow[]) => void)[] = [];

  const relay = new OutboxRelay(
    db,
    async (rows) => {
      await eventsQueue.addBulk(
        rows.map((r) => ({
          name: r.topic,
          data: { ...r.payload, outboxId: r.id, topic: r.topic },
          opts: { jobId: `ob-${r.id}` },
        })),
      );
      for (const sink of realtimeSinks) sink(rows);
    },
    log,
  );

  // Holidays, SLA policies, categories: cached per node, dropped on every node when an admin change commits.
  const refs = new ReferenceCache({ ttlMs: o.referenceTtlMs, publisher: redis, channel: `${o.queuePrefix}:reference-changed`, log });
  refs.subscribe(redis);
  attachReferenceCache(db, refs);
  const svc: Services = { pii, kickOutbox: relay.kick, classify: o.classify, refs };
  if (o.intakeGroupWindowMs) svc.intakeGroups = new IntakeGroups(db, log, { windowMs: o.intakeGroupWindowMs });

  async function close() {
    await relay.stop();
    refs.close();
    mail?.close();
    await eventsQueue.close().catch(failureTo(log, 'shutdown', { step: 'events queue' }));
    redis.disconnect();
    await db.$client.end();
  }

  /** Set by main when this node serves Socket.IO; channel screen pops emit through it. */
  const io = null as SocketServer | null;
  /** Set by main when this node delivers exchange messages: a commit wakes the deliverer at once. */
  const exchangeKick = null as (() => void) | null;
  return { exchangeKick, db, redis, eventsQueue, sms, mail, limiter, relay, svc, log, realtimeSinks, options: o, close, io };
}
export type Runtime = ReturnType<typeof createRuntime>;
