import { Cascader } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../api/endpoints';
import { pathTo, toCascaderOptions, type CategoryOption } from '../lib/categories';

interface Props {
  /** A path from the cascader, or a stored leaf code (from a suggestion or a ticket). */
  value?: string[] | string | null;
  onChange?: (v: string[]) => void;
  testId?: string;
}

/** Category tree (/api/categories): roots first, children loaded on open (?parentCode=). */
export function CategoryCascader({ value, onChange, testId = 'category' }: Props) {
  const [options, setOptions] = useState<CategoryOption[]>([]);
  useEffect(() => {
    api
      .categories()
      .then((r) => setOptions(toCascaderOptions(r.data)))
      .catch((e: unknown) => console.warn('the category tree could not be read; the category field stays empty', e));
  }, []);

  const loadData = async (path: CategoryOption[]) => {
    const target = path[path.length - 1];
    try {
      const { data } = await api.categories(target.value);
      target.children = toCascaderOptions(data).map((o) => ({ ...o, isLeaf: o.isLeaf ?? true }));
      target.isLeaf = target.children.length === 0;
    } catch (e) {
      // The cascader shows its spinner until the options change: end it, so a second click retries.
      console.warn(`the categories under ${target.value} could not be read; clicking it again retries`, e);
    }
    setOptions((o) => [...o]);
  };

  // A bare code shows as its path once that part of the tree is loaded, else as the code itself.
  const shown = typeof value === 'string' ? (pathTo(options, value) ?? [value]) : (value ?? undefined);

  return (
    <Cascader
      data-testid={testId}
      options={options}
      loadData={(p) => void loadData(p as CategoryOption[])}
      changeOnSelect
      value={shown}
      onChange={(v) => onChange?.((v ?? []) as string[])}
    />
  );
}

/** The leaf code the API wants from whatever the cascader holds. */
export function leafCode(v: unknown): string | undefined {
  if (Array.isArray(v)) return v.length ? String(v[v.length - 1]) : undefined;
  return typeof v === 'string' && v ? v : undefined;
}
