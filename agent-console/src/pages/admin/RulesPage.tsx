import { App, Button, Card, Descriptions, Form, Input, Modal, Popconfirm, Select, Space, Switch, Table, Tag, TreeSelect, Typography } from 'antd';
import type { ButtonProps } from 'antd';
import { useMemo, useState } from 'react';
import { errorMessage } from '../../api/problem';
import { useI18n } from '../../i18n';
import { Problem } from '../supervisor/reports/parts';
import { useLoad } from '../supervisor/reports/useLoad';
import { adminApi, type Category, type DispatchRule, type Region, type RouteProposal } from './api';
import { EnterSubmits, FormError } from './parts';

type TreeOpt = { value: string; title: string; children?: TreeOpt[] };
/** code-parent rows → TreeSelect options (categories and regions are both trees by parentCode). */
export function codeTree<T extends { code: string; name: string; parentCode: string | null }>(rows: T[]): TreeOpt[] {
  const byCode = new Map<string, TreeOpt>(rows.map((r) => [r.code, { value: r.code, title: `${r.name} ${r.code}` }]));
  const roots: TreeOpt[] = [];
  for (const r of rows) {
    const parent = r.parentCode ? byCode.get(r.parentCode) : undefined;
    if (parent) (parent.children ??= []).push(byCode.get(r.code)!);
    else roots.push(byCode.get(r.code)!);
  }
  return roots;
}

/**
 * 派单规则: category × region → lead unit and assisting units, and a tester that asks the server's
 * routing function which rule (or fallback) a ticket with this category and place would get.
 */
export default function RulesPage() {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const rules = useLoad(() => adminApi.rules(), []);
  const units = useLoad(() => adminApi.units(), []);
  const cats = useLoad(() => adminApi.categories(), []);
  const regions = useLoad(() => adminApi.regions(), []);
  const [editing, setEditing] = useState<DispatchRule | 'new' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm();
  const [probe] = Form.useForm();
  const [result, setResult] = useState<RouteProposal | null>(null);
  const [probeError, setProbeError] = useState<unknown>(null);

  const unitName = useMemo(() => new Map((units.data ?? []).map((u) => [u.id, u.name])), [units.data]);
  const catName = useMemo(() => new Map((cats.data ?? []).map((c: Category) => [c.code, c.name])), [cats.data]);
  const regionName = useMemo(() => new Map((regions.data ?? []).map((r: Region) => [r.code, r.name])), [regions.data]);
  const catTree = useMemo(() => codeTree(cats.data ?? []), [cats.data]);
  const regionTree = useMemo(() => codeTree(regions.data ?? []), [regions.data]);
  const unitOptions = (units.data ?? []).filter((u) => u.active).map((u) => ({ value: u.id, label: `${u.name} (${u.code})` }));
  const cat = (code: string) => `${catName.get(code) ?? '?'} ${code}`;
  const region = (code: string) => (code === '*' ? t('admin.rules.anyRegion') : `${regionName.get(code) ?? '?'} ${code}`);

  const open = (r: DispatchRule | 'new') => {
    setError(null);
    form.resetFields();
    form.setFieldsValue(r === 'new' ? { regionCode: '*', assistingUnitIds: [], active: true } : r);
    setEditing(r);
  };
  const save = async (v: Record<string, unknown>) => {
    setSaving(true);
    setError(null);
    const body = {
      categoryCode: v.categoryCode,
      regionCode: v.regionCode || '*',
      leadUnitId: v.leadUnitId,
      assistingUnitIds: v.assistingUnitIds ?? [],
      ...(v.note ? { note: v.note } : {}),
      active: v.active !== false,
    };
    try {
      if (editing === 'new') await adminApi.createRule(body);
      else await adminApi.updateRule(editing!.id, body);
      setEditing(null);
      rules.reload();
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  const test = async (v: { categoryCode?: string; regionCode?: string }) => {
    setProbeError(null);
    setResult(null);
    try {
      setResult(await adminApi.testRoute(v.categoryCode ?? '', v.regionCode || null));
    } catch (e) {
      setProbeError(e);
    }
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }} size={12}>
      <Card size="small" title={t('admin.rules.tester')} data-testid="rule-tester">
        <Typography.Paragraph type="secondary">{t('admin.rules.testerHint')}</Typography.Paragraph>
        <FormError error={probeError} testId="rule-test-error" />
        <Form form={probe} layout="inline" onFinish={(v) => void test(v)}>
          <Form.Item name="categoryCode" label={t('admin.rules.category')} rules={[{ required: true, message: t('admin.rules.categoryNeeded') }]}>
            <TreeSelect showSearch treeNodeFilterProp="title" treeData={catTree} style={{ width: 260 }} data-testid="rule-test-category" />
          </Form.Item>
          <Form.Item name="regionCode" label={t('admin.rules.region')}>
            <TreeSelect allowClear showSearch treeNodeFilterProp="title" treeData={regionTree} style={{ width: 220 }} data-testid="rule-test-region" />
          </Form.Item>
          <Button type="primary" htmlType="submit" data-testid="rule-test-run">
            {t('admin.rules.test')}
          </Button>
        </Form>
        {result && (
          <Descriptions size="small" column={1} bordered style={{ marginTop: 12 }} data-testid="rule-test-result">
            <Descriptions.Item label={t('admin.rules.reason')}>
              <Tag color={result.ruleId ? 'green' : 'orange'}>{t(`admin.rules.reason.${result.reason}`)}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('admin.rules.rule')}>
              {result.ruleId
                ? (() => {
                    const r = rules.data?.find((x) => x.id === result.ruleId);
                    return r ? `${cat(r.categoryCode)} × ${region(r.regionCode)}` : result.ruleId;
                  })()
                : t('admin.rules.noRule')}
            </Descriptions.Item>
            <Descriptions.Item label={t('admin.rules.lead')}>
              <strong>{result.leadUnit.name}</strong>
            </Descriptions.Item>
            <Descriptions.Item label={t('admin.rules.assisting')}>{result.assistingUnits.map((u) => u.name).join('、') || '—'}</Descriptions.Item>
            {result.notes.length > 0 && (
              <Descriptions.Item label={t('admin.rules.notes')}>{result.notes.map((n) => t(`admin.rules.note.${n}`)).join('；')}</Descriptions.Item>
            )}
          </Descriptions>
        )}
      </Card>

      <Card
        size="small"
        title={t('admin.rules.title')}
        data-testid="admin-rules"
        extra={
          <Button type="primary" size="small" onClick={() => open('new')} data-testid="rule-new">
            {t('admin.rules.new')}
          </Button>
        }
      >
        <Problem error={rules.error} />
        <Table<DispatchRule>
          size="small"
          rowKey="id"
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          dataSource={rules.data ?? []}
          loading={rules.loading}
          columns={[
            { title: t('admin.rules.category'), dataIndex: 'categoryCode', render: (c: string) => cat(c) },
            { title: t('admin.rules.region'), dataIndex: 'regionCode', render: (c: string) => region(c) },
            { title: t('admin.rules.lead'), dataIndex: 'leadUnitId', render: (id: string) => unitName.get(id) ?? id },
            {
              title: t('admin.rules.assisting'),
              dataIndex: 'assistingUnitIds',
              render: (ids: string[]) => ids.map((id) => unitName.get(id) ?? id).join('、') || '—',
            },
            { title: t('admin.rules.note'), dataIndex: 'note', render: (v) => v ?? '—' },
            {
              title: t('admin.active'),
              dataIndex: 'active',
              render: (a: boolean) => (a ? <Tag color="green">{t('admin.active.on')}</Tag> : <Tag>{t('admin.active.off')}</Tag>),
            },
            {
              title: '',
              key: 'edit',
              render: (_, r) => (
                <Space size={4}>
                  <Button size="small" onClick={() => open(r)} data-testid={`rule-edit-${r.categoryCode}-${r.regionCode}`}>
                    {t('admin.edit')}
                  </Button>
                  {r.active && (
                    <Popconfirm
                      title={t('admin.rules.deactivateConfirm')}
                      okText={t('admin.confirm')}
                      onConfirm={() =>
                        adminApi.deactivateRule(r.id).then(
                          () => rules.reload(),
                          (e) => message.error(errorMessage(e, locale)),
                        )
                      }
                    >
                      <Button size="small">{t('admin.rules.deactivate')}</Button>
                    </Popconfirm>
                  )}
                </Space>
              ),
            },
          ]}
        />
      </Card>

      <Modal
        open={!!editing}
        destroyOnHidden
        title={editing === 'new' ? t('admin.rules.new') : t('admin.edit')}
        width={620}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        okText={t('admin.save')}
        confirmLoading={saving}
        okButtonProps={{ 'data-testid': 'rule-save' } as ButtonProps}
      >
        <FormError error={error} testId="rule-error" />
        <Form form={form} layout="vertical" onFinish={(v) => void save(v)} onValuesChange={() => setError(null)}>
          <Form.Item name="categoryCode" label={t('admin.rules.category')} rules={[{ required: true, message: t('admin.rules.categoryNeeded') }]}>
            <TreeSelect showSearch treeNodeFilterProp="title" treeData={catTree} data-testid="rule-category" />
          </Form.Item>
          <Form.Item name="regionCode" label={t('admin.rules.region')} extra={t('admin.rules.regionHint')}>
            <TreeSelect
              showSearch
              treeNodeFilterProp="title"
              treeData={[{ value: '*', title: t('admin.rules.anyRegion') }, ...regionTree]}
              data-testid="rule-region"
            />
          </Form.Item>
          <Form.Item name="leadUnitId" label={t('admin.rules.lead')} rules={[{ required: true, message: t('admin.rules.leadNeeded') }]}>
            <Select showSearch optionFilterProp="label" options={unitOptions} data-testid="rule-lead" />
          </Form.Item>
          <Form.Item name="assistingUnitIds" label={t('admin.rules.assisting')}>
            <Select mode="multiple" showSearch optionFilterProp="label" options={unitOptions} data-testid="rule-assisting" />
          </Form.Item>
          <Form.Item name="note" label={t('admin.rules.note')} rules={[{ max: 500 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="active" label={t('admin.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
          <EnterSubmits />
        </Form>
      </Modal>
    </Space>
  );
}
