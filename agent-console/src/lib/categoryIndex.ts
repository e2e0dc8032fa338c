import { useEffect, useState } from 'react';
import { api } from '../api/endpoints';
import type { Category } from '../api/types';
import { onSessionEnd } from './sessionReset';

// The model names level-1 categories; one fetch of the roots per page load maps names to codes.
let roots: Promise<Category[]> | null = null;
onSessionEnd(() => {
  roots = null;
});

/** name → code for the category tree's roots (empty until loaded, or if the request fails). */
export function useCategoryCodeByName(enabled = true): (name: string) => string | undefined {
  const [byName, setByName] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    if (!enabled) return;
    roots ??= api
      .categories()
      .then((r) => r.data)
      .catch((e: unknown) => {
        console.warn('the category tree could not be read; names are not linked to codes this time', e);
        roots = null;
        return [];
      });
    let live = true;
    roots.then((rows) => live && setByName(new Map(rows.map((c) => [c.name, c.code]))));
    return () => {
      live = false;
    };
  }, [enabled]);
  return (name) => byName.get(name);
}
