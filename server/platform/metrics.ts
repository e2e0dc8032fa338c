/**
 * The process's counters, in the Prometheus text format at GET /metrics (prom-client). Only
 * counts and labels that carry no personal data: a loop's name, an event type.
 */
import { Counter, Histogram, Registry } from 'prom-client';

export const metrics = new Registry();

/** A background loop (sweeper, poller, fold) failed one round; the next round retries. */
export const backgroundFailures = new Counter({
  name: 'rexian_background_failures_total',
  help: 'Failed rounds of a background loop, by loop',
  labelNames: ['loop'],
  registers: [metrics],
});

/** An outbox row whose payload does not match the catalogue: logged with its id, never silently skipped. */
export const invalidOutboxPayloads = new Counter({
  name: 'rexian_outbox_invalid_payloads_total',
  help: 'Outbox rows whose payload does not parse, by topic',
  labelNames: ['topic'],
  registers: [metrics],
});

/** An events job failed for good (after its retries). */
export const eventJobFailures = new Counter({
  name: 'rexian_event_job_failures_total',
  help: 'Event jobs failed after their last attempt, by topic',
  labelNames: ['topic'],
  registers: [metrics],
});

/** A masked-number bridge call (隐私号) that threw: recorded as a failed call, logged with its request id. */
export const maskedCallFailures = new Counter({
  name: 'rexian_masked_call_failures_total',
  help: 'Masked-number bridge calls that failed, by bridge',
  labelNames: ['bridge'],
  registers: [metrics],
});

/** The current value of a counter for one label set (tests and /healthz read it). */
export async function counterValue(c: Counter, labels: Record<string, string>): Promise<number> {
  const m = await c.get();
  return m.values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value ?? 0;
}

/** An intake group whose shared transaction failed: each of its appeals was registered again alone (tickets/use-cases/intake-group.ts). */
export const intakeGroupFallbacks = new Counter({
  name: 'rexian_intake_group_fallbacks_total',
  help: 'Intake groups whose transaction failed, after which each member was registered alone',
  registers: [metrics],
});

/** Appeals per intake group (group commit): near 1 means little grouping at this load, near 64 the group limit. */
export const intakeGroupMembers = new Histogram({
  name: 'rexian_intake_group_members',
  help: 'Appeals per intake group transaction',
  buckets: [1, 2, 4, 8, 16, 32, 64],
  registers: [metrics],
});
