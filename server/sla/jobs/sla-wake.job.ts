import { Queue, Worker, type Job } from 'bullmq';
import { z } from 'zod';
import { sql } from 'drizzle-orm';
import type { Runtime } from '../../platform/runtime';
import { createQueue, SLA_QUEUE, workerConnection } from '../../platform/queue/queues';
import { makeCtx, SYSTEM } from '../../platform/context';
import { fireDueTimers, sweepDueTimers, SWEEP_BATCH, SWEEP_CONCURRENCY } from '../use-cases/fire-due-timers';
import type { HandlerRegistry } from '../../platform/events/handlers';
import { failureTo, reportFailure } from '../../platform/background';

export const SlaWake = z.object({ dispatchId: z.uuid() });

/**
 * Delayed BullMQ jobs only say "look now" at a dispatch's next stored wake-up time; the job id
 * is derived from dispatch + instant, so scheduling twice makes one job. They make timers
 * punctual between sweeps; the sweeper (every 10 s) is what guarantees they fire at all.
 */
export function scheduleWake(q: Queue, dispatchId: string, at: Date) {
  // No ':' in custom job ids: BullMQ rejects most of them.
  return q.add('sla.wake', { dispatchId }, { jobId: `wake-${dispatchId}-${at.getTime()}`, delay: Math.max(0, at.getTime() - Date.now()) });
}

/** After a dispatch-changing event, (re)schedule the wake-ups of that ticket's open dispatches. */
export async function scheduleTicketWakes(rt: Runtime, q: Queue, ticketId: string) {
  const r = await rt.db.execute<{ id: string; nextWakeAt: string }>(sql`select id, next_wake_at as "nextWakeAt" from dispatches
    where ticket_id = ${ticketId} and next_wake_at is not null`);
  await Promise.all(r.rows.map((d) => scheduleWake(q, d.id, new Date(d.nextWakeAt))));
}

/** Events after which a dispatch has new stored deadlines to wake up for. */
const CLOCK_EVENTS = ['ticket.dispatched', 'dispatch.reassigned', 'extension.approved', 'ticket.sent_back'] as const;

export function registerSlaWakes(registry: HandlerRegistry, rt: Runtime, q: Queue) {
  registry.on(CLOCK_EVENTS, 'sla-wakes', (m) => scheduleTicketWakes(rt, q, m.ticketId));
}

export function startSla(rt: Runtime, redisUrl: string, opts: { sweepMs?: number; worker?: boolean; sweepConcurrency?: number } = {}) {
  const queue = createQueue(SLA_QUEUE, redisUrl, rt.options.queuePrefix);
  const ctx = () => makeCtx({ db: rt.db, actor: SYSTEM, log: rt.log, svc: rt.svc });
  let worker: Worker | null = null;
  if (opts.worker !== false) {
    worker = new Worker(
      SLA_QUEUE,
      async (job: Job) => {
        await fireDueTimers(ctx(), { dispatchId: SlaWake.parse(job.data).dispatchId });
      },
      { connection: workerConnection(redisUrl), prefix: rt.options.queuePrefix, concurrency: 4 },
    );
    worker.on('error', failureTo(rt.log, 'sla-worker'));
  }
  let sweeping = false;
  const sweep = async () => {
    if (sweeping) return;
    sweeping = true;
    try {
      // Disjoint slices side by side (SLA_SWEEP_CONCURRENCY); a failed slice is logged and counted, the others go on.
      await sweepDueTimers(ctx, {
        concurrency: opts.sweepConcurrency ?? SWEEP_CONCURRENCY,
        batch: SWEEP_BATCH,
        onFailure: (err, slice) => reportFailure(rt.log, 'sla-sweep', err, { slice: `${slice.index}/${slice.of}` }),
      });
    } catch (err) {
      reportFailure(rt.log, 'sla-sweep', err);
    } finally {
      sweeping = false;
    }
  };
  // Safe on several cron nodes at once: fireDueTimers claims dispatches FOR UPDATE SKIP LOCKED, so a stage fires once.
  const timer = setInterval(() => void sweep(), opts.sweepMs ?? 10_000);
  timer.unref();
  return {
    queue,
    sweep,
    close: async () => {
      clearInterval(timer);
      await worker?.close();
      await queue.close().catch(failureTo(rt.log, 'shutdown', { step: 'sla queue' }));
    },
  };
}
