import { Cascader } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../../api/endpoints';
import { toCascaderOptions, type CategoryOption } from '../../lib/categories';

interface Props {
  value?: string[];
  onChange?: (v: string[]) => void;
}

export function CategoryCascader({ value, onChange }: Props) {
  const [options, setOptions] = useState<CategoryOption[]>([]);
  useEffect(() => {
    api.categories().then((r) => setOptions(toCascaderOptions(r.data))).catch(() => undefined);
  }, []);

  const loadData = async (path: CategoryOption[]) => {
    const target = path[path.length - 1];
    const { data } = await api.categories(target.value);
    target.children = toCascaderOptions(data).map((o) => ({ ...o, isLeaf: o.isLeaf ?? true }));
    target.isLeaf = target.children.length === 0;
    setOptions((o) => [...o]);
  };

  return (
    <Cascader
      data-testid="reg-category"
      options={options}
      loadData={(p) => void loadData(p as CategoryOption[])}
      changeOnSelect
      showSearch
      value={value}
      onChange={(v) => onChange?.((v ?? []) as string[])}
    />
  );
}
