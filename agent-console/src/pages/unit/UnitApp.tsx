import { Alert, Button, Card, Input, Space, Tabs, Typography } from 'antd';
import { useCallback, useState } from 'react';
import { Route, Routes, useNavigate } from 'react-router-dom';
import { api } from '../../api/endpoints';
import { problemMessage } from '../../api/problem';
import type { TicketSummary } from '../../api/types';
import { useI18n } from '../../i18n';
import { useLiveQuery } from '../../realtime/useLiveQuery';
import { useAuth } from '../../shell/auth';
import { StaffShell } from '../../shell/StaffShell';
import { TicketPage } from '../../tickets/TicketPage';
import { TicketTable } from '../../tickets/TicketTable';
import { UnitRectifications } from './UnitRectifications';

const TABS = [
  { key: 'todo', status: 'dispatched' },
  { key: 'doing', status: 'signed,in_progress,extension_requested,return_requested' },
  { key: 'all', status: undefined },
] as const;

/** 承办单位 inbox: the server already limits the list to the clerk's unit and masks the citizen. */
function Inbox() {
  const { t, locale } = useI18n();
  const { user } = useAuth();
  const navigate = useNavigate();
  const [tab, setTab] = useState<string>('todo');
  const [q, setQ] = useState('');
  const status = TABS.find((x) => x.key === tab)?.status;
  const list = useLiveQuery(() => api.tickets({ status, q: q || undefined, unitId: user?.unitId ?? undefined, pageSize: 200 }), [status, q, user?.unitId], { throttleMs: 1000 });
  const open = useCallback((r: TicketSummary) => navigate(`/unit/tickets/${r.id}`), [navigate]);
  const rows = [...(list.data?.data ?? [])].sort(byDeadline);
  return (
    <Card size="small" title={t('unit.inbox')} extra={<Typography.Text type="secondary">{t('unit.masked')}</Typography.Text>}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Tabs activeKey={tab} onChange={setTab} items={TABS.map((x) => ({ key: x.key, label: t(`unit.tab.${x.key}`) }))} />
        <Space>
          <Input.Search allowClear placeholder={t('agent.search')} onSearch={setQ} style={{ width: 240 }} data-testid="inbox-search" />
          <Button onClick={list.reload}>{t('app.refresh')}</Button>
        </Space>
      </Space>
      {list.error && <Alert type="error" showIcon message={problemMessage(list.error.problem, locale)} style={{ marginBottom: 8 }} />}
      <TicketTable rows={rows} loading={list.loading && !list.data} onOpen={open} variant="unit" />
    </Card>
  );
}

/** Overdue and soonest-due first: the inbox is worked top-down. */
function byDeadline(a: TicketSummary, b: TicketSummary) {
  const da = a.replyDueAt ? Date.parse(a.replyDueAt) : Infinity;
  const db = b.replyDueAt ? Date.parse(b.replyDueAt) : Infinity;
  return da - db;
}

export default function UnitApp() {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <StaffShell
      title={t('unit.title')}
      extra={
        <>
          <Button size="small" onClick={() => navigate('/unit')}>
            {t('unit.inbox')}
          </Button>
          <Button size="small" onClick={() => navigate('/unit/rectifications')} data-testid="nav-rectifications">
            {t('feedback.rect.title')}
          </Button>
        </>
      }
    >
      <Routes>
        <Route index element={<Inbox />} />
        <Route path="rectifications" element={<UnitRectifications />} />
        <Route path="tickets/:id" element={<TicketPage backTo="/unit" />} />
      </Routes>
    </StaffShell>
  );
}
