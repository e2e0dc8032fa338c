import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../../../api/problem';

/**
 * Loads when the filters change and keeps only the newest answer. Reports are read on demand
 * (a supervisor changes a filter or presses refresh), not on every ticket event: a table that
 * redraws while someone reads it loses their place.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const id = ++latest.current;
    setLoading(true);
    load()
      .then((d) => id === latest.current && (setData(d), setError(null)))
      .catch((e: unknown) => id === latest.current && setError(e instanceof ApiError ? e : new ApiError({ status: 0 })))
      .finally(() => id === latest.current && setLoading(false));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  useEffect(() => () => void latest.current++, []);
  return { data, error, loading, reload: () => setTick((n) => n + 1) };
}
