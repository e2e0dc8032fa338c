import type { Logger } from '../platform/log/logger';
import type { Services } from '../platform/context';

/**
 * Loads the in-process classifier (classifier/ workspace). Intake never waits on a network
 * hop; if the model cannot load, tickets are registered without a suggestion and the log says why.
 */
export async function loadClassifier(log: Logger): Promise<Services['classify']> {
  try {
    const mod = (await import('@rexian/classifier')) as Record<string, unknown>;
    const load = mod.loadModel as undefined | ((p?: string) => Promise<unknown> | unknown);
    if (typeof load !== 'function') {
      log.warn('classifier package has no loadModel(); intake runs without suggestions');
      return undefined;
    }
    const model = (await load()) as { classify: (i: { title: string | null; content: string }) => Record<string, unknown> };
    return (input) => model.classify(input) as ReturnType<NonNullable<Services['classify']>>;
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'classifier not loaded; intake runs without suggestions');
    return undefined;
  }
}
