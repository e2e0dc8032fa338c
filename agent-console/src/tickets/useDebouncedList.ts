import { useEffect, useRef, useState } from 'react';

/**
 * A list that follows what the agent types: fetched `delayMs` after `key` (what the request depends
 * on) last changed; `null` as key means nothing to look up and gives `null`. An answer for an older
 * key is dropped, and a failed lookup shows as an empty list (the panel says "none" instead of hanging).
 */
export function useDebouncedList<T>(key: string | null, delayMs: number, load: () => Promise<T[]>): T[] | null {
  const [rows, setRows] = useState<T[] | null>(null);
  // The latest loader, without refetching on every render (it is a new closure each time).
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });
  useEffect(() => {
    if (key === null) {
      setRows(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      loadRef
        .current()
        .then((r) => live && setRows(r))
        .catch((e: unknown) => {
          console.warn('a lookup beside the form failed; it shows nothing until the next change', e);
          if (live) setRows([]);
        });
    }, delayMs);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key, delayMs]);
  return rows;
}
