import { App, Button, Card, Form, Input, Modal, Popconfirm, Space, Table, Tag, TreeSelect, Typography } from 'antd';
import type { ButtonProps } from 'antd';
import { useMemo, useRef, useState } from 'react';
import type { InputRef } from 'antd';
import { errorMessage } from '../../api/problem';
import { useI18n } from '../../i18n';
import { Problem } from '../supervisor/reports/parts';
import { useLoad } from '../supervisor/reports/useLoad';
import { adminApi, type Article } from './api';
import { FormError } from './parts';
import { codeTree } from './RulesPage';

const today = () => new Date().toISOString().slice(0, 10);
/** In force = published (active) and today inside its validity dates. */
export function articleState(a: Article, day = today()): 'retired' | 'scheduled' | 'expired' | 'published' {
  if (!a.active) return 'retired';
  if (a.validFrom && a.validFrom > day) return 'scheduled';
  if (a.validTo && a.validTo < day) return 'expired';
  return 'published';
}
const STATE_COLOURS = { published: 'green', scheduled: 'blue', expired: 'orange', retired: 'default' } as const;

/** 知识库: write, publish (in force from a date), retire — agents see what is in force. */
export default function KnowledgePage() {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const [q, setQ] = useState('');
  const articles = useLoad(() => adminApi.articles(q || undefined), [q]);
  const cats = useLoad(() => adminApi.categories(), []);
  const catTree = useMemo(() => codeTree(cats.data ?? []), [cats.data]);
  const [editing, setEditing] = useState<Article | 'new' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [form] = Form.useForm();
  const titleInput = useRef<InputRef>(null);

  const open = async (a: Article | 'new') => {
    setError(null);
    form.resetFields();
    if (a === 'new') form.setFieldsValue({ validFrom: today() });
    else {
      try {
        form.setFieldsValue(await adminApi.article(a.id));
      } catch (e) {
        message.error(errorMessage(e, locale));
        return;
      }
    }
    setEditing(a);
  };
  const save = async (v: Record<string, unknown>) => {
    setError(null);
    const body = {
      title: v.title,
      body: v.body,
      categoryCode: v.categoryCode ?? null,
      validFrom: (v.validFrom as string) || null,
      validTo: (v.validTo as string) || null,
    };
    try {
      if (editing === 'new') await adminApi.createArticle(body);
      else await adminApi.updateArticle(editing!.id, body);
      setEditing(null);
      articles.reload();
    } catch (e) {
      setError(e);
    }
  };
  const setActive = async (a: Article, active: boolean) => {
    try {
      if (active) await adminApi.updateArticle(a.id, { active: true });
      else await adminApi.retireArticle(a.id);
      message.success(active ? t('admin.kb.published') : t('admin.kb.retired'));
      articles.reload();
    } catch (e) {
      message.error(errorMessage(e, locale));
    }
  };

  return (
    <Card
      size="small"
      title={t('admin.kb.title')}
      data-testid="admin-kb"
      extra={
        <Space>
          <Input.Search
            allowClear
            size="small"
            placeholder={t('admin.kb.search')}
            aria-label={t('admin.kb.search')}
            onSearch={setQ}
            style={{ width: 220 }}
            data-testid="kb-search"
          />
          <Button type="primary" size="small" onClick={() => void open('new')} data-testid="kb-new">
            {t('admin.kb.new')}
          </Button>
        </Space>
      }
    >
      <Problem error={articles.error} />
      <Table<Article>
        size="small"
        rowKey="id"
        pagination={{ pageSize: 30, hideOnSinglePage: true }}
        dataSource={articles.data ?? []}
        loading={articles.loading}
        columns={[
          {
            title: t('admin.kb.articleTitle'),
            dataIndex: 'title',
            render: (v: string, a) => (
              <div>
                <Typography.Text strong data-testid={`kb-row-${a.title}`}>
                  {v}
                </Typography.Text>
                <br />
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {a.excerpt}
                </Typography.Text>
              </div>
            ),
          },
          { title: t('admin.kb.category'), dataIndex: 'categoryCode', render: (v) => v ?? '—' },
          { title: t('admin.kb.valid'), key: 'valid', render: (_, a) => `${a.validFrom ?? '…'} ~ ${a.validTo ?? '…'}` },
          {
            title: t('admin.kb.state'),
            key: 'state',
            render: (_, a) => {
              const s = articleState(a);
              return (
                <Tag color={STATE_COLOURS[s]} data-testid={`kb-state-${a.id}`}>
                  {t(`admin.kb.state.${s}`)}
                </Tag>
              );
            },
          },
          { title: t('admin.kb.usage'), dataIndex: 'usageCount', align: 'right' },
          {
            title: '',
            key: 'actions',
            render: (_, a) => (
              <Space size={4}>
                <Button size="small" onClick={() => void open(a)} data-testid={`kb-edit-${a.id}`}>
                  {t('admin.edit')}
                </Button>
                {a.active ? (
                  <Popconfirm
                    title={t('admin.kb.retireConfirm')}
                    description={t('admin.kb.retireNote')}
                    okText={t('admin.confirm')}
                    onConfirm={() => void setActive(a, false)}
                  >
                    <Button size="small" data-testid={`kb-retire-${a.id}`}>
                      {t('admin.kb.retire')}
                    </Button>
                  </Popconfirm>
                ) : (
                  <Button size="small" onClick={() => void setActive(a, true)} data-testid={`kb-publish-${a.id}`}>
                    {t('admin.kb.publish')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={!!editing}
        destroyOnHidden
        width={760}
        title={editing === 'new' ? t('admin.kb.new') : t('admin.edit')}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        okText={editing === 'new' ? t('admin.kb.publishNew') : t('admin.save')}
        okButtonProps={{ 'data-testid': 'kb-save' } as ButtonProps}
        // autoFocus runs while the dialog is still opening; on a busy machine the dialog then took focus for
        // itself and the first keys of a title typed at once went nowhere. Once open, the caret is in the title
        // unless the writer has already moved into the form.
        afterOpenChange={(opened) => {
          const here = document.activeElement;
          if (opened && !(here instanceof HTMLInputElement || here instanceof HTMLTextAreaElement)) titleInput.current?.focus();
        }}
      >
        <FormError error={error} testId="kb-error" />
        <Form form={form} layout="vertical" onFinish={(v) => void save(v)} onValuesChange={() => setError(null)}>
          <Form.Item
            name="title"
            label={t('admin.kb.articleTitle')}
            rules={[{ required: true, whitespace: true, max: 200, message: t('admin.kb.titleNeeded') }]}
          >
            <Input autoFocus ref={titleInput} data-testid="kb-title" />
          </Form.Item>
          <Form.Item name="body" label={t('admin.kb.body')} rules={[{ required: true, whitespace: true, message: t('admin.kb.bodyNeeded') }]}>
            <Input.TextArea rows={10} data-testid="kb-body" />
          </Form.Item>
          <Form.Item name="categoryCode" label={t('admin.kb.category')}>
            <TreeSelect allowClear showSearch treeNodeFilterProp="title" treeData={catTree} />
          </Form.Item>
          <Space wrap>
            <Form.Item name="validFrom" label={t('admin.kb.validFrom')}>
              <Input type="date" data-testid="kb-valid-from" />
            </Form.Item>
            <Form.Item
              name="validTo"
              label={t('admin.kb.validTo')}
              dependencies={['validFrom']}
              rules={[
                ({ getFieldValue }) => ({
                  validator: (_r, v: string) =>
                    !v || !getFieldValue('validFrom') || v >= getFieldValue('validFrom')
                      ? Promise.resolve()
                      : Promise.reject(new Error(t('admin.kb.validToBefore'))),
                }),
              ]}
            >
              <Input type="date" data-testid="kb-valid-to" />
            </Form.Item>
          </Space>
        </Form>
      </Modal>
    </Card>
  );
}
