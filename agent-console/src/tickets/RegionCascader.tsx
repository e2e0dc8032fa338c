import { Cascader } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { onSessionEnd } from '../lib/sessionReset';
import { get } from '../api/client';

export interface Region {
  code: string;
  name: string;
  parentCode: string | null;
  level: string;
}
interface Option {
  value: string;
  label: string;
  children?: Option[];
}

/** The region list (/api/regions) as a tree for the cascader; the centre's own city is usually the only root that matters. */
export function regionTree(regions: Region[]): Option[] {
  const byParent = new Map<string | null, Region[]>();
  for (const r of regions) byParent.set(r.parentCode, [...(byParent.get(r.parentCode) ?? []), r]);
  const known = new Set(regions.map((r) => r.code));
  const build = (parent: string | null): Option[] =>
    (byParent.get(parent) ?? []).map((r) => {
      const children = build(r.code);
      return { value: r.code, label: r.name, ...(children.length ? { children } : {}) };
    });
  // Roots: regions whose parent is not in the list (a deployment may load only its own city).
  return regions
    .filter((r) => !r.parentCode || !known.has(r.parentCode))
    .flatMap((r) => {
      const children = build(r.code);
      return [{ value: r.code, label: r.name, ...(children.length ? { children } : {}) }];
    });
}

/** The path of codes from a root to `code`, for showing a stored code in the cascader. */
export function regionPath(regions: Region[], code: string | undefined | null): string[] | undefined {
  if (!code) return undefined;
  const byCode = new Map(regions.map((r) => [r.code, r]));
  const path: string[] = [];
  for (let r = byCode.get(code); r; r = r.parentCode ? byCode.get(r.parentCode) : undefined) path.unshift(r.code);
  return path.length ? path : undefined;
}

/** Names along a path ("广州市天河区林和街道"), the start of an address in that region. */
export function regionNames(regions: Region[], path: string[]): string {
  const byCode = new Map(regions.map((r) => [r.code, r.name]));
  return path.map((c) => byCode.get(c) ?? '').join('');
}

let cache: Promise<Region[]> | null = null;
onSessionEnd(() => {
  cache = null;
});
export function useRegions(): Region[] {
  const [regions, setRegions] = useState<Region[]>([]);
  useEffect(() => {
    cache ??= get<Region[]>('/api/regions').then((r) => r.data);
    let live = true;
    cache
      .then((r) => live && setRegions(r))
      .catch((e: unknown) => {
        cache = null; // try again next time the form opens
        console.warn('regions could not be read; the region field stays empty', e);
      });
    return () => void (live = false);
  }, []);
  return regions;
}

interface Props {
  /** The chosen region's code (the deepest level picked). */
  value?: string | null;
  onChange?: (code: string | undefined, path: string[]) => void;
  testId?: string;
}

/** 行政区划 as a cascader over the region tree: the agent picks 广州市 › 天河区 › 林和街道, never types 440106001. */
export function RegionCascader({ value, onChange, testId = 'region' }: Props) {
  const regions = useRegions();
  const options = useMemo(() => regionTree(regions), [regions]);
  return (
    <Cascader
      data-testid={testId}
      options={options}
      changeOnSelect
      showSearch={{ filter: (input, path) => path.some((o) => String(o.label).includes(input)) }}
      value={regionPath(regions, value)}
      onChange={(path) => {
        const codes = (path ?? []) as string[];
        onChange?.(codes[codes.length - 1], codes);
      }}
    />
  );
}
