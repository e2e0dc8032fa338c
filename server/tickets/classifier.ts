import fs from 'node:fs';
import type { Logger } from '../platform/log/logger';
import type { ClassifierSuggestion, Services } from '../platform/context';

interface ClassifierModule {
  loadModel: (path?: string) => {
    classify: (i: { title: string | null; content: string }) => ClassifierSuggestion;
    reloadModel: (p?: string) => string;
    modelVersion: string;
  };
  latestModelPath?: () => string;
  MODELS_DIR?: string;
}

export interface LoadedClassifier {
  classify: NonNullable<Services['classify']>;
  /** Loads the newest model version (classifier/models/LATEST) without a restart; returns its version. */
  reload: () => string;
  version: () => string;
  stop: () => void;
}

/**
 * Loads the in-process classifier (classifier/ workspace). Intake never waits on a network hop;
 * if the model cannot load, tickets are registered without a suggestion and the log says why.
 * Every node watches the LATEST pointer, so `classifier:train` on a shared volume (or a deploy)
 * rolls a new version out to all nodes within a minute; the admin endpoint reloads at once.
 */
export async function loadClassifier(log: Logger, opts: { watch?: boolean } = {}): Promise<LoadedClassifier | undefined> {
  try {
    const mod = (await import('@rexian/classifier')) as unknown as Partial<ClassifierModule>;
    if (typeof mod.loadModel !== 'function') {
      log.warn('classifier package has no loadModel(); intake runs without suggestions');
      return undefined;
    }
    const model = mod.loadModel();
    const reload = () => {
      const v = model.reloadModel();
      log.info({ modelVersion: v }, 'classifier model loaded');
      return v;
    };
    let stop = () => {};
    const pointer = mod.MODELS_DIR ? `${mod.MODELS_DIR}/LATEST` : null;
    if (opts.watch && pointer && fs.existsSync(pointer)) {
      const onChange = () => {
        try {
          reload();
        } catch (err) {
          log.warn({ err: (err as Error).message }, 'new classifier model failed to load; keeping the old one');
        }
      };
      fs.watchFile(pointer, { interval: 60_000 }, onChange);
      stop = () => fs.unwatchFile(pointer, onChange);
    }
    return { classify: (input) => model.classify(input), reload, version: () => model.modelVersion, stop };
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'classifier not loaded; intake runs without suggestions');
    return undefined;
  }
}
