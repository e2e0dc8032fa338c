import { useEffect, useState } from 'react';
import { api } from '../api/endpoints';
import type { Unit } from '../api/types';
import { onSessionEnd } from '../lib/sessionReset';

// Units change rarely (admin edits); one fetch per page load is enough for the pickers.
let cache: Promise<Unit[]> | null = null;
onSessionEnd(() => {
  cache = null;
});

export function useUnits(): Unit[] {
  const [units, setUnits] = useState<Unit[]>([]);
  useEffect(() => {
    cache ??= api
      .units()
      .then((r) => r.data)
      .catch((e) => {
        cache = null;
        throw e;
      });
    let live = true;
    cache.then((u) => live && setUnits(u)).catch((e: unknown) => console.warn('units could not be read; the unit pickers stay empty', e));
    return () => {
      live = false;
    };
  }, []);
  return units;
}
