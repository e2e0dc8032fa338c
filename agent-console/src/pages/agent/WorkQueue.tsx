import { Alert, Button, Card, Input, Space, Tabs, Typography } from 'antd';
import { useCallback, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../../api/endpoints';
import { problemMessage } from '../../api/problem';
import type { TicketSummary } from '../../api/types';
import { useI18n } from '../../i18n';
import { useLiveQuery } from '../../realtime/useLiveQuery';
import { TicketTable } from '../../tickets/TicketTable';

// Split by status, the way agents work the queue. "Mine" uses the server's `mine=true`, which
// docs/API.md v1 does not list yet (the server accepts it).
const TABS = [
  { key: 'mine', status: undefined, mine: true },
  { key: 'received', status: 'received' },
  { key: 'pending', status: 'pending_dispatch,reopened' },
  // Replies, returns and extensions all wait on the centre (dispatcher, or agents in small centres).
  { key: 'review', status: 'replied,return_requested,extension_requested' },
  { key: 'all', status: undefined },
] as const;

// A whole shift's queue in one request (the server's pageSize cap is 1,000); the table is virtual.
export const QUEUE_PAGE_SIZE = 1000;

export function WorkQueue() {
  const { t, locale } = useI18n();
  const navigate = useNavigate();
  const [tab, setTab] = useState<string>('received');
  const [q, setQ] = useState('');
  const current = TABS.find((x) => x.key === tab);
  const status = current?.status;
  const mine = current && 'mine' in current ? true : undefined;
  const list = useLiveQuery(() => api.tickets({ status, mine, q: q || undefined, pageSize: QUEUE_PAGE_SIZE }), [status, mine, q], {
    // A 1,000-row page is ~0.5 MB: refetch at most every 2 s however busy the floor is.
    throttleMs: 2000,
  });
  const open = useCallback((r: TicketSummary) => navigate(`/agent/tickets/${r.id}`), [navigate]);

  return (
    <Card size="small" title={t('agent.queue')}>
      <Space style={{ marginBottom: 8, width: '100%', justifyContent: 'space-between' }} wrap>
        <Tabs activeKey={tab} onChange={setTab} items={TABS.map((x) => ({ key: x.key, label: t(`agent.tab.${x.key}`) }))} style={{ marginBottom: 0 }} />
        <Space>
          <Input.Search allowClear placeholder={t('agent.search')} onSearch={setQ} style={{ width: 260 }} data-testid="queue-search" />
          <Button onClick={list.reload}>{t('app.refresh')}</Button>
          <Typography.Text type="secondary" data-testid="queue-total">
            {t('agent.total', { n: list.data?.page?.total ?? list.data?.data.length ?? 0 })}
          </Typography.Text>
        </Space>
      </Space>
      {list.error && <Alert type="error" showIcon message={problemMessage(list.error.problem, locale)} style={{ marginBottom: 8 }} />}
      <TicketTable rows={list.data?.data ?? []} loading={list.loading && !list.data} onOpen={open} variant="agent" />
    </Card>
  );
}
