import { describe, expect, it } from 'vitest';
import { newest } from './versions';

describe('newest copy of a ticket', () => {
  it('keeps an action result until a refetch at least as new arrives', () => {
    const fromAction = { version: 5, status: 'signed' };
    const staleRefetch = { version: 4, status: 'dispatched' };
    const freshRefetch = { version: 5, status: 'signed' };
    expect(newest(fromAction, staleRefetch)).toBe(fromAction);
    expect(newest(fromAction, freshRefetch)).toBe(freshRefetch);
    expect(newest(null, staleRefetch)).toBe(staleRefetch);
    expect(newest(fromAction, undefined)).toBe(fromAction);
    expect(newest(null, undefined)).toBeUndefined();
  });
});
