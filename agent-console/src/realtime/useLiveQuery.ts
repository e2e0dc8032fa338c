import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/problem';
import { useRealtime } from './RealtimeProvider';

export interface LiveQuery<T> {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads via REST and loads again on reconnect and on `invalidate` events that match.
 * `concerns(ids)` says whether an invalidate is for this view; lists pass none (any ticket change
 * may move a row in or out of a filtered list), details pass their own id.
 */
export function useLiveQuery<T>(
  load: () => Promise<T>,
  deps: unknown[],
  concerns?: (ids: string[]) => boolean,
): LiveQuery<T> {
  const { epoch, lastInvalidate } = useRealtime();
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const concernsRef = useRef(concerns);
  concernsRef.current = concerns;

  // Invalidates that happened before this view mounted are already reflected in its first load.
  const seenSeq = useRef(lastInvalidate?.seq ?? 0);

  useEffect(() => {
    if (!lastInvalidate || lastInvalidate.seq <= seenSeq.current || lastInvalidate.msg.topic !== 'ticket') return;
    seenSeq.current = lastInvalidate.seq;
    const ids = lastInvalidate.msg.ids ?? [];
    if (!concernsRef.current || concernsRef.current(ids)) setTick((n) => n + 1);
  }, [lastInvalidate]);

  const firstLoad = useRef(true);
  useEffect(() => {
    let live = true;
    setLoading(true);
    const delay = firstLoad.current ? 0 : 150;
    firstLoad.current = false;
    // A burst of invalidates (dispatch touches several rows) coalesces into one request.
    const timer = setTimeout(() => {
      loadRef
        .current()
        .then((d) => live && (setData(d), setError(null)))
        .catch((e: unknown) => live && setError(e instanceof ApiError ? e : new ApiError({ status: 0 })))
        .finally(() => live && setLoading(false));
    }, delay);
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, epoch, tick]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, reload };
}
