import type { Category } from '../api/types';

export interface CategoryOption {
  value: string;
  label: string;
  isLeaf?: boolean;
  children?: CategoryOption[];
}

/**
 * /api/categories may answer with the whole tree (flat rows with parentCode) or with one level;
 * both become cascader options. A one-level answer leaves nodes open (isLeaf false) for lazy loading.
 */
export function toCascaderOptions(rows: Category[], maxLevel = 3): CategoryOption[] {
  const byParent = new Map<string | null, Category[]>();
  const codes = new Set(rows.map((r) => r.code));
  for (const r of rows) {
    // A row whose parent is not in the answer is a root of this answer (one-level responses).
    const parent = r.parentCode && codes.has(r.parentCode) ? r.parentCode : null;
    byParent.set(parent, [...(byParent.get(parent) ?? []), r]);
  }
  const flatOneLevel = !rows.some((r) => r.parentCode && codes.has(r.parentCode));
  const build = (parent: string | null): CategoryOption[] =>
    (byParent.get(parent) ?? []).map((r) => {
      const kids = byParent.get(r.code);
      return kids
        ? { value: r.code, label: r.name, children: build(r.code) }
        : { value: r.code, label: r.name, isLeaf: flatOneLevel ? r.level >= maxLevel : true };
    });
  return build(null);
}

/** The cascader's path for a stored leaf code, so a restored draft shows its category again. */
export function pathTo(options: CategoryOption[], code: string): string[] | null {
  for (const o of options) {
    if (o.value === code) return [o.value];
    const sub = o.children ? pathTo(o.children, code) : null;
    if (sub) return [o.value, ...sub];
  }
  return null;
}
