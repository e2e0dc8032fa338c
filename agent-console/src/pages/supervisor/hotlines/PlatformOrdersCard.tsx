import { Card, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { useI18n } from '../../../i18n';
import { useLiveQuery } from '../../../realtime/useLiveQuery';
import { hotlinesApi, type PlatformOrder } from './api';

/**
 * 保留对接 on the wall: tickets handed to a kept department platform (12315, 12366…) that it has not
 * yet finished, by the platform's own deadline; an undelivered push is flagged, since then nobody holds the ticket.
 */
export function PlatformOrdersCard() {
  const { t, locale } = useI18n();
  const q = useLiveQuery(() => hotlinesApi.platformOrders(), [], { throttleMs: 5000 });
  const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString(locale === 'en' ? 'en-GB' : 'zh-CN', { dateStyle: 'short', timeStyle: 'short' }) : '—');
  return (
    <Card size="small" title={t('platform.title')} data-testid="sup-platform-orders">
      {(q.data ?? []).length === 0 ? (
        <Typography.Text type="secondary">{t('platform.none')}</Typography.Text>
      ) : (
        <Table<PlatformOrder>
          size="small" rowKey="orderId" pagination={false} dataSource={q.data}
          columns={[
            { title: t('col.number'), dataIndex: 'ticketNumber', render: (n: string, r) => <Link to={`/agent/tickets/${r.ticketId}`}>{n}</Link> },
            { title: t('platform.platform'), dataIndex: 'platformUnit' },
            { title: t('platform.state'), key: 'state', render: (_, r) => (
              <span>
                {t(`platform.state.${r.state}`)}{' '}
                {(r.delivery === 'failed' || r.delivery === 'dead') && <Tag color="red">{t('platform.undelivered')}</Tag>}
              </span>
            ) },
            { title: t('platform.replyDue'), key: 'due', render: (_, r) => (
              <span>{when(r.replyDueAt)} {r.overdue && <Tag color="red">{t('platform.overdue')}</Tag>}</span>
            ) },
          ]}
        />
      )}
    </Card>
  );
}
