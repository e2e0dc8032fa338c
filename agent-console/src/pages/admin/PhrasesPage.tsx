import type { ButtonProps } from 'antd';
import { Button, Card, Form, Input, InputNumber, Modal, Switch, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../i18n';
import { Problem } from '../supervisor/reports/parts';
import { useLoad } from '../supervisor/reports/useLoad';
import { textsApi, type Snippet } from './api';
import { EnterSubmits, FormError } from './parts';

function SnippetList({ kind }: { kind: Snippet['kind'] }) {
  const { t } = useI18n();
  const list = useLoad(() => textsApi.snippets(kind), [kind]);
  const [editing, setEditing] = useState<Snippet | 'new' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [form] = Form.useForm();
  const open = (s: Snippet | 'new') => {
    setError(null);
    form.resetFields();
    form.setFieldsValue(s === 'new' ? { sort: (list.data?.length ?? 0) + 1, active: true } : s);
    setEditing(s);
  };
  const save = async (v: Record<string, unknown>) => {
    setError(null);
    const fields = { title: v.title, body: v.body, sort: v.sort ?? 0, active: v.active !== false };
    try {
      if (editing === 'new') await textsApi.createSnippet({ kind, ...fields });
      else await textsApi.updateSnippet(editing!.id, { ...fields, categoryCode: editing!.categoryCode });
      setEditing(null);
      list.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div data-testid={`snippets-${kind}`}>
      <Problem error={list.error} />
      <Typography.Paragraph type="secondary">{t(`admin.snip.hint.${kind}`)}</Typography.Paragraph>
      <Button type="primary" size="small" onClick={() => open('new')} data-testid={`snip-new-${kind}`} style={{ marginBottom: 8 }}>
        {t('admin.snip.new')}
      </Button>
      <Table<Snippet>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={list.data ?? []}
        loading={list.loading}
        columns={[
          { title: t('admin.snip.sort'), dataIndex: 'sort', width: 70 },
          { title: t('admin.snip.titleCol'), dataIndex: 'title', render: (v: string) => <span data-testid={`snip-row-${v}`}>{v}</span> },
          { title: t('admin.snip.body'), dataIndex: 'body' },
          {
            title: t('admin.active'),
            dataIndex: 'active',
            render: (a: boolean) => (a ? <Tag color="green">{t('admin.active.on')}</Tag> : <Tag>{t('admin.active.off')}</Tag>),
          },
          {
            title: '',
            key: 'edit',
            render: (_, s) => (
              <Button size="small" onClick={() => open(s)} data-testid={`snip-edit-${s.title}`}>
                {t('admin.edit')}
              </Button>
            ),
          },
        ]}
      />
      <Modal
        open={!!editing}
        destroyOnHidden
        title={editing === 'new' ? t('admin.snip.new') : t('admin.edit')}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        okText={t('admin.save')}
        okButtonProps={{ 'data-testid': 'snip-save' } as ButtonProps}
      >
        <FormError error={error} testId="snip-error" />
        <Form form={form} layout="vertical" onFinish={(v) => void save(v)} onValuesChange={() => setError(null)}>
          <Form.Item
            name="title"
            label={t('admin.snip.titleCol')}
            rules={[{ required: true, whitespace: true, max: 40, message: t('admin.snip.titleNeeded') }]}
          >
            <Input autoFocus data-testid="snip-title" />
          </Form.Item>
          <Form.Item name="body" label={t('admin.snip.body')} rules={[{ required: true, whitespace: true, max: 2000, message: t('admin.snip.bodyNeeded') }]}>
            <Input.TextArea rows={4} data-testid="snip-body" />
          </Form.Item>
          <Form.Item name="sort" label={t('admin.snip.sort')}>
            <InputNumber min={0} max={9999} />
          </Form.Item>
          <Form.Item name="active" label={t('admin.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
          <EnterSubmits />
        </Form>
      </Modal>
    </div>
  );
}

/** 常用语 (agents) and 答复模板 (units): the texts typed again and again, kept in one place. */
export default function PhrasesPage() {
  const { t } = useI18n();
  return (
    <Card size="small" title={t('admin.snip.title')} data-testid="admin-phrases">
      <Tabs
        items={(['agent_phrase', 'unit_reply'] as const).map((k) => ({
          key: k,
          label: <span data-testid={`snip-tab-${k}`}>{t(`admin.snip.kind.${k}`)}</span>,
          children: <SnippetList kind={k} />,
        }))}
      />
    </Card>
  );
}
