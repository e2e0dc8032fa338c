import { Alert, Card, Space, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { problemMessage } from '../../../api/problem';
import { useI18n } from '../../../i18n';
import { useLiveQuery } from '../../../realtime/useLiveQuery';
import { lastDays } from '../reports/format';
import { hotlinesApi, type PlatformOrder } from './api';

/** How far back the wall looks for dispatches that never reached an unconfigured platform (the kept-platform report's `unconfigured`). */
export const UNCONFIGURED_DAYS = 30;

/**
 * 保留对接 on the wall: tickets handed to a kept department platform (12315, 12366…) that it has not
 * yet finished, by the platform's own deadline; an undelivered push is flagged, since then nobody holds the ticket.
 * Dispatches to a platform unit whose exchange peer is not configured never become an order, so they are
 * not in that list: the card names those platforms as 未配置对接 with the count of the last 30 days.
 */
export function PlatformOrdersCard() {
  const { t, locale } = useI18n();
  const q = useLiveQuery(() => hotlinesApi.platformOrders(), [], { throttleMs: 5000 });
  const figures = useLiveQuery(
    () => {
      const { from, to } = lastDays(UNCONFIGURED_DAYS);
      return hotlinesApi.platformFigures(from, to);
    },
    [],
    { throttleMs: 30_000 },
  );
  const unconfigured = (figures.data ?? []).filter((p) => !p.connected && p.unconfigured > 0);
  const when = (iso: string | null) =>
    iso ? new Date(iso).toLocaleString(locale === 'en' ? 'en-GB' : 'zh-CN', { dateStyle: 'short', timeStyle: 'short' }) : '—';
  return (
    <Card size="small" title={t('platform.title')} data-testid="sup-platform-orders">
      {figures.error && <Alert type="warning" showIcon style={{ marginBottom: 8 }} message={problemMessage(figures.error.problem, locale)} />}
      {unconfigured.length > 0 && (
        <div style={{ marginBottom: 8 }}>
          {unconfigured.map((p) => (
            <div key={`${p.platformUnit}-${p.peerId}`} data-testid="wall-platform-unconfigured">
              <Space size={4}>
                {p.platformUnit}
                <Tag color="red">{t('platform.unconfigured', { n: p.unconfigured })}</Tag>
              </Space>
            </div>
          ))}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('platform.unconfiguredHint', { days: UNCONFIGURED_DAYS })}
          </Typography.Text>
        </div>
      )}
      {(q.data ?? []).length === 0 ? (
        <Typography.Text type="secondary">{t('platform.none')}</Typography.Text>
      ) : (
        <Table<PlatformOrder>
          size="small"
          rowKey="orderId"
          pagination={false}
          dataSource={q.data}
          columns={[
            { title: t('col.number'), dataIndex: 'ticketNumber', render: (n: string, r) => <Link to={`/agent/tickets/${r.ticketId}`}>{n}</Link> },
            { title: t('platform.platform'), dataIndex: 'platformUnit' },
            {
              title: t('platform.state'),
              key: 'state',
              render: (_, r) => (
                <span>
                  {t(`platform.state.${r.state}`)} {(r.delivery === 'failed' || r.delivery === 'dead') && <Tag color="red">{t('platform.undelivered')}</Tag>}
                </span>
              ),
            },
            {
              title: t('platform.replyDue'),
              key: 'due',
              render: (_, r) => (
                <span>
                  {when(r.replyDueAt)} {r.overdue && <Tag color="red">{t('platform.overdue')}</Tag>}
                </span>
              ),
            },
          ]}
        />
      )}
    </Card>
  );
}
