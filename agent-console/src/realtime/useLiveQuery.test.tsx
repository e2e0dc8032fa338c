// @vitest-environment happy-dom
import { act, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/problem';
import { RealtimeContext, type Invalidate, type RealtimeValue } from './RealtimeProvider';
import { useLiveQuery, type LiveQueryOptions } from './useLiveQuery';

let value: RealtimeValue;
let seq = 0;
const wrapper = ({ children }: { children: ReactNode }) => <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;

function setup(opts?: LiveQueryOptions) {
  value = { state: 'connected', epoch: 0, socket: null, lastInvalidate: null };
  const load = vi.fn(async () => 'rows');
  const hook = renderHook(() => useLiveQuery(load, [], opts), { wrapper });
  const push = (patch: Partial<RealtimeValue>) => {
    value = { ...value, ...patch };
    hook.rerender();
  };
  const invalidate = (msg: Invalidate) => push({ lastInvalidate: { seq: ++seq, msg } });
  return { load, hook, push, invalidate };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('useLiveQuery', () => {
  it('loads at once, then again after a ticket invalidate', async () => {
    const { load, invalidate } = setup();
    expect(load).toHaveBeenCalledTimes(1);
    await act(async () => invalidate({ topic: 'ticket', ids: ['a'] }));
    await act(async () => vi.advanceTimersByTime(200));
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('keeps refetching while events never pause (throttle, not debounce)', async () => {
    const { load, invalidate } = setup();
    for (let i = 0; i < 20; i++) {
      await act(async () => invalidate({ topic: 'ticket', ids: [String(i)] }));
      await act(async () => vi.advanceTimersByTime(100));
    }
    // 2 s of events every 100 ms: about one load per 150 ms window, never zero, never one per event.
    expect(load.mock.calls.length).toBeGreaterThan(8);
    expect(load.mock.calls.length).toBeLessThan(20);
  });

  it('spaces event refetches by throttleMs', async () => {
    const { load, invalidate } = setup({ throttleMs: 1000 });
    for (let i = 0; i < 30; i++) {
      await act(async () => invalidate({ topic: 'ticket', ids: ['x'] }));
      await act(async () => vi.advanceTimersByTime(100));
    }
    expect(load).toHaveBeenCalledTimes(1 + 3);
  });

  it('ignores invalidates for other tickets and other topics', async () => {
    const { load, invalidate } = setup({ concerns: (ids) => ids.includes('mine') });
    await act(async () => invalidate({ topic: 'ticket', ids: ['other'] }));
    await act(async () => invalidate({ topic: 'user', ids: ['mine'] }));
    await act(async () => vi.advanceTimersByTime(500));
    expect(load).toHaveBeenCalledTimes(1);
    await act(async () => invalidate({ topic: 'ticket', ids: ['mine'] }));
    await act(async () => vi.advanceTimersByTime(500));
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('refetches after a reconnect (epoch bump)', async () => {
    const { load, push } = setup();
    await act(async () => push({ epoch: 1 }));
    await act(async () => vi.advanceTimersByTime(200));
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('retries a refetch that failed (server busy, network), so a missed change still shows without another event', async () => {
    value = { state: 'connected', epoch: 0, socket: null, lastInvalidate: null };
    let answer = 'before';
    let fail = false;
    const load = vi.fn(async () => {
      if (fail) throw new ApiError({ status: 503, code: 'SERVICE_UNAVAILABLE' });
      return answer;
    });
    const hook = renderHook(() => useLiveQuery(load, []), { wrapper });
    await act(async () => vi.advanceTimersByTime(0));
    expect(hook.result.current.data).toBe('before');
    // The change is committed and announced, but the refetch it causes fails once.
    answer = 'after';
    fail = true;
    value = { ...value, lastInvalidate: { seq: ++seq, msg: { topic: 'ticket', ids: ['a'] } } };
    hook.rerender();
    await act(async () => vi.advanceTimersByTime(200));
    expect(hook.result.current.error?.problem.status).toBe(503);
    expect(hook.result.current.data).toBe('before');
    fail = false;
    await act(async () => vi.advanceTimersByTime(3000));
    expect(hook.result.current.data).toBe('after');
    expect(hook.result.current.error).toBeNull();
  });

  it('does not retry a refusal (4xx): the same request would be refused again', async () => {
    value = { state: 'connected', epoch: 0, socket: null, lastInvalidate: null };
    const load = vi.fn(async () => {
      throw new ApiError({ status: 403, code: 'FORBIDDEN' });
    });
    renderHook(() => useLiveQuery(load, []), { wrapper });
    await act(async () => vi.advanceTimersByTime(30_000));
    expect(load).toHaveBeenCalledTimes(1);
  });
});
