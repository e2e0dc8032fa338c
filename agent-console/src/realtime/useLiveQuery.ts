import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/problem';
import { useRealtime } from './RealtimeProvider';

export interface LiveQuery<T> {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  reload: () => void;
}

export interface LiveQueryOptions {
  /** Whether an invalidate is for this view; lists pass none (any ticket may move in or out of a filter). */
  concerns?: (ids: string[]) => boolean;
  /** Least time between refetches caused by events; a wall of counters does not need every one. */
  throttleMs?: number;
}

const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 15_000;
/** Network failures (status 0), 5xx and 429 are worth asking again; other refusals are not. */
const retryable = (e: ApiError) => e.problem.status === 0 || e.problem.status >= 500 || e.problem.status === 429;

/**
 * Loads via REST, and loads again on reconnect and on matching `invalidate` events.
 * Event-driven refetches are throttled, not debounced: on a busy floor events never pause,
 * and a debounce would then never fire.
 */
export function useLiveQuery<T>(load: () => Promise<T>, deps: unknown[], opts: LiveQueryOptions = {}): LiveQuery<T> {
  const { epoch, lastInvalidate } = useRealtime();
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const loadRef = useRef(load);
  loadRef.current = load;
  const optsRef = useRef(opts);
  optsRef.current = opts;
  const latest = useRef(0); // only the newest request may write state
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastRun = useRef(0);

  const failures = useRef(0);

  const run = useCallback(() => {
    timer.current = null;
    lastRun.current = Date.now();
    const id = ++latest.current;
    setLoading(true);
    loadRef
      .current()
      .then((d) => {
        if (id !== latest.current) return;
        failures.current = 0;
        setData(d);
        setError(null);
      })
      .catch((e: unknown) => {
        if (id !== latest.current) return;
        const err = e instanceof ApiError ? e : new ApiError({ status: 0 });
        setError(err);
        // A refetch that fails (busy server, dropped connection) would otherwise keep showing what
        // the event that caused it said had changed, until some later event: retry it, backing off.
        // A refusal (4xx) would be refused again, so it is only shown.
        if (retryable(err) && !timer.current) {
          const wait = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** failures.current++);
          timer.current = setTimeout(run, wait);
        }
      })
      .finally(() => id === latest.current && setLoading(false));
  }, []);

  const schedule = useCallback(() => {
    if (timer.current) return; // one already on its way will see this change too
    const gap = Math.max(150, (optsRef.current.throttleMs ?? 0) - (Date.now() - lastRun.current));
    timer.current = setTimeout(run, gap);
  }, [run]);

  // New filters: load now, and drop any answer still coming for the old ones.
  useEffect(() => {
    if (timer.current) clearTimeout(timer.current);
    run();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  const firstEpoch = useRef(epoch);
  useEffect(() => {
    if (epoch !== firstEpoch.current) schedule();
  }, [epoch, schedule]);

  // Invalidates from before this view mounted are already in its first load.
  const seenSeq = useRef(lastInvalidate?.seq ?? 0);
  useEffect(() => {
    if (!lastInvalidate || lastInvalidate.seq <= seenSeq.current) return;
    seenSeq.current = lastInvalidate.seq;
    if (lastInvalidate.msg.topic !== 'ticket') return;
    const concerns = optsRef.current.concerns;
    if (!concerns || concerns(lastInvalidate.msg.ids ?? [])) schedule();
  }, [lastInvalidate, schedule]);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
      latest.current++; // unmounted: ignore answers in flight
    },
    [],
  );

  const reload = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    run();
  }, [run]);
  return { data, error, loading, reload };
}
