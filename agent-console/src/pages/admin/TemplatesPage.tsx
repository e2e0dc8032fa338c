import type { ButtonProps } from 'antd';
import { Alert, Button, Card, Form, Input, Modal, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../i18n';
import { Problem } from '../supervisor/reports/parts';
import { useLoad } from '../supervisor/reports/useLoad';
import { placeholders, TEMPLATE_CHANNELS, textsApi, type MessageTemplate } from './api';
import { FormError } from './parts';

const CHANNEL_COLOURS: Record<string, string> = { sms: 'blue', wechat: 'green', mail: 'purple' };
const SAMPLE: Record<string, string> = {
  code: '123456',
  minutes: '5',
  ticketNo: 'GZ20260101-0001',
  link: 'https://12345.example/r/AB12',
  trackUrl: 'https://12345.example/r/AB12',
  dueDate: '2026年12月31日',
  title: '占道经营投诉处理口径',
  answer: '由属地街道综合执法队处理。',
  replyText: '已处理完毕。',
};

/**
 * 消息模板: what citizens are sent, per notice and channel. The variables a sender fills in are
 * declared with the template; the body may use only those (checked here while typing, and by the
 * server on save), so no citizen ever receives a literal "{days}".
 */
export default function TemplatesPage() {
  const { t } = useI18n();
  const list = useLoad(() => textsApi.templates(), []);
  const [editing, setEditing] = useState<MessageTemplate | 'new' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [form] = Form.useForm();
  const body = (Form.useWatch('body', form) as string | undefined) ?? '';
  const subject = (Form.useWatch('subject', form) as string | undefined) ?? '';
  const declared = (Form.useWatch('variables', form) as string[] | undefined) ?? [];
  const channel = (Form.useWatch('channel', form) as string | undefined) ?? (editing && editing !== 'new' ? editing.channel : 'sms');
  const used = placeholders(`${subject}\n${body}`);
  const undeclared = used.filter((v) => !declared.includes(v));
  // What this notice's sender fills in (from the server); any other name is refused on save.
  const known = editing && editing !== 'new' ? (editing.knownVariables ?? null) : null;
  const unknown = known ? [...new Set([...declared, ...used])].filter((v) => !known.includes(v)) : [];
  const unused = declared.filter((v) => !used.includes(v));
  const preview = body.replace(/\{([A-Za-z][A-Za-z0-9_]{0,31})\}/g, (m, k: string) => SAMPLE[k] ?? `〔${k}〕`);

  const open = (m: MessageTemplate | 'new') => {
    setError(null);
    form.resetFields();
    form.setFieldsValue(m === 'new' ? { channel: 'sms', variables: [], active: true } : m);
    setEditing(m);
  };
  const save = async (v: Record<string, unknown>) => {
    setError(null);
    const fields = { name: v.name, subject: (v.subject as string) || null, body: v.body, variables: v.variables ?? [], active: v.active !== false };
    try {
      if (editing === 'new') await textsApi.createTemplate({ code: v.code, channel: v.channel, ...fields });
      else await textsApi.updateTemplate(editing!.id, fields);
      setEditing(null);
      list.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Card
      size="small"
      title={t('admin.tpl.title')}
      data-testid="admin-templates"
      extra={
        <Button type="primary" size="small" onClick={() => open('new')} data-testid="tpl-new">
          {t('admin.tpl.new')}
        </Button>
      }
    >
      <Problem error={list.error} />
      <Typography.Paragraph type="secondary">{t('admin.tpl.hint')}</Typography.Paragraph>
      <Table<MessageTemplate>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={list.data ?? []}
        loading={list.loading}
        columns={[
          { title: t('admin.tpl.code'), dataIndex: 'code' },
          { title: t('admin.tpl.channel'), dataIndex: 'channel', render: (c: string) => <Tag color={CHANNEL_COLOURS[c]}>{t(`admin.tpl.channel.${c}`)}</Tag> },
          { title: t('admin.tpl.name'), dataIndex: 'name' },
          {
            title: t('admin.tpl.body'),
            dataIndex: 'body',
            render: (b: string) => (
              <Typography.Text ellipsis style={{ maxWidth: 380 }}>
                {b}
              </Typography.Text>
            ),
          },
          { title: t('admin.tpl.variables'), dataIndex: 'variables', render: (vs: string[]) => vs.map((v) => <Tag key={v}>{v}</Tag>) },
          {
            title: t('admin.active'),
            dataIndex: 'active',
            render: (a: boolean) => (a ? <Tag color="green">{t('admin.active.on')}</Tag> : <Tag>{t('admin.active.off')}</Tag>),
          },
          {
            title: '',
            key: 'edit',
            render: (_, m) => (
              <Button size="small" onClick={() => open(m)} data-testid={`tpl-edit-${m.code}-${m.channel}`}>
                {t('admin.edit')}
              </Button>
            ),
          },
        ]}
      />
      <Modal
        open={!!editing}
        destroyOnHidden
        width={720}
        title={editing === 'new' ? t('admin.tpl.new') : editing ? `${editing.code} · ${t(`admin.tpl.channel.${editing.channel}`)}` : ''}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        okText={t('admin.save')}
        okButtonProps={{ 'data-testid': 'tpl-save' } as ButtonProps}
      >
        <FormError error={error} testId="tpl-error" />
        <Form form={form} layout="vertical" onFinish={(v) => void save(v)} onValuesChange={() => setError(null)}>
          {editing === 'new' && (
            <Space wrap>
              <Form.Item
                name="code"
                label={t('admin.tpl.code')}
                rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{1,40}$/, message: t('admin.tpl.codeBad') }]}
              >
                <Input autoFocus style={{ width: 220 }} data-testid="tpl-code" />
              </Form.Item>
              <Form.Item name="channel" label={t('admin.tpl.channel')}>
                <Select
                  style={{ width: 140 }}
                  options={TEMPLATE_CHANNELS.map((c) => ({ value: c, label: t(`admin.tpl.channel.${c}`) }))}
                  data-testid="tpl-channel"
                />
              </Form.Item>
            </Space>
          )}
          <Form.Item name="name" label={t('admin.tpl.name')} rules={[{ required: true, max: 60 }]}>
            <Input data-testid="tpl-name" />
          </Form.Item>
          {channel === 'mail' && (
            <Form.Item name="subject" label={t('admin.tpl.subject')} rules={[{ required: true, message: t('admin.tpl.subjectNeeded') }]}>
              <Input />
            </Form.Item>
          )}
          <Form.Item
            name="variables"
            label={t('admin.tpl.variables')}
            validateStatus={unknown.length ? 'error' : undefined}
            help={unknown.length ? t('admin.tpl.unknown', { names: unknown.join('、') }) : undefined}
            extra={<span data-testid="tpl-known">{known ? t('admin.tpl.known', { names: known.join('、') }) : t('admin.tpl.variablesHint')}</span>}
          >
            <Select mode="tags" tokenSeparators={[',', ' ', '，']} open={false} data-testid="tpl-variables" />
          </Form.Item>
          <Form.Item
            name="body"
            label={t('admin.tpl.body')}
            rules={[{ required: true, whitespace: true }]}
            validateStatus={undeclared.length ? 'error' : undefined}
            help={undeclared.length ? t('admin.tpl.undeclared', { names: undeclared.join('、') }) : t('admin.tpl.length', { n: body.length })}
          >
            <Input.TextArea rows={5} data-testid="tpl-body" />
          </Form.Item>
          {unused.length > 0 && <Alert type="warning" showIcon style={{ marginBottom: 12 }} message={t('admin.tpl.unused', { names: unused.join('、') })} />}
          <Form.Item label={t('admin.tpl.preview')}>
            <div data-testid="tpl-preview" style={{ whiteSpace: 'pre-wrap', background: '#fafafa', border: '1px solid #eee', padding: 8, borderRadius: 6 }}>
              {preview || '—'}
            </div>
          </Form.Item>
          <Form.Item name="active" label={t('admin.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
