import { Button, Card, Col, Empty, Row, Select, Space, Table, Tag, Tree, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useI18n } from '../../i18n';
import { Problem } from '../supervisor/reports/parts';
import { useLoad } from '../supervisor/reports/useLoad';
import { catalogApi, type CategoryDiff } from './api';
import { CategoryImportCard, TagsCard, VersionMappingCard } from './CategoryImport';
import { codeTree } from './RulesPage';

type TreeOpt = ReturnType<typeof codeTree>[number];
type TreeNode = { key: string; title: string; children?: TreeNode[] };
const toTree = (o: TreeOpt): TreeNode => ({ key: o.value, title: o.title, children: o.children?.map(toTree) });

/**
 * 诉求分类: the tree in force and every imported version, one version as CSV, and what changed
 * between two versions (added, removed, renamed, moved — by code). Tickets keep the version they
 * were classified under, so a diff is what a centre reads before it imports a new tree.
 */
export default function CategoriesPage() {
  const { t } = useI18n();
  const versions = useLoad(() => catalogApi.versions(), []);
  const list = useMemo(() => versions.data ?? [], [versions.data]);
  const [shown, setShown] = useState<number>();
  const [from, setFrom] = useState<number>();
  const [to, setTo] = useState<number>();
  const [mapped, setMapped] = useState<number>();
  const [imported, setImported] = useState<number>();
  useEffect(() => {
    if (!list.length) return;
    // First load, or a version just imported: show the newest tree, its diff and its code map.
    if (shown !== undefined && (imported === undefined || list[0].version !== imported)) return;
    setShown(list[0].version);
    setTo(list[0].version);
    setFrom(list[1]?.version ?? list[0].version);
    setMapped(list[0].version > 1 ? list[0].version : undefined);
    setImported(undefined);
  }, [list, shown, imported]);
  const nodes = useLoad(() => (shown ? catalogApi.nodes(shown) : Promise.resolve([])), [shown]);
  const tree = useMemo(() => codeTree(nodes.data ?? []).map(toTree), [nodes.data]);
  const [diff, setDiff] = useState<CategoryDiff | null>(null);
  const [diffError, setDiffError] = useState<unknown>(null);
  const compare = async () => {
    setDiffError(null);
    try {
      setDiff(await catalogApi.diff(from!, to!));
    } catch (e) {
      setDiffError(e);
    }
  };
  const options = list.map((v) => ({ value: v.version, label: `v${v.version} · ${v.label}` }));
  const rows = diff
    ? [
        ...diff.added.map((n) => ({ key: `a${n.code}`, change: 'added', code: n.code, text: n.name })),
        ...diff.removed.map((n) => ({ key: `r${n.code}`, change: 'removed', code: n.code, text: n.name })),
        ...diff.renamed.map((n) => ({ key: `n${n.code}`, change: 'renamed', code: n.code, text: `${n.from} → ${n.to}` })),
        ...diff.moved.map((n) => ({ key: `m${n.code}`, change: 'moved', code: n.code, text: `${n.name}：${n.fromParent ?? '—'} → ${n.toParent ?? '—'}` })),
      ]
    : [];
  const COLOURS: Record<string, string> = { added: 'green', removed: 'red', renamed: 'blue', moved: 'orange' };

  return (
    <Space direction="vertical" style={{ width: '100%' }} size={12}>
      <Card size="small" title={t('admin.cat.versions')} data-testid="admin-categories">
        <Problem error={versions.error} />
        <Table
          size="small"
          rowKey="version"
          pagination={false}
          dataSource={list}
          loading={versions.loading}
          columns={[
            {
              title: t('admin.cat.version'),
              dataIndex: 'version',
              render: (v: number) => (
                <span data-testid={`cat-version-${v}`}>
                  v{v}
                  {v === list[0]?.version && (
                    <Tag color="green" style={{ marginLeft: 8 }}>
                      {t('admin.cat.current')}
                    </Tag>
                  )}
                </span>
              ),
            },
            { title: t('admin.cat.label'), dataIndex: 'label' },
            { title: t('admin.cat.source'), dataIndex: 'source' },
            { title: t('admin.cat.nodes'), dataIndex: 'nodes', align: 'right' },
            { title: t('admin.cat.importedAt'), dataIndex: 'createdAt', render: (s: string) => new Date(s).toLocaleString() },
            {
              title: '',
              key: 'actions',
              render: (_, v) => (
                <Space size={4}>
                  <Button size="small" onClick={() => setShown(v.version)} type={shown === v.version ? 'primary' : 'default'}>
                    {t('admin.cat.show')}
                  </Button>
                  <Button size="small" href={catalogApi.exportUrl(v.version)} data-testid={`cat-export-${v.version}`}>
                    {t('admin.cat.export')}
                  </Button>
                </Space>
              ),
            },
          ]}
        />
        <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
          {t('admin.cat.importHint')}
        </Typography.Paragraph>
      </Card>
      <CategoryImportCard
        onImported={(v) => {
          setImported(v);
          versions.reload();
        }}
      />
      <Row gutter={12}>
        <Col xs={24} lg={10}>
          <Card size="small" title={shown ? t('admin.cat.tree', { v: shown }) : ''} data-testid="cat-tree">
            <Problem error={nodes.error} />
            {tree.length ? <Tree treeData={tree} height={480} defaultExpandedKeys={tree.map((n) => n.key)} /> : <Empty />}
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card size="small" title={t('admin.cat.diff')} data-testid="cat-diff">
            <Space wrap style={{ marginBottom: 12 }}>
              <Select value={from} onChange={setFrom} options={options} style={{ width: 220 }} aria-label={t('admin.cat.from')} data-testid="cat-diff-from" />
              <span>→</span>
              <Select value={to} onChange={setTo} options={options} style={{ width: 220 }} aria-label={t('admin.cat.to')} data-testid="cat-diff-to" />
              <Button type="primary" disabled={!from || !to} onClick={() => void compare()} data-testid="cat-diff-run">
                {t('admin.cat.compare')}
              </Button>
            </Space>
            <Problem error={diffError as never} />
            {diff && (
              <>
                <Typography.Paragraph data-testid="cat-diff-summary">
                  {t('admin.cat.summary', { a: diff.added.length, r: diff.removed.length, n: diff.renamed.length, m: diff.moved.length })}
                </Typography.Paragraph>
                <Table
                  size="small"
                  rowKey="key"
                  pagination={{ pageSize: 20, hideOnSinglePage: true }}
                  dataSource={rows}
                  columns={[
                    { title: t('admin.cat.change'), dataIndex: 'change', render: (c: string) => <Tag color={COLOURS[c]}>{t(`admin.cat.change.${c}`)}</Tag> },
                    { title: t('admin.cat.code'), dataIndex: 'code' },
                    { title: t('admin.cat.what'), dataIndex: 'text' },
                  ]}
                />
              </>
            )}
          </Card>
        </Col>
      </Row>
      <Row gutter={12}>
        <Col xs={24} lg={12}>
          <VersionMappingCard versions={list} version={mapped} onVersion={setMapped} />
        </Col>
        <Col xs={24} lg={12}>
          <TagsCard />
        </Col>
      </Row>
    </Space>
  );
}
