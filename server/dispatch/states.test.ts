import { describe, expect, it } from 'vitest';
import { DISPATCH_STATUSES, DISPATCH_TRANSITIONS, OPEN_DISPATCH_STATUSES, SUPERSEDED_DISPATCH_STATUSES, assertDispatchMove, canMoveDispatch } from './states';

describe('the dispatch status machine (data)', () => {
  it('names every status, and only known statuses as targets', () => {
    expect(Object.keys(DISPATCH_TRANSITIONS).sort()).toEqual([...DISPATCH_STATUSES].sort());
    for (const to of Object.values(DISPATCH_TRANSITIONS).flat()) expect(DISPATCH_STATUSES).toContain(to);
  });

  it('lets every open dispatch end (closed) and be recalled or returned, and nothing leave a superseded one', () => {
    for (const s of OPEN_DISPATCH_STATUSES) expect(canMoveDispatch(s, 'closed')).toBe(true);
    for (const s of SUPERSEDED_DISPATCH_STATUSES) expect(DISPATCH_TRANSITIONS[s]).toEqual([]);
    expect(canMoveDispatch('dispatched', 'recalled')).toBe(true);
    expect(canMoveDispatch('replied', 'recalled')).toBe(false);
  });

  it('refuses an edge that is not in the table with a 409 problem', () => {
    expect(() => assertDispatchMove({ status: 'returned' }, 'signed')).toThrow(/returned → signed/);
    expect(() => assertDispatchMove({ status: 'dispatched' }, 'signed')).not.toThrow();
  });
});
