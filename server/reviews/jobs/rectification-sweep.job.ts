import { makeCtx, SYSTEM } from '../../platform/context';
import type { Runtime } from '../../platform/runtime';
import { every } from '../../platform/background';
import { markOverdueRectifications } from '../use-cases/rectification';

/**
 * The cron role's sweep for 差评整改 limits: flags cases past their due time (idempotent, SKIP
 * LOCKED, so several cron nodes may run it). Returns the closer main.ts keeps.
 */
export function startRectificationSweeper(rt: Pick<Runtime, 'db' | 'log' | 'svc'>, everyMs = 60_000): () => Promise<void> {
  return every(rt.log, 'rectification-sweep', everyMs, () => markOverdueRectifications(makeCtx({ db: rt.db, actor: SYSTEM, log: rt.log, svc: rt.svc })));
}
