import { describe, expect, it } from 'vitest';
import { createDraftStore } from './drafts';

/** Minimal Storage: the draft store must not need a DOM. */
function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    key: (i) => [...m.keys()][i] ?? null,
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, String(v)),
    removeItem: (k) => void m.delete(k),
    clear: () => m.clear(),
  };
}

describe('draft storage', () => {
  it('round-trips typed values until cleared', () => {
    const s = memoryStorage();
    const d = createDraftStore(s);
    d.save('register', { callerPhone: '13800138000', content: '路灯不亮' });
    expect(createDraftStore(s).load('register')).toEqual({ callerPhone: '13800138000', content: '路灯不亮' });
    d.clear('register');
    expect(d.load('register')).toBeNull();
  });

  it('does not keep an all-empty form as a draft', () => {
    const s = memoryStorage();
    const d = createDraftStore(s);
    d.save('reply', { text: 'x' });
    d.save('reply', { text: '', other: undefined });
    expect(d.load('reply')).toBeNull();
  });

  it('clearAll removes only drafts (logout on a shared desk)', () => {
    const s = memoryStorage();
    s.setItem('rexian.locale', 'en');
    const d = createDraftStore(s);
    d.save('a', { x: 1 });
    d.save('b', { y: 2 });
    d.clearAll();
    expect(d.load('a')).toBeNull();
    expect(d.load('b')).toBeNull();
    expect(s.getItem('rexian.locale')).toBe('en');
  });

  it('survives corrupt JSON, a throwing storage and no storage at all', () => {
    const s = memoryStorage();
    s.setItem('rexian.draft.bad', '{not json');
    expect(createDraftStore(s).load('bad')).toBeNull();
    const throwing = {
      ...memoryStorage(),
      setItem: () => {
        throw new Error('QuotaExceeded');
      },
    } as Storage;
    expect(() => createDraftStore(throwing).save('k', { a: 1 })).not.toThrow();
    const none = createDraftStore(undefined);
    none.save('k', { a: 1 });
    expect(none.load('k')).toBeNull();
  });
});
