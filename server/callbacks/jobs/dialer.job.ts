import { makeCtx, SYSTEM } from '../../platform/context';
import type { Runtime } from '../../platform/runtime';
import { every } from '../../platform/background';
import { dialDueCallbacks } from '../use-cases/outbound-calls';

/**
 * The cron role's sweep for callback calls (回访外呼): tasks whose next_dial_at has come get their
 * next attempt (SKIP LOCKED, so several cron nodes may run it). Returns the closer main.ts keeps.
 */
export function startCallbackDialer(rt: Pick<Runtime, 'db' | 'log' | 'svc'>, everyMs = 30_000): () => Promise<void> {
  return every(rt.log, 'callback-dialer', everyMs, () => dialDueCallbacks(makeCtx({ db: rt.db, actor: SYSTEM, log: rt.log, svc: rt.svc })));
}
