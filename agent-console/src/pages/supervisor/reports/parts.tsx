import { Alert, Button, Card, Input, Space, Spin, Statistic, Tooltip, Typography } from 'antd';
import { lazy, Suspense, type ReactNode } from 'react';
import { problemMessage, type ApiError } from '../../../api/problem';
import { useI18n } from '../../../i18n';
import type { Measure, Period } from './api';
import { formatFigure, measureDefinition, measureName, monthOf, monthRange } from './format';

export const BarChart = lazy(() => import('../BarChart'));
export const TrendChart = lazy(() => import('../TrendChart'));
export const Lazy = ({ children }: { children: ReactNode }) => <Suspense fallback={<Spin />}>{children}</Suspense>;

/** A figure never stands alone: its name, the value, and the formula it was computed by (/api/reports/definitions). */
export function MeasureFigure({ measure, value, big }: { measure: Measure; value: number | null | undefined; big?: boolean }) {
  const { locale } = useI18n();
  return (
    <Card size="small" data-testid={`figure-${measure.code}`} style={{ height: '100%' }}>
      <Statistic
        title={measureName(measure, locale)}
        value={formatFigure(value, measure.kind, locale)}
        valueStyle={big ? { fontSize: 32, color: '#1677ff' } : { fontSize: 20 }}
      />
      <Typography.Paragraph type="secondary" style={{ marginBottom: 0, marginTop: 4, fontSize: 12 }} data-testid={`definition-${measure.code}`}>
        {measureDefinition(measure, locale)}
      </Typography.Paragraph>
    </Card>
  );
}

/** A column title that shows its definition on hover, so a table keeps the formula one glance away. */
export function MeasureTitle({ measure }: { measure: Measure }) {
  const { locale } = useI18n();
  return (
    <Tooltip title={measureDefinition(measure, locale)}>
      <span style={{ borderBottom: '1px dotted #999', cursor: 'help' }}>{measureName(measure, locale)}</span>
    </Tooltip>
  );
}

/** The session cookie authorises a plain GET, and the server answers with an attachment. */
export function ExportButton({ href, testId }: { href: string; testId: string }) {
  const { t } = useI18n();
  return (
    <Button size="small" href={href} data-testid={testId}>
      {t('reports.exportXlsx')}
    </Button>
  );
}

export function Problem({ error }: { error: ApiError | null }) {
  const { locale } = useI18n();
  return error ? <Alert type="error" showIcon message={problemMessage(error.problem, locale)} style={{ marginBottom: 12 }} /> : null;
}

/** From/to days, or a whole month at once. */
export function PeriodPicker({ value, onChange }: { value: Period; onChange: (p: Period) => void }) {
  const { t } = useI18n();
  return (
    <Space wrap>
      <span>{t('reports.from')}</span>
      <Input
        type="date"
        size="small"
        style={{ width: 150 }}
        value={value.from}
        max={value.to}
        data-testid="report-from"
        onChange={(e) => e.target.value && onChange({ ...value, from: e.target.value })}
      />
      <span>{t('reports.to')}</span>
      <Input
        type="date"
        size="small"
        style={{ width: 150 }}
        value={value.to}
        min={value.from}
        data-testid="report-to"
        onChange={(e) => e.target.value && onChange({ ...value, to: e.target.value })}
      />
      <span>{t('reports.month')}</span>
      <Input
        type="month"
        size="small"
        style={{ width: 150 }}
        value={monthOf(value) ?? ''}
        data-testid="report-month"
        onChange={(e) => e.target.value && onChange(monthRange(e.target.value))}
      />
    </Space>
  );
}
