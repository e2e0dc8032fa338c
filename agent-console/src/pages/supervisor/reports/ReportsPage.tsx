import { Card, Col, Row, Segmented, Select, Space, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useI18n } from '../../../i18n';
import { reportsApi, reportUrls, type GroupBy, type LeagueRow, type Measure, type Period, type ReportRow } from './api';
import { evaluateOver, formatFigure, lastDays, measureDefinition, measureName, sortForChart, splitMeasures } from './format';
import { BarChart, ExportButton, Lazy, MeasureFigure, MeasureTitle, PeriodPicker, Problem, TrendChart } from './parts';
import { useLoad } from './useLoad';
import { CrossTableCard } from './CrossTableCard';

const GROUPS: GroupBy[] = ['unit', 'category', 'region', 'channel'];
/** Longer ranges are drawn by month: a year of daily points is unreadable. */
const DAILY_UP_TO_DAYS = 62;
const CHART_TOP = 15;

const daysIn = (p: Period) => Math.round((Date.parse(p.to) - Date.parse(p.from)) / 86400_000) + 1;

/** 报表: the centre's measures with their definitions, by unit / category / region / channel, and the units' league table. */
export default function ReportsPage() {
  const { t, locale } = useI18n();
  const [period, setPeriod] = useState<Period>(() => lastDays(30));
  const [by, setBy] = useState<GroupBy>('unit');
  const [chartMeasure, setChartMeasure] = useState('response_rate');
  const [leagueMeasure, setLeagueMeasure] = useState('satisfaction_rate');
  const trendPeriod = daysIn(period) <= DAILY_UP_TO_DAYS ? 'day' : 'month';

  const report = useLoad(() => reportsApi.measures({ ...period, by }), [period.from, period.to, by]);
  const trend = useLoad(() => reportsApi.measures({ ...period, by: 'channel', period: trendPeriod }), [period.from, period.to, trendPeriod]);
  const league = useLoad(() => reportsApi.league({ ...period, measure: leagueMeasure }), [period.from, period.to, leagueMeasure]);

  const measures = report.data?.measures ?? [];
  const { headline, others } = splitMeasures(measures);
  const groupName = (r: { key: string; name: string | null }) =>
    r.name ?? (r.key === '-' ? t(by === 'unit' ? 'reports.noUnit' : 'reports.unassigned') : by === 'channel' ? t(`channel.${r.key}`) : r.key);

  const chartM = measures.find((m) => m.code === chartMeasure);
  const chartData = useMemo(() => {
    if (!chartM || !report.data) return [];
    const rows = report.data.rows.map((r) => ({ name: groupName(r), value: r.figures[chartM.code] }));
    return sortForChart(rows, chartM.lowerIsBetter).slice(0, CHART_TOP) as { name: string; value: number }[];
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [report.data, chartM, locale]);

  // The trend sums every channel per period (by channel covers each ticket exactly once).
  const trendData = useMemo(() => {
    if (!trend.data) return null;
    const periods = [...new Set(trend.data.rows.map((r) => r.period ?? ''))].sort();
    const ms = splitMeasures(trend.data.measures).headline;
    return {
      periods,
      series: ms.map((m) => ({
        name: measureName(m, locale),
        values: periods.map((p) =>
          evaluateOver(
            m,
            trend.data!.rows.filter((r) => r.period === p).map((r) => r.counters),
          ),
        ),
      })),
    };
  }, [trend.data, locale]);

  const measureOptions = measures.map((m) => ({ value: m.code, label: measureName(m, locale) }));
  const figureCol = (m: Measure) => ({
    title: <MeasureTitle measure={m} />,
    key: m.code,
    align: 'right' as const,
    render: (_: unknown, r: { figures: Record<string, number | null> }) => formatFigure(r.figures[m.code], m.kind, locale),
  });

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }} data-testid="reports-page">
      <Card size="small">
        <Space wrap size={16}>
          <PeriodPicker value={period} onChange={setPeriod} />
          <Space>
            <span>{t('reports.groupBy')}</span>
            <Segmented<GroupBy>
              size="small"
              value={by}
              onChange={setBy}
              options={GROUPS.map((g) => ({ value: g, label: <span data-testid={`group-${g}`}>{t(`reports.by.${g}`)}</span> }))}
            />
          </Space>
        </Space>
      </Card>
      <Problem error={report.error} />

      <Row gutter={[12, 12]} data-testid="headline">
        {headline.map((m) => (
          <Col key={m.code} xs={24} md={8}>
            <MeasureFigure measure={m} value={report.data?.total.figures[m.code]} big />
          </Col>
        ))}
      </Row>
      <Row gutter={[12, 12]}>
        {others.map((m) => (
          <Col key={m.code} xs={12} md={8} xl={6}>
            <MeasureFigure measure={m} value={report.data?.total.figures[m.code]} />
          </Col>
        ))}
      </Row>

      <Row gutter={[12, 12]}>
        <Col xs={24} xl={12}>
          <Card size="small" title={t(trendPeriod === 'day' ? 'reports.trendDaily' : 'reports.trendMonthly')}>
            <Lazy>{trendData && <TrendChart periods={trendData.periods} series={trendData.series} testId="chart-trend" />}</Lazy>
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card
            size="small"
            title={t('reports.chartBy', { by: t(`reports.by.${by}`) })}
            extra={
              <Select
                size="small"
                style={{ width: 200 }}
                value={chartMeasure}
                onChange={setChartMeasure}
                options={measureOptions}
                data-testid="chart-measure"
              />
            }
          >
            {chartM && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {measureDefinition(chartM, locale)}
              </Typography.Text>
            )}
            <Lazy>
              <BarChart data={chartData} percent={chartM?.kind === 'ratio'} testId="chart-by-group" height={260} />
            </Lazy>
          </Card>
        </Col>
      </Row>

      <Card
        size="small"
        title={t('reports.tableBy', { by: t(`reports.by.${by}`) })}
        extra={<ExportButton href={reportUrls.measures({ ...period, by }, 'xlsx')} testId="export-measures" />}
      >
        <Table<ReportRow>
          size="small"
          data-testid="measures-table"
          rowKey={(r) => `${r.key}|${r.period ?? ''}`}
          loading={report.loading}
          dataSource={report.data?.rows ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          scroll={{ x: 'max-content' }}
          columns={[{ title: t(`reports.by.${by}`), key: 'group', fixed: 'left', render: (_, r) => groupName(r) }, ...measures.map(figureCol)]}
          summary={() =>
            report.data ? (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0}>
                  <b>{t('reports.total')}</b>
                </Table.Summary.Cell>
                {measures.map((m, i) => (
                  <Table.Summary.Cell key={m.code} index={i + 1} align="right">
                    <b>{formatFigure(report.data!.total.figures[m.code], m.kind, locale)}</b>
                  </Table.Summary.Cell>
                ))}
              </Table.Summary.Row>
            ) : null
          }
        />
      </Card>

      <CrossTableCard period={period} measures={measures} />

      <Card
        size="small"
        title={t('reports.league')}
        extra={
          <Space>
            <Select
              size="small"
              style={{ width: 200 }}
              value={leagueMeasure}
              onChange={setLeagueMeasure}
              options={measureOptions}
              data-testid="league-measure"
            />
            <ExportButton href={reportUrls.league({ ...period, measure: leagueMeasure }, 'xlsx')} testId="export-league" />
          </Space>
        }
      >
        <Problem error={league.error} />
        {league.data && (
          <Typography.Paragraph type="secondary" style={{ fontSize: 12 }} data-testid="league-definition">
            {t(league.data.measure.lowerIsBetter ? 'reports.rankAsc' : 'reports.rankDesc')} · {measureDefinition(league.data.measure, locale)}
          </Typography.Paragraph>
        )}
        <Table<LeagueRow>
          size="small"
          data-testid="league-table"
          rowKey="unitId"
          loading={league.loading}
          dataSource={league.data?.rows ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          scroll={{ x: 'max-content' }}
          columns={[
            { title: t('reports.rank'), dataIndex: 'rank', width: 64, render: (r: number | null) => r ?? '—' },
            { title: t('reports.by.unit'), dataIndex: 'name', render: (n: string | null, r) => n ?? r.unitId },
            ...(league.data
              ? [league.data.measure, ...splitMeasures(league.data.measures).headline.filter((m) => m.code !== league.data!.measure.code)]
              : []
            ).map(figureCol),
          ]}
        />
      </Card>
    </Space>
  );
}
