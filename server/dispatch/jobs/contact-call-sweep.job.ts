import { makeCtx, SYSTEM } from '../../platform/context';
import type { Runtime } from '../../platform/runtime';
import { every } from '../../platform/background';
import { failInterruptedCalls } from '../use-cases/contact-citizen';

/**
 * The cron role's sweep for 隐私号 calls left `calling` by a process that died mid-call: past the bound
 * they are recorded as failed, interrupted (use-cases/contact-citizen.ts). Returns the closer main.ts keeps.
 */
export function startContactCallSweeper(rt: Pick<Runtime, 'db' | 'log' | 'svc'>, everyMs = 60_000): () => Promise<void> {
  return every(rt.log, 'contact-call-sweep', everyMs, () => failInterruptedCalls(makeCtx({ db: rt.db, actor: SYSTEM, log: rt.log, svc: rt.svc })));
}
