import { Card, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../../i18n';
import { reportsApi, reportUrls, type CrossPair, type CrossTable, type Measure, type Period } from './api';
import { crossValue, formatFigure, measureDefinition, measureName } from './format';
import { ExportButton, Problem } from './parts';
import { useLoad } from './useLoad';

/** The pairs the server keeps rollups for (server/reports/README.md, 交叉统计); others are refused there. */
const PAIRS: CrossPair[] = [
  { rows: 'unit', cols: 'category' },
  { rows: 'region', cols: 'category' },
  { rows: 'unit', cols: 'month' },
  { rows: 'category', cols: 'month' },
];
const RECEIVED = 'received';

/** 交叉统计: one measure (or the intake count) per cell of a two-dimension table, with its Excel matrix. */
export function CrossTableCard({ period, measures }: { period: Period; measures: Measure[] }) {
  const { t, locale } = useI18n();
  const [pairIndex, setPairIndex] = useState(0);
  const [value, setValue] = useState(RECEIVED);
  const pair = PAIRS[pairIndex];
  const cross = useLoad(() => reportsApi.cross({ ...period, ...pair }), [period.from, period.to, pair.rows, pair.cols]);
  const measure = measures.find((m) => m.code === value) ?? null;
  const show = (v: number | null) => (measure ? formatFigure(v, measure.kind, locale) : v === null ? '—' : String(v));
  const label = (dim: string, k: { key: string; name: string | null }) =>
    k.name ?? (k.key === '-' ? t(dim === 'unit' ? 'reports.noUnit' : 'reports.unassigned') : k.key);
  const data: CrossTable | null = cross.data ?? null;

  return (
    <Card
      size="small"
      title={t('reports.cross')}
      data-testid="cross-card"
      extra={
        <Space wrap>
          <Select
            size="small"
            style={{ width: 180 }}
            value={pairIndex}
            onChange={setPairIndex}
            data-testid="cross-pair"
            options={PAIRS.map((p, i) => ({ value: i, label: `${t(`reports.dim.${p.rows}`)} × ${t(`reports.dim.${p.cols}`)}` }))}
          />
          <Select
            size="small"
            style={{ width: 200 }}
            value={value}
            onChange={setValue}
            data-testid="cross-value"
            options={[{ value: RECEIVED, label: t('reports.received') }, ...measures.map((m) => ({ value: m.code, label: measureName(m, locale) }))]}
          />
          <ExportButton href={reportUrls.cross({ ...period, ...pair, value }, 'xlsx')} testId="export-cross" />
        </Space>
      }
    >
      <Problem error={cross.error} />
      {measure && (
        <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
          {measureDefinition(measure, locale)}
        </Typography.Paragraph>
      )}
      <Table
        size="small"
        data-testid="cross-table"
        rowKey="key"
        loading={cross.loading}
        dataSource={data?.rows ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: 'max-content' }}
        columns={[
          {
            title: t(`reports.dim.${pair.rows}`),
            key: 'row',
            fixed: 'left' as const,
            render: (_: unknown, r: CrossTable['rows'][number]) => label(pair.rows, r),
          },
          ...(data?.cols ?? []).map((c) => ({
            title: label(pair.cols, c),
            key: `c:${c.key}`,
            align: 'right' as const,
            render: (_: unknown, r: CrossTable['rows'][number]) => show(crossValue(data!, r.key, c.key, value)),
          })),
          {
            title: t('reports.total'),
            key: 'total',
            align: 'right' as const,
            render: (_: unknown, r: CrossTable['rows'][number]) => <b>{show(crossValue(data!, r.key, null, value))}</b>,
          },
        ]}
      />
    </Card>
  );
}
