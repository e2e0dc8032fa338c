import { Alert, Button, type ButtonProps, Card, Checkbox, Form, Input, Modal, Select, Space, Switch, Table, Tag, Typography, Upload, message } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { ApiError, errorMessage } from '../../api/problem';
import { useI18n } from '../../i18n';
import { Problem } from '../supervisor/reports/parts';
import { useLoad } from '../supervisor/reports/useLoad';
import { catalogApi, TAG_KINDS, type CategoryTag, type CategoryVersion, type ImportPreview } from './api';
import { EnterSubmits, FormError } from './parts';

const COLOURS: Record<string, string> = { added: 'green', renamed: 'blue', moved: 'orange', retired: 'red', unchanged: 'default' };
const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * The server names a bad cell `row N.field` (N counts data rows); the administrator reads the
 * file's line (the header is line 1) and the CSV column, so they can find it in a spreadsheet.
 */
export function lineErrors(e: unknown): { key: string; line: number | null; column: string; message: string }[] {
  if (!(e instanceof ApiError) || e.code !== 'CATEGORY_TABLE_INVALID') return [];
  return (e.problem.errors ?? []).map((x, i) => {
    const m = /^row (\d+)\.(.*)$/.exec(x.path);
    return { key: `${i}`, line: m ? Number(m[1]) + 1 : null, column: m ? snake(m[2]) : x.path, message: x.message };
  });
}

/**
 * 导入分类表: the city's CSV is read in the browser, checked and compared with the tree in force on
 * the server with nothing stored (the preview), and only the administrator's confirmation makes
 * the new version. A table with a bad line is refused whole, naming each line.
 */
export function CategoryImportCard({ onImported }: { onImported: (version: number) => void }) {
  const { t, locale } = useI18n();
  const [fileName, setFileName] = useState<string>();
  const [csv, setCsv] = useState<string>();
  const [label, setLabel] = useState('');
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const read = async (file: File) => {
    const text = await file.text();
    setFileName(file.name);
    setCsv(text);
    setPreview(null);
    setError(null);
    if (!label) setLabel(file.name.replace(/\.csv$/i, ''));
    setBusy(true);
    try {
      setPreview(await catalogApi.preview(text));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const confirm = async () => {
    if (!csv || !label.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const r = await catalogApi.importCsv(csv, label.trim());
      void message.success(t('admin.cat.import.done', { v: r.version, n: r.nodes, m: r.mapped }));
      setPreview(null);
      setCsv(undefined);
      setFileName(undefined);
      setLabel('');
      onImported(r.version);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const lines = lineErrors(error);
  const changes = preview
    ? [
        ...preview.added.map((n) => ({ key: `a${n.code}`, change: 'added', code: n.code, text: n.name })),
        ...preview.renamed.map((n) => ({
          key: `n${n.fromCode}>${n.toCode}`,
          change: 'renamed',
          code: n.fromCode === n.toCode ? n.toCode : `${n.fromCode} → ${n.toCode}`,
          text: `${n.fromName} → ${n.toName}`,
        })),
        ...preview.moved.map((n) => ({ key: `m${n.code}`, change: 'moved', code: n.code, text: `${n.name}：${n.fromParent ?? '—'} → ${n.toParent ?? '—'}` })),
        ...preview.retired.map((n) => ({ key: `r${n.code}`, change: 'retired', code: n.code, text: n.name })),
      ]
    : [];

  return (
    <Card size="small" title={t('admin.cat.import.title')} data-testid="cat-import">
      <Typography.Paragraph type="secondary">{t('admin.cat.import.hint')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <Upload
          accept=".csv,text/csv"
          showUploadList={false}
          maxCount={1}
          beforeUpload={(f) => {
            void read(f);
            return false;
          }}
        >
          <Button data-testid="cat-import-file" loading={busy && !preview && !error}>
            {t('admin.cat.import.choose')}
          </Button>
        </Upload>
        {fileName && <Typography.Text data-testid="cat-import-filename">{fileName}</Typography.Text>}
        <Input
          style={{ width: 260 }}
          value={label}
          onChange={(e) => setLabel(e.target.value)}
          maxLength={200}
          placeholder={t('admin.cat.import.labelHint')}
          aria-label={t('admin.cat.import.label')}
          data-testid="cat-import-label"
        />
      </Space>
      {error !== null &&
        (lines.length ? (
          <Alert
            type="error"
            showIcon
            role="alert"
            data-testid="cat-import-errors"
            style={{ marginBottom: 12 }}
            message={t('admin.cat.import.refused', { n: lines.length })}
            description={
              <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                {lines.map((l) => (
                  <li key={l.key} data-testid={l.line ? `cat-import-error-line-${l.line}` : 'cat-import-error-file'}>
                    {l.line ? t('admin.cat.import.line', { line: l.line, column: l.column }) : t('admin.cat.import.file')}
                    {l.message}
                  </li>
                ))}
              </ul>
            }
          />
        ) : (
          <Alert type="error" showIcon role="alert" data-testid="cat-import-errors" style={{ marginBottom: 12 }} message={errorMessage(error, locale)} />
        ))}
      {preview && (
        <div data-testid="cat-import-preview">
          <Typography.Paragraph strong data-testid="cat-import-summary" aria-live="polite">
            {t('admin.cat.import.summary', {
              base: preview.baseVersion ?? '—',
              nodes: preview.nodes,
              a: preview.added.length,
              n: preview.renamed.length,
              m: preview.moved.length,
              r: preview.retired.length,
              k: preview.mapping.length,
            })}
          </Typography.Paragraph>
          <Table
            size="small"
            rowKey="key"
            dataSource={changes}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            data-testid="cat-import-changes"
            locale={{ emptyText: t('admin.cat.import.noChanges') }}
            columns={[
              {
                title: t('admin.cat.change'),
                dataIndex: 'change',
                width: 90,
                render: (c: string) => <Tag color={COLOURS[c]}>{t(`admin.cat.change.${c}`)}</Tag>,
              },
              { title: t('admin.cat.code'), dataIndex: 'code', width: 150 },
              { title: t('admin.cat.what'), dataIndex: 'text' },
            ]}
          />
          <Typography.Title level={5} style={{ marginTop: 12 }}>
            {t('admin.cat.import.mapping')}
          </Typography.Title>
          <Table
            size="small"
            rowKey={(p) => `${p.fromCode}>${p.toCode}`}
            dataSource={preview.mapping}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            data-testid="cat-import-mapping"
            columns={[
              { title: t('admin.cat.map.old'), key: 'old', render: (_, p) => `${p.fromCode} ${p.fromName}` },
              { title: '', key: 'arrow', width: 30, render: () => '→' },
              { title: t('admin.cat.map.new'), key: 'new', render: (_, p) => `${p.toCode} ${p.toName}` },
            ]}
          />
          <Space style={{ marginTop: 12 }}>
            <Button type="primary" onClick={() => void confirm()} loading={busy} disabled={!label.trim()} data-testid="cat-import-confirm">
              {t('admin.cat.import.confirm')}
            </Button>
            <Button
              onClick={() => {
                setPreview(null);
                setCsv(undefined);
                setFileName(undefined);
              }}
              data-testid="cat-import-cancel"
            >
              {t('app.cancel')}
            </Button>
            {!label.trim() && <Typography.Text type="warning">{t('admin.cat.import.labelNeeded')}</Typography.Text>}
          </Space>
        </div>
      )}
    </Card>
  );
}

/** 新旧编码对照: per version, which old code each node continues (only the changes unless asked). */
export function VersionMappingCard({ versions, version, onVersion }: { versions: CategoryVersion[]; version?: number; onVersion: (v: number) => void }) {
  const { t } = useI18n();
  const [changesOnly, setChangesOnly] = useState(true);
  const map = useLoad(() => (version ? catalogApi.mapping(version) : Promise.resolve(null)), [version]);
  const rows = useMemo(() => {
    const m = map.data;
    if (!m) return [];
    const pairs = m.pairs.map((p) => ({
      key: `${p.fromCode}>${p.toCode}`,
      change: p.fromCode !== p.toCode || p.fromName !== p.toName ? 'renamed' : 'unchanged',
      old: `${p.fromCode} ${p.fromName}`,
      now: `${p.toCode} ${p.toName}`,
    }));
    const retired = m.retired.map((r) => ({ key: `r${r.code}`, change: 'retired', old: `${r.code} ${r.name}`, now: '—' }));
    return [...pairs, ...retired].filter((r) => !changesOnly || r.change !== 'unchanged');
  }, [map.data, changesOnly]);
  const options = versions.filter((v) => v.version > 1).map((v) => ({ value: v.version, label: `v${v.version - 1} → v${v.version} · ${v.label}` }));
  return (
    <Card size="small" title={t('admin.cat.map.title')} data-testid="cat-mapping">
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          value={version}
          onChange={onVersion}
          options={options}
          style={{ width: 300 }}
          aria-label={t('admin.cat.map.version')}
          data-testid="cat-mapping-version"
          placeholder={t('admin.cat.map.version')}
        />
        <Checkbox checked={changesOnly} onChange={(e) => setChangesOnly(e.target.checked)} data-testid="cat-mapping-changes-only">
          {t('admin.cat.map.changesOnly')}
        </Checkbox>
      </Space>
      <Problem error={map.error} />
      <Table
        size="small"
        rowKey="key"
        dataSource={rows}
        loading={map.loading}
        pagination={{ pageSize: 15, hideOnSinglePage: true }}
        locale={{ emptyText: t('admin.cat.map.none') }}
        onRow={(r) => ({ 'data-testid': `cat-map-row-${r.key}` }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('admin.cat.change'), dataIndex: 'change', width: 90, render: (c: string) => <Tag color={COLOURS[c]}>{t(`admin.cat.change.${c}`)}</Tag> },
          { title: t('admin.cat.map.old'), dataIndex: 'old' },
          { title: '', key: 'arrow', width: 30, render: () => '→' },
          { title: t('admin.cat.map.new'), dataIndex: 'now' },
        ]}
      />
    </Card>
  );
}

type TagForm = { code: string; name: string; kind: string; active: boolean };

/** 标签: the managed list beside the tree (categories.md §2) — renamed, regrouped, retired or added here. */
export function TagsCard() {
  const { t } = useI18n();
  const list = useLoad(() => catalogApi.tags(), []);
  const [editing, setEditing] = useState<{ tag: CategoryTag | null } | null>(null);
  const [form] = Form.useForm<TagForm>();
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (!editing) return;
    setError(null);
    form.setFieldsValue(editing.tag ?? { code: '', name: '', kind: 'nature', active: true });
  }, [editing, form]);
  const save = async (v: TagForm) => {
    setSaving(true);
    setError(null);
    try {
      await catalogApi.saveTag(editing?.tag?.code ?? v.code, { name: v.name.trim(), kind: v.kind, active: v.active });
      void message.success(t('admin.tags.saved'));
      setEditing(null);
      list.reload();
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Card
      size="small"
      title={t('admin.tags.title')}
      data-testid="cat-tags"
      extra={
        <Button size="small" onClick={() => setEditing({ tag: null })} data-testid="tag-add">
          {t('admin.tags.add')}
        </Button>
      }
    >
      <Problem error={list.error} />
      <Table
        size="small"
        rowKey="code"
        dataSource={list.data ?? []}
        loading={list.loading}
        pagination={false}
        onRow={(r) => ({ 'data-testid': `tag-row-${r.code}` }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('admin.tags.kind'), dataIndex: 'kind', width: 110, render: (k: string) => t(`admin.tags.kind.${k}`) },
          { title: t('admin.tags.code'), dataIndex: 'code', width: 150 },
          { title: t('admin.tags.name'), dataIndex: 'name' },
          {
            title: t('admin.tags.active'),
            dataIndex: 'active',
            width: 90,
            render: (a: boolean) => (a ? <Tag color="green">{t('admin.tags.inUse')}</Tag> : <Tag>{t('admin.tags.retired')}</Tag>),
          },
          {
            title: '',
            key: 'edit',
            width: 80,
            render: (_, r) => (
              <Button size="small" onClick={() => setEditing({ tag: r })} data-testid={`tag-edit-${r.code}`} aria-label={`${t('admin.edit')} ${r.name}`}>
                {t('admin.edit')}
              </Button>
            ),
          },
        ]}
      />
      <Modal
        open={!!editing}
        title={editing?.tag ? t('admin.tags.editTitle', { name: editing.tag.name }) : t('admin.tags.add')}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        confirmLoading={saving}
        okText={t('admin.save')}
        okButtonProps={{ 'data-testid': 'tag-save' } as ButtonProps}
        destroyOnHidden
      >
        <FormError error={error} testId="tag-error" />
        <Form form={form} layout="vertical" onFinish={(v) => void save(v)} data-testid="tag-form">
          <Form.Item
            name="code"
            label={t('admin.tags.code')}
            extra={t('admin.tags.codeHint')}
            rules={[{ required: true, pattern: /^[a-z0-9_]{1,40}$/, message: t('admin.tags.codeRule') }]}
          >
            <Input disabled={!!editing?.tag} data-testid="tag-code" autoFocus={!editing?.tag} />
          </Form.Item>
          <Form.Item name="name" label={t('admin.tags.name')} rules={[{ required: true, whitespace: true, max: 30 }]}>
            <Input data-testid="tag-name" autoFocus={!!editing?.tag} />
          </Form.Item>
          <Form.Item name="kind" label={t('admin.tags.kind')} rules={[{ required: true }]}>
            <Select data-testid="tag-kind" options={TAG_KINDS.map((k) => ({ value: k, label: t(`admin.tags.kind.${k}`) }))} />
          </Form.Item>
          <Form.Item name="active" label={t('admin.tags.active')} valuePropName="checked">
            <Switch data-testid="tag-active" />
          </Form.Item>
          <EnterSubmits />
        </Form>
      </Modal>
    </Card>
  );
}
