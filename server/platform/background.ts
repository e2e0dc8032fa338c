import type { Logger } from './log/logger';
import { backgroundFailures } from './metrics';

/**
 * Reports a failed round of background work: logged with the loop's name and context, counted in
 * `rexian_background_failures_total{loop}`. The one way a loop, a shutdown step or a best-effort
 * write admits failure, so no error is dropped without a log line and a count.
 */
export function reportFailure(log: Logger, loop: string, err: unknown, context: Record<string, unknown> = {}): void {
  backgroundFailures.inc({ loop });
  log.error({ loop, ...context, err: err instanceof Error ? err.message : String(err) }, `${loop}: failed; the next round retries`);
}

/**
 * Runs `fn` every `ms` milliseconds; a round that throws is reported (above) and the loop goes on.
 * Rounds never overlap: a slow round delays the next instead of stacking up. Returns the stop function.
 */
export function every(log: Logger, loop: string, ms: number, fn: () => Promise<unknown>): () => Promise<void> {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = fn()
      .catch((err) => reportFailure(log, loop, err))
      .finally(() => {
        running = null;
      });
  }, ms);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

/** `reportFailure` as a callback: `.catch(failureTo(log, 'presence', { userId }))`, `emitter.on('error', failureTo(log, 'redis'))`. */
export const failureTo =
  (log: Logger, loop: string, context: Record<string, unknown> = {}) =>
  (err: unknown): void =>
    reportFailure(log, loop, err, context);
