import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Runtime } from '../runtime';
import { EVENTS_QUEUE, workerConnection } from './queues';
import { parseOutboxMessage } from '../events/outbox';
import type { HandlerRegistry } from '../events/handlers';
import { eventJobFailures, invalidOutboxPayloads } from '../metrics';
import { reportFailure } from '../background';
import { errorForLog } from '../log/safe-error';

/**
 * Runs the handlers the domains registered for each relayed outbox row (server/event-handlers.ts
 * wires them). Each job id is the outbox row id. The handlers of one event are independent: one
 * failing does not starve the others, and all are idempotent, so BullMQ's retry repeats nothing
 * that already happened. A payload that does not match the catalogue fails the job for good
 * (no retry can fix it), logged with the outbox id and counted.
 */
export function runEventsWorker(rt: Runtime, redisUrl: string, registry: HandlerRegistry) {
  const worker = new Worker(
    EVENTS_QUEUE,
    async (job: Job) => {
      const parsed = parseOutboxMessage(job.name, job.data);
      if (!parsed.ok) {
        invalidOutboxPayloads.inc({ topic: job.name });
        rt.log.error(
          { outboxId: job.data?.outboxId ?? null, jobId: job.id, topic: job.name, err: parsed.error },
          'outbox payload does not match the event catalogue',
        );
        throw new UnrecoverableError(`outbox ${job.data?.outboxId ?? job.id}: ${parsed.error}`);
      }
      // An administrative change has no handlers yet: its job is the notice that it happened.
      if (parsed.kind === 'admin') return;
      const attempts = { attemptsMade: job.attemptsMade, attempts: job.opts.attempts ?? 1 };
      const results = await Promise.allSettled(registry.handlersFor(parsed.message.topic).map((h) => h.fn(parsed.message, attempts)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
    {
      connection: workerConnection(redisUrl),
      prefix: rt.options.queuePrefix,
      concurrency: 8,
    },
  );
  worker.on('error', (err) => reportFailure(rt.log, 'events-worker', err));
  worker.on('failed', (job, err) => {
    const final = err instanceof UnrecoverableError || (job && job.attemptsMade >= (job.opts.attempts ?? 1));
    if (!job || !final) return;
    eventJobFailures.inc({ topic: job.name });
    rt.log.error({ jobId: job.id, topic: job.name, outboxId: job.data?.outboxId ?? null, err: errorForLog(err) }, 'event job failed for good');
  });
  return worker;
}
