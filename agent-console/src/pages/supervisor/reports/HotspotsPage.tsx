import { Card, Empty, List, Select, Space, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useI18n } from '../../../i18n';
import { reportsApi, reportUrls, type HotspotCluster, type Period } from './api';
import { formatGrowth, lastDays } from './format';
import { ExportButton, PeriodPicker, Problem } from './parts';
import { useLoad } from './useLoad';

/** 热点: similar appeals clustered per district, ranked by growth against the previous period of equal length. */
export default function HotspotsPage() {
  const { t } = useI18n();
  const [period, setPeriod] = useState<Period>(() => lastDays(7));
  const [region, setRegion] = useState<string | undefined>();
  const regions = useLoad(() => reportsApi.regions(), []);
  const h = useLoad(() => reportsApi.hotspots({ ...period, region }), [period.from, period.to, region]);
  const names = useMemo(() => new Map((regions.data ?? []).map((r) => [r.code, r.name])), [regions.data]);
  // Districts and streets: the places a hotspot is looked for in (the clustering itself is per district).
  const places = (regions.data ?? []).filter((r) => r.level === 'district' || r.level === 'street');

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }} data-testid="hotspots-page">
      <Card size="small">
        <Space wrap size={16}>
          <PeriodPicker value={period} onChange={setPeriod} />
          <Space>
            <span>{t('reports.place')}</span>
            <Select
              size="small"
              allowClear
              showSearch
              optionFilterProp="label"
              style={{ width: 200 }}
              placeholder={t('reports.allPlaces')}
              value={region}
              onChange={setRegion}
              options={places.map((r) => ({ value: r.code, label: r.name }))}
              data-testid="hotspot-region"
            />
          </Space>
        </Space>
      </Card>
      <Problem error={h.error} />
      <Card
        size="small"
        title={t('reports.hotspots')}
        extra={<ExportButton href={reportUrls.hotspots({ ...period, region }, 'xlsx')} testId="export-hotspots" />}
      >
        {h.data && (
          <Typography.Paragraph type="secondary" style={{ fontSize: 12 }} data-testid="hotspot-method">
            {t('reports.hotspotsScope', { n: h.data.messages })}
            {h.data.truncated ? ` ${t('reports.truncated')}` : ''} · {h.data.method}
          </Typography.Paragraph>
        )}
        <List<HotspotCluster>
          loading={h.loading}
          dataSource={h.data?.clusters ?? []}
          locale={{ emptyText: <Empty description={t('reports.noHotspots')} /> }}
          renderItem={(c, i) => (
            <Cluster c={c} rank={i + 1} place={names.get(c.regionCode) ?? (c.regionCode === '-' ? t('reports.unassigned') : c.regionCode)} />
          )}
        />
      </Card>
    </Space>
  );
}

function Cluster({ c, rank, place }: { c: HotspotCluster; rank: number; place: string }) {
  const { t } = useI18n();
  const g = formatGrowth(c.growth, c.previousCount);
  return (
    <List.Item data-testid="hotspot">
      <Space direction="vertical" size={4} style={{ width: '100%' }}>
        <Space wrap>
          <Typography.Text strong>#{rank}</Typography.Text>
          <Tag color="blue">{place}</Tag>
          <Typography.Text>{t('reports.clusterCount', { n: c.count, prev: c.previousCount })}</Typography.Text>
          <Tag color={g.isNew || c.growth > 0 ? 'red' : 'default'} data-testid="hotspot-growth">
            {g.isNew ? t('reports.growthNew') : t('reports.growth', { pct: g.text })}
          </Tag>
          {c.terms.map((w) => (
            <Tag key={w}>{w}</Tag>
          ))}
        </Space>
        {c.representatives.map((r) => (
          <Typography.Text key={r.id} type="secondary" style={{ fontSize: 13 }}>
            <Typography.Text code>{r.id}</Typography.Text> {r.title}
          </Typography.Text>
        ))}
      </Space>
    </List.Item>
  );
}
