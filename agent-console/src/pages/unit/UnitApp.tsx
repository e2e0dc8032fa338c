import { Alert, Button, Card, Input, Pagination, Space, Spin, Tabs, Typography } from 'antd';
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { Route, Routes, useNavigate } from 'react-router-dom';
import { api } from '../../api/endpoints';
import { problemMessage } from '../../api/problem';
import type { TicketSummary } from '../../api/types';
import { useI18n } from '../../i18n';
import { useLiveQuery } from '../../realtime/useLiveQuery';
import { useAuth } from '../../shell/auth';
import { StaffShell } from '../../shell/StaffShell';
import { TicketTable } from '../../tickets/TicketTable';
import { INBOX_PAGE_SIZE as PAGE_SIZE, INBOX_TABS as TABS, inboxFilter, loadInbox } from './inboxQuery';

// The inbox is the portal's first screen; the ticket page (actions, attachments, supervision), copies and
// rectifications are chunks of their own, so opening /unit parses and runs only what the list needs.
const loadTicketPage = () => import('./UnitTicketPage');
const UnitTicketPage = lazy(loadTicketPage);
const UnitCopies = lazy(() => import('./UnitCopies').then((m) => ({ default: m.UnitCopies })));
const UnitRectifications = lazy(() => import('./UnitRectifications').then((m) => ({ default: m.UnitRectifications })));

/** 承办单位 inbox: the server already limits the list to the clerk's unit and masks the citizen. */
function Inbox() {
  const { t, locale } = useI18n();
  const { user } = useAuth();
  const navigate = useNavigate();
  const [tab, setTab] = useState<string>('todo');
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  // Sorted and paged by the server, so the oldest overdue tickets are on page one however many there are.
  // The first page of the first tab was usually asked for already, while this chunk loaded (inboxQuery).
  const mounted = useRef(false);
  const list = useLiveQuery(
    () => {
      const filter = inboxFilter(tab, q, user?.unitId, page);
      if (mounted.current) return api.tickets(filter);
      mounted.current = true;
      return loadInbox(filter);
    },
    [tab, q, user?.unitId, page],
    { throttleMs: 1000 },
  );
  const open = useCallback((r: TicketSummary) => navigate(`/unit/tickets/${r.id}`), [navigate]);
  // Once the list is up, fetch the ticket page's code, so opening a ticket does not wait for it.
  const shown = list.data !== undefined;
  useEffect(() => {
    if (!shown) return;
    loadTicketPage().catch((err: unknown) => console.warn('unit inbox: early download of the ticket page failed; it is asked for when opened', err));
  }, [shown]);
  const rows = list.data?.data ?? [];
  const total = list.data?.page?.total ?? rows.length;
  return (
    <Card size="small" title={t('unit.inbox')} extra={<Typography.Text type="secondary">{t('unit.masked')}</Typography.Text>}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Tabs
          activeKey={tab}
          onChange={(k) => {
            setTab(k);
            setPage(1);
          }}
          items={TABS.map((x) => ({ key: x.key, label: t(`unit.tab.${x.key}`) }))}
        />
        <Space>
          <Input.Search
            allowClear
            placeholder={t('agent.search')}
            onSearch={(v) => {
              setQ(v);
              setPage(1);
            }}
            style={{ width: 240 }}
            data-testid="inbox-search"
          />
          <Button onClick={list.reload}>{t('app.refresh')}</Button>
        </Space>
      </Space>
      {list.error && <Alert type="error" showIcon message={problemMessage(list.error.problem, locale)} style={{ marginBottom: 8 }} />}
      <TicketTable rows={rows} loading={list.loading && !list.data} onOpen={open} variant="unit" />
      <Pagination
        size="small"
        style={{ marginTop: 8, textAlign: 'right' }}
        data-testid="inbox-pages"
        current={page}
        pageSize={PAGE_SIZE}
        total={total}
        showSizeChanger={false}
        onChange={setPage}
        showTotal={(n) => t('unit.total', { n })}
      />
    </Card>
  );
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
          <Button size="small" onClick={() => navigate('/unit/copies')} data-testid="nav-copies">
            {t('copies.title')}
          </Button>
          <Button size="small" onClick={() => navigate('/unit/rectifications')} data-testid="nav-rectifications">
            {t('feedback.rect.title')}
          </Button>
        </>
      }
    >
      <Suspense fallback={<Spin style={{ display: 'block', marginTop: 80 }} />}>
        <Routes>
          <Route index element={<Inbox />} />
          <Route path="rectifications" element={<UnitRectifications />} />
          <Route path="copies" element={<UnitCopies />} />
          <Route path="tickets/:id" element={<UnitTicketPage />} />
        </Routes>
      </Suspense>
    </StaffShell>
  );
}
