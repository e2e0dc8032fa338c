import { describe, expect, it } from 'vitest';
import { regionNames, regionPath, regionTree, type Region } from './RegionCascader';

const REGIONS: Region[] = [
  { code: '440100', name: '广州市', parentCode: '440000', level: 'city' },
  { code: '440106', name: '天河区', parentCode: '440100', level: 'district' },
  { code: '440106001', name: '林和街道', parentCode: '440106', level: 'street' },
  { code: '440104', name: '越秀区', parentCode: '440100', level: 'district' },
];

describe('region cascader', () => {
  it('builds the tree from the flat list, rooted at regions whose parent is not loaded', () => {
    const tree = regionTree(REGIONS);
    expect(tree.map((o) => o.label)).toEqual(['广州市']);
    expect(tree[0].children!.map((o) => o.label)).toEqual(['天河区', '越秀区']);
    expect(tree[0].children![0].children!.map((o) => o.value)).toEqual(['440106001']);
  });

  it('shows a stored code as its path and prefills the address with the names along it', () => {
    expect(regionPath(REGIONS, '440106001')).toEqual(['440100', '440106', '440106001']);
    expect(regionNames(REGIONS, ['440100', '440106', '440106001'])).toBe('广州市天河区林和街道');
    expect(regionPath(REGIONS, '999999')).toBeUndefined();
  });
});
