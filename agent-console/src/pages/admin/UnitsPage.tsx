import { Button, Card, Form, Input, Modal, Select, Space, Switch, Table, Tag, TreeSelect, Typography } from 'antd';
import type { ButtonProps } from 'antd';
import { useMemo, useState } from 'react';
import { useI18n } from '../../i18n';
import { Problem } from '../supervisor/reports/parts';
import { useLoad } from '../supervisor/reports/useLoad';
import { adminApi, UNIT_KINDS, type AdminUnit } from './api';
import { EnterSubmits, FormError } from './parts';

type Node = AdminUnit & { children?: Node[] };
const KIND_COLOURS: Record<string, string> = {
  centre: 'gold',
  city_gov: 'red',
  district_gov: 'volcano',
  street: 'orange',
  functional: 'blue',
  utility: 'cyan',
};

/** Units as a tree (parent → children), so the administrator sees where a street office hangs. */
export function unitTree(units: AdminUnit[]): Node[] {
  const byId = new Map<string, Node>(units.map((u) => [u.id, { ...u }]));
  const roots: Node[] = [];
  for (const n of byId.values()) {
    const p = n.parentId ? byId.get(n.parentId) : undefined;
    if (p) (p.children ??= []).push(n);
    else roots.push(n);
  }
  return roots;
}

/** 承办单位: the tree, each unit's kind, region and whether it still receives tickets. */
export default function UnitsPage() {
  const { t } = useI18n();
  const units = useLoad(() => adminApi.units(), []);
  const regions = useLoad(() => adminApi.regions(), []);
  const [editing, setEditing] = useState<AdminUnit | 'new' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [filter, setFilter] = useState('');
  const [form] = Form.useForm();
  const list = useMemo(() => units.data ?? [], [units.data]);
  const tree = useMemo(
    () => unitTree(filter ? list.filter((u) => u.name.includes(filter) || u.code.toLowerCase().includes(filter.toLowerCase())) : list),
    [list, filter],
  );
  const parentOptions = useMemo(() => {
    type Opt = { value: string; title: string; disabled?: boolean; children?: Opt[] };
    const toOpt = (n: Node): Opt => ({
      value: n.id,
      title: `${n.name} (${n.code})`,
      disabled: !n.active || (editing !== 'new' && n.id === editing?.id),
      children: n.children?.map(toOpt),
    });
    return unitTree(list).map(toOpt);
  }, [list, editing]);

  const open = (u: AdminUnit | 'new') => {
    setError(null);
    form.resetFields();
    form.setFieldsValue(u === 'new' ? { kind: 'functional', active: true, parentId: null } : u);
    setEditing(u);
  };
  const save = async (v: Record<string, unknown>) => {
    setSaving(true);
    setError(null);
    const body = { name: v.name, kind: v.kind, parentId: v.parentId ?? null, regionCode: v.regionCode, active: v.active !== false };
    try {
      if (editing === 'new') await adminApi.createUnit({ code: v.code, ...body });
      else await adminApi.updateUnit(editing!.id, body);
      setEditing(null);
      units.reload();
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card
      size="small"
      title={t('admin.units.title')}
      data-testid="admin-units"
      extra={
        <Space>
          <Input.Search
            allowClear
            size="small"
            placeholder={t('admin.units.filter')}
            aria-label={t('admin.units.filter')}
            onSearch={setFilter}
            onChange={(e) => !e.target.value && setFilter('')}
            style={{ width: 200 }}
          />
          <Button type="primary" size="small" onClick={() => open('new')} data-testid="unit-new">
            {t('admin.units.new')}
          </Button>
        </Space>
      }
    >
      <Problem error={units.error} />
      <Typography.Paragraph type="secondary">{t('admin.units.hint')}</Typography.Paragraph>
      <Table<Node>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={tree}
        loading={units.loading}
        expandable={{ defaultExpandAllRows: true }}
        key={tree.length /* expand all again after a reload */}
        rowClassName={(u) => (u.active ? '' : 'admin-row-inactive')}
        columns={[
          { title: t('admin.units.name'), dataIndex: 'name', render: (n: string, u) => <span data-testid={`unit-row-${u.code}`}>{n}</span> },
          { title: t('admin.units.code'), dataIndex: 'code' },
          { title: t('admin.units.kind'), dataIndex: 'kind', render: (k: string) => <Tag color={KIND_COLOURS[k]}>{t(`unitKind.${k}`)}</Tag> },
          { title: t('admin.units.region'), key: 'region', render: (_, u) => `${u.regionName ?? ''} ${u.regionCode}` },
          { title: t('admin.units.users'), dataIndex: 'users', align: 'right' },
          { title: t('admin.units.leadRules'), dataIndex: 'leadRules', align: 'right' },
          {
            title: t('admin.active'),
            dataIndex: 'active',
            render: (a: boolean) => (a ? <Tag color="green">{t('admin.active.on')}</Tag> : <Tag>{t('admin.active.off')}</Tag>),
          },
          {
            title: '',
            key: 'edit',
            render: (_, u) => (
              <Button size="small" onClick={() => open(u)} data-testid={`unit-edit-${u.code}`}>
                {t('admin.edit')}
              </Button>
            ),
          },
        ]}
      />
      <Modal
        open={!!editing}
        destroyOnHidden
        title={editing === 'new' ? t('admin.units.new') : editing ? `${t('admin.edit')} · ${editing.name}` : ''}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        okText={t('admin.save')}
        confirmLoading={saving}
        okButtonProps={{ 'data-testid': 'unit-save' } as ButtonProps}
      >
        <FormError error={error} testId="unit-error" />
        <Form form={form} layout="vertical" onFinish={(v) => void save(v)} onValuesChange={() => setError(null)} data-testid="unit-form">
          {editing === 'new' && (
            <Form.Item
              name="code"
              label={t('admin.units.code')}
              extra={t('admin.units.codeHint')}
              rules={[{ required: true, pattern: /^[A-Za-z0-9_-]{2,32}$/, message: t('admin.units.codeBad') }]}
            >
              <Input autoFocus data-testid="unit-code" />
            </Form.Item>
          )}
          <Form.Item name="name" label={t('admin.units.name')} rules={[{ required: true, min: 2, max: 60, message: t('admin.units.nameBad') }]}>
            <Input autoFocus={editing !== 'new'} data-testid="unit-name" />
          </Form.Item>
          <Form.Item name="kind" label={t('admin.units.kind')} rules={[{ required: true }]}>
            <Select showSearch optionFilterProp="label" data-testid="unit-kind" options={UNIT_KINDS.map((k) => ({ value: k, label: t(`unitKind.${k}`) }))} />
          </Form.Item>
          <Form.Item name="parentId" label={t('admin.units.parent')}>
            <TreeSelect
              allowClear
              showSearch
              treeNodeFilterProp="title"
              treeDefaultExpandAll
              treeData={parentOptions}
              data-testid="unit-parent"
              placeholder={t('admin.units.noParent')}
            />
          </Form.Item>
          <Form.Item name="regionCode" label={t('admin.units.region')} rules={[{ required: true, message: t('admin.units.regionBad') }]}>
            <Select
              showSearch
              optionFilterProp="label"
              data-testid="unit-region"
              options={(regions.data ?? []).map((r) => ({ value: r.code, label: `${r.name} ${r.code}` }))}
            />
          </Form.Item>
          <Form.Item name="active" label={t('admin.active')} valuePropName="checked" extra={t('admin.units.activeHint')}>
            <Switch data-testid="unit-active" />
          </Form.Item>
          <EnterSubmits />
        </Form>
      </Modal>
    </Card>
  );
}
