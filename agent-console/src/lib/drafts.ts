// Form drafts survive reloads and lost connections: saved on every change, cleared only after the
// server accepted the form. Keys are namespaced so logout can wipe them on a shared desk PC.
const PREFIX = 'rexian.draft.';

export interface DraftStore {
  load<T extends object>(key: string): T | null;
  save(key: string, values: object): void;
  clear(key: string): void;
  clearAll(): void;
}

export function createDraftStore(storage: Storage | undefined = globalThis.localStorage): DraftStore {
  const safe = <R>(fn: () => R, fallback: R): R => {
    try {
      return storage ? fn() : fallback;
    } catch {
      return fallback; // quota or privacy mode: drafts are a convenience, never an error
    }
  };
  return {
    load<T extends object>(key: string) {
      return safe(() => {
        const raw = storage!.getItem(PREFIX + key);
        if (!raw) return null;
        const parsed = JSON.parse(raw) as { v: T };
        return parsed && typeof parsed.v === 'object' ? parsed.v : null;
      }, null);
    },
    save(key, values) {
      const filled = Object.values(values).some((v) => v !== undefined && v !== null && v !== '');
      safe(() => (filled ? storage!.setItem(PREFIX + key, JSON.stringify({ v: values, at: Date.now() })) : storage!.removeItem(PREFIX + key)), undefined);
    },
    clear(key) {
      safe(() => storage!.removeItem(PREFIX + key), undefined);
    },
    clearAll() {
      safe(() => {
        const keys: string[] = [];
        for (let i = 0; i < storage!.length; i++) {
          const k = storage!.key(i);
          if (k?.startsWith(PREFIX)) keys.push(k);
        }
        keys.forEach((k) => storage!.removeItem(k));
      }, undefined);
    },
  };
}

export const drafts = createDraftStore(typeof localStorage === 'undefined' ? undefined : localStorage);
