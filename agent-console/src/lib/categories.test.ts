import { describe, expect, it } from 'vitest';
import { pathTo, toCascaderOptions } from './categories';

const row = (code: string, name: string, parentCode: string | null, level: number) => ({ code, name, parentCode, level });

describe('category rows → cascader', () => {
  it('builds the tree from a full flat answer', () => {
    const opts = toCascaderOptions([
      row('01', '城乡建设', null, 1),
      row('0101', '市容', '01', 2),
      row('010101', '占道', '0101', 3),
      row('02', '交通', null, 1),
    ]);
    expect(opts.map((o) => o.value)).toEqual(['01', '02']);
    expect(opts[0].children?.[0].children?.[0]).toEqual({ value: '010101', label: '占道', isLeaf: true });
    expect(pathTo(opts, '010101')).toEqual(['01', '0101', '010101']);
    expect(pathTo(opts, 'zz')).toBeNull();
  });

  it('leaves one-level answers open for lazy loading below level 3', () => {
    const opts = toCascaderOptions([row('0101', '市容', '01', 2), row('0102', '绿化', '01', 2)]);
    expect(opts).toEqual([
      { value: '0101', label: '市容', isLeaf: false },
      { value: '0102', label: '绿化', isLeaf: false },
    ]);
  });
});
