import { Alert, Card, Empty, List, Select, Space, Statistic, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { errorMessage } from '../../api/problem';
import { feedbackApi, type PublicReviewPage } from '../../feedback/api';
import { chinaMonth, recentMonths } from '../../feedback/logic';
import { useI18n } from '../../i18n';
import { formatTime } from '../../tickets/tags';

/**
 * 好差评公示: a unit's reviews and rectification outcomes for a month, exactly as anonymised by the
 * server (no names, masked phone, street-level place, scrubbed comments). No login, no socket.
 */
export function PublicReviews() {
  const { t, locale } = useI18n();
  const months = useMemo(() => recentMonths(Date.now()), []);
  const [units, setUnits] = useState<{ id: string; name: string }[]>([]);
  const [unitId, setUnitId] = useState<string>();
  const [month, setMonth] = useState(chinaMonth(Date.now()));
  const [page, setPage] = useState<PublicReviewPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const msg = (e: unknown) => errorMessage(e, locale);

  useEffect(() => {
    feedbackApi
      .reviewUnits()
      .then(({ data }) => {
        setUnits(data);
        // A link may name the unit (?unit=…); otherwise the first one.
        const wanted = new URLSearchParams(window.location.search).get('unit');
        setUnitId(data.find((u) => u.id === wanted)?.id ?? data[0]?.id);
      })
      .catch((e) => setError(msg(e)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    if (!unitId) return;
    let live = true;
    setLoading(true);
    feedbackApi
      .publicReviews(unitId, month)
      .then(({ data }) => live && (setPage(data), setError(null)))
      .catch((e) => live && setError(msg(e)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [unitId, month]);

  const s = page?.summary;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="public-reviews">
      <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
        {t('feedback.pub.intro')}
      </Typography.Paragraph>
      <Space wrap style={{ width: '100%' }}>
        <Select
          showSearch
          optionFilterProp="label"
          style={{ minWidth: 220 }}
          value={unitId}
          onChange={setUnitId}
          options={units.map((u) => ({ value: u.id, label: u.name }))}
          placeholder={t('feedback.unit')}
          aria-label={t('feedback.unit')}
          data-testid="pub-unit"
        />
        <Select
          style={{ width: 120 }}
          aria-label={t('feedback.pub.month')}
          value={month}
          onChange={setMonth}
          options={months.map((m) => ({ value: m, label: m }))}
          data-testid="pub-month"
        />
      </Space>
      {error && <Alert type="error" showIcon message={error} />}
      {s && (
        <Space wrap size="large">
          <Statistic title={t('feedback.pub.ratings')} value={s.counted} />
          <Statistic title={t('feedback.pub.satisfaction')} value={s.satisfactionRate === null ? '—' : `${(s.satisfactionRate * 100).toFixed(1)}%`} />
          <Statistic title={t('feedback.pub.bad')} value={s.bad} />
          <Statistic title={t('feedback.pub.rectified')} value={s.rectified} />
        </Space>
      )}
      <List
        loading={loading}
        dataSource={page?.reviews ?? []}
        locale={{ emptyText: <Empty description={t('feedback.pub.empty')} /> }}
        renderItem={(r) => (
          <List.Item data-testid="pub-review" data-id={r.id}>
            <Card size="small" style={{ width: '100%' }}>
              <Space wrap size={4}>
                <Tag color={r.bad ? 'red' : 'green'} data-testid="pub-score">
                  {t(`feedback.score.${r.score}`)}
                </Tag>
                {r.excluded && <Tag>{t('feedback.pub.excluded')}</Tag>}
                <Typography.Text type="secondary" data-testid="pub-phone">
                  {r.citizenPhone ?? ''}
                </Typography.Text>
                <Typography.Text type="secondary">{r.place ?? ''}</Typography.Text>
                <Typography.Text type="secondary">{formatTime(r.ratedAt, locale)}</Typography.Text>
              </Space>
              {r.comment && <Typography.Paragraph style={{ margin: '8px 0 0' }}>{r.comment}</Typography.Paragraph>}
              {r.rectification && (
                <Alert
                  style={{ marginTop: 8 }}
                  type={r.rectification.outcome === 'rectified' ? 'success' : 'info'}
                  data-testid="pub-rectification"
                  message={
                    <span>
                      {t('feedback.pub.rectification')}：{t(`feedback.rect.status.${r.rectification.status}`)}
                      {r.rectification.outcome ? ` · ${t(`feedback.rect.outcome.${r.rectification.outcome}`)}` : ''}
                      {r.rectification.overdue ? ` · ${t('flag.overdue')}` : ''}
                    </span>
                  }
                  description={r.rectification.report ?? undefined}
                />
              )}
            </Card>
          </List.Item>
        )}
      />
    </Space>
  );
}
