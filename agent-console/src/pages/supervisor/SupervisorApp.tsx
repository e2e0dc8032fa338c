import { Card, Col, Row, Spin, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { Link, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { api } from '../../api/endpoints';
import type { Presence, TicketSummary } from '../../api/types';
import { useI18n } from '../../i18n';
import { useRealtime, useSocketEvent } from '../../realtime/RealtimeProvider';
import { useLiveQuery, type LiveQuery } from '../../realtime/useLiveQuery';
import { useAuth } from '../../shell/auth';
import { StaffShell } from '../../shell/StaffShell';
import { Countdown, StatusTag, useNow } from '../../tickets/tags';
import { reportsApi, type QueueCounts } from './reports/api';
import { nearDeadline, volumeBars } from './stats';
import { LinkagesCard } from './hotlines/LinkagesCard';
import { PlatformOrdersCard } from './hotlines/PlatformOrdersCard';

const BarChart = lazy(() => import('./BarChart'));
// Report screens are their own chunks: the wall opens without them.
const ReportsPage = lazy(() => import('./reports/ReportsPage'));
const HotspotsPage = lazy(() => import('./reports/HotspotsPage'));
const FeedbackPolicyPage = lazy(() => import('./FeedbackPolicyPage'));
const LinesPage = lazy(() => import('./hotlines/LinesPage'));
const SupervisionPage = lazy(() => import('../../supervision/SupervisionPage'));
const QUEUE_STATUSES = ['received', 'pending_dispatch', 'dispatched', 'signed', 'in_progress', 'return_requested', 'extension_requested', 'replied'];
const NEAR_LIST = 50;
// The wall is read from across the room: fresh within 5 s is fresh enough, and spares the server.
const WALL = { throttleMs: 5000 };
const PRESENCE_COLORS: Record<string, string> = { available: 'green', busy: 'red', after_call: 'orange', away: 'default' };

interface PresenceEvent {
  userId: string;
  /** `offline`: the agent logged out (server/platform/realtime/presence.ts) and leaves the wall. */
  state: Presence | 'offline';
  displayName?: string;
  viewing?: string;
}

function Agents({
  agents,
  setAgents,
}: {
  agents: Record<string, PresenceEvent>;
  setAgents: React.Dispatch<React.SetStateAction<Record<string, PresenceEvent>>>;
}) {
  const { t } = useI18n();
  const { socket, state } = useRealtime();
  useSocketEvent<PresenceEvent>('presence', (p) =>
    setAgents((a) => {
      if (p.state !== 'offline') return { ...a, [p.userId]: p };
      const { [p.userId]: _gone, ...rest } = a;
      return rest;
    }),
  );
  // docs/API.md names only `presence` events; the server also answers `presence:list` with a snapshot.
  // Ask for it on every (re)connect; without an answer the wall still fills from events.
  useEffect(() => {
    if (!socket || state !== 'connected') return;
    socket.timeout(3000).emit('presence:list', {}, (err: Error | null, list?: PresenceEvent[]) => {
      if (err || !Array.isArray(list)) return;
      setAgents((a) => ({ ...Object.fromEntries(list.map((p) => [p.userId, p])), ...a }));
    });
  }, [socket, state, setAgents]);
  const list = Object.values(agents);
  return (
    <Card size="small" title={t('sup.agents')} data-testid="sup-agents">
      {list.length === 0 ? (
        <Typography.Text type="secondary">{t('sup.noAgents')}</Typography.Text>
      ) : (
        list.map((a) => (
          <Tag key={a.userId} color={PRESENCE_COLORS[a.state] ?? 'default'} style={{ marginBottom: 4 }}>
            {a.displayName ?? a.userId.slice(0, 8)} · {t(`presence.${a.state}`)}
          </Tag>
        ))
      )}
    </Card>
  );
}

function Queues({ q }: { q: LiveQuery<QueueCounts> }) {
  const { t } = useI18n();
  return (
    <Card size="small" title={t('sup.queues')} data-testid="sup-queues">
      <Row gutter={[8, 8]}>
        {QUEUE_STATUSES.map((s) => (
          <Col key={s} xs={12} md={6}>
            <Statistic title={t(`status.${s}`)} value={q.data?.byStatus[s] ?? '—'} />
          </Col>
        ))}
        <Col xs={12} md={6}>
          <Statistic
            title={t('sup.overdue')}
            value={q.data?.overdue ?? '—'}
            valueStyle={q.data?.overdue ? { color: '#cf1322' } : undefined}
            data-testid="sup-overdue"
          />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('sup.nearDeadline', { h: q.data?.nearDeadlineHours ?? 24 })} value={q.data?.nearDeadline ?? '—'} />
        </Col>
      </Row>
    </Card>
  );
}

/** 今日话务: today's calls as a call-centre floor reads them (server/reports/queue-counts.ts). */
function Calls({ q, afterCall }: { q: LiveQuery<QueueCounts>; afterCall: number }) {
  const { t } = useI18n();
  const c = q.data?.calls;
  const pct = (v: number | null | undefined) => (v == null ? '—' : `${(v * 100).toFixed(1)}%`);
  return (
    <Card size="small" title={t('sup.calls')} data-testid="sup-calls">
      <Row gutter={[8, 8]}>
        <Col xs={12} md={3}>
          <Statistic
            title={t('sup.calls.waiting')}
            value={c?.waiting ?? '—'}
            data-testid="sup-calls-waiting"
            suffix={
              c?.longestWaitSeconds != null ? (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('sup.calls.longest', { s: c.longestWaitSeconds })}
                </Typography.Text>
              ) : undefined
            }
          />
        </Col>
        <Col xs={12} md={3}>
          <Statistic title={t('sup.calls.afterCall')} value={afterCall} data-testid="sup-calls-after-call" />
        </Col>
        <Col xs={12} md={3}>
          <Statistic title={t('sup.calls.offered')} value={c?.offered ?? '—'} />
        </Col>
        <Col xs={12} md={3}>
          <Statistic title={t('sup.calls.answered')} value={c?.answered ?? '—'} />
        </Col>
        <Col xs={12} md={3}>
          <Statistic title={t('sup.calls.abandoned')} value={c?.abandoned ?? '—'} />
        </Col>
        <Col xs={12} md={5}>
          <Statistic title={t('sup.calls.serviceLevel', { s: c?.serviceLevelSeconds ?? 20 })} value={pct(c?.serviceLevel)} data-testid="sup-service-level" />
        </Col>
        <Col xs={12} md={4}>
          <Statistic title={t('sup.calls.avgWait')} value={c?.averageWaitSeconds ?? '—'} suffix={c?.averageWaitSeconds != null ? 's' : undefined} />
        </Col>
      </Row>
    </Card>
  );
}

function Deadlines({ rows }: { rows: TicketSummary[] }) {
  const { t } = useI18n();
  const now = useNow();
  const near = useMemo(() => nearDeadline(rows, now).slice(0, 50), [rows, now]);
  return (
    <Card size="small" title={t('sup.deadlines')} data-testid="sup-deadlines">
      <Table<TicketSummary>
        size="small"
        rowKey="id"
        pagination={false}
        scroll={{ y: 300 }}
        dataSource={near}
        columns={[
          { title: t('col.number'), dataIndex: 'number', render: (n: string, r) => <Link to={`/agent/tickets/${r.id}`}>{n}</Link> },
          { title: t('col.status'), dataIndex: 'status', render: (s: string) => <StatusTag status={s} /> },
          { title: t('col.unit'), key: 'unit', render: (_, r) => r.leadUnit?.name ?? '—' },
          { title: t('col.replyDue'), dataIndex: 'replyDueAt', render: (v: string | null) => <Countdown dueAt={v} now={now} /> },
        ]}
      />
    </Card>
  );
}

function Wall() {
  const { t } = useI18n();
  // One server count over every ticket and today's calls (server/reports/queue-counts.ts), not a request per status.
  const counts = useLiveQuery(() => reportsApi.queueCounts(), [], WALL);
  const { user } = useAuth();
  // Who is on duty and in which state (the server's presence); the after-call figure counts from it.
  const [agents, setAgents] = useState<Record<string, PresenceEvent>>({});
  const afterCall = Object.values(agents).filter((a) => a.state === 'after_call').length;
  // Counted by the server over all of today's tickets, refetched on the same invalidates as the rest of the wall.
  const volume = useLiveQuery(() => reportsApi.todayVolume(), [], WALL);
  // The most urgent open tickets, ordered by the server over all of them (not the newest 200).
  const open = useLiveQuery(
    () =>
      api.tickets({ status: 'dispatched,signed,in_progress,extension_requested,return_requested', sort: 'deadline', pageSize: NEAR_LIST }).then((r) => r.data),
    [],
    WALL,
  );
  const byChannel = useMemo(() => volumeBars(volume.data?.byChannel ?? [], (k) => t(`channel.${k}`), t('reports.unassigned')), [volume.data, t]);
  const byCategory = useMemo(() => volumeBars(volume.data?.byCategory ?? [], (k) => k, t('reports.unassigned')), [volume.data, t]);
  const total = (
    <Typography.Text type="secondary" data-testid="today-total">
      {t('reports.todayTotal', { n: volume.data?.total ?? '—' })}
    </Typography.Text>
  );
  const chart = (data: { name: string; value: number }[], id: string) => (
    <Suspense fallback={<Spin />}>
      <BarChart data={data} testId={id} />
    </Suspense>
  );
  return (
    <Row gutter={[12, 12]}>
      <Col xs={24} lg={12}>
        <Agents agents={agents} setAgents={setAgents} />
      </Col>
      <Col xs={24} lg={12}>
        <Queues q={counts} />
      </Col>
      <Col xs={24}>
        <Calls q={counts} afterCall={afterCall} />
      </Col>
      <Col xs={24}>
        <LinkagesCard canAct={user?.role === 'supervisor' || user?.role === 'dispatcher'} />
        <PlatformOrdersCard />
      </Col>
      <Col xs={24}>
        <Deadlines rows={open.data ?? []} />
      </Col>
      <Col xs={24} lg={12}>
        <Card size="small" title={t('sup.byChannel')} extra={total}>
          {chart(byChannel, 'chart-channel')}
        </Card>
      </Col>
      <Col xs={24} lg={12}>
        <Card size="small" title={t('sup.byCategory')} extra={total}>
          {chart(byCategory, 'chart-category')}
        </Card>
      </Col>
    </Row>
  );
}

/** Wall, reports and hotspots under /supervisor. Reports (measures, league) are for supervisors and admins; dispatchers get the wall and hotspots. */
export default function SupervisorApp() {
  const { t } = useI18n();
  const { user } = useAuth();
  const nav = useNavigate();
  const { pathname } = useLocation();
  const canReport = user?.role === 'supervisor' || user?.role === 'admin';
  const tabs = [
    { key: '', label: t('reports.tab.wall') },
    ...(canReport ? [{ key: 'reports', label: t('reports.tab.reports') }] : []),
    { key: 'hotspots', label: t('reports.tab.hotspots') },
    { key: 'supervision', label: t('sv.tab') },
    ...(canReport
      ? [
          { key: 'policy', label: t('policy.tab') },
          { key: 'lines', label: t('hotline.tab') },
        ]
      : []),
  ];
  const active = pathname.replace(/^\/supervisor\/?/, '').split('/')[0];
  return (
    <StaffShell title={t('sup.title')}>
      <Tabs
        activeKey={active}
        onChange={(k) => nav(`/supervisor${k ? `/${k}` : ''}`)}
        items={tabs.map((x) => ({ key: x.key, label: <span data-testid={`sup-tab-${x.key || 'wall'}`}>{x.label}</span> }))}
        style={{ marginTop: -8 }}
      />
      <Suspense fallback={<Spin />}>
        <Routes>
          <Route index element={<Wall />} />
          <Route path="reports" element={canReport ? <ReportsPage /> : <Navigate to="/supervisor" replace />} />
          <Route path="hotspots" element={<HotspotsPage />} />
          <Route path="supervision" element={<SupervisionPage />} />
          <Route path="policy" element={canReport ? <FeedbackPolicyPage /> : <Navigate to="/supervisor" replace />} />
          <Route path="lines" element={canReport ? <LinesPage /> : <Navigate to="/supervisor" replace />} />
          <Route path="*" element={<Navigate to="/supervisor" replace />} />
        </Routes>
      </Suspense>
    </StaffShell>
  );
}
