import { Alert, Button, Card, Result, Space, Spin } from 'antd';
import { useState, type ReactNode } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { api } from '../api/endpoints';
import { problemMessage } from '../api/problem';
import type { TicketDetail } from '../api/types';
import { useI18n } from '../i18n';
import { useLiveQuery } from '../realtime/useLiveQuery';
import { useAuth } from '../shell/auth';
import { ActionBar } from './ActionBar';
import { CopyButton } from './CopyButton';
import { TicketView } from './TicketView';
import { useViewers } from './useViewers';
import { newest } from '../lib/versions';
import { SupervisionPanel } from '../supervision/SupervisionPanel';

interface Props {
  backTo: string;
  /** Area-specific panel above the ticket (the agent's classifier suggestion). */
  aside?: (ticket: TicketDetail, update: (t: TicketDetail) => void) => ReactNode;
}

/** Ticket detail shared by the agent and unit areas; refetches when this ticket is invalidated. */
export function TicketPage({ backTo, aside }: Props) {
  const { id = '' } = useParams();
  const { t, locale } = useI18n();
  const { user } = useAuth();
  const navigate = useNavigate();
  const q = useLiveQuery(() => api.ticket(id).then((r) => r.data), [id], { concerns: (ids) => ids.includes(id) });
  // An action's response is the fresh ticket: show it at once instead of waiting for the invalidate,
  // and keep it until a refetch is at least as new (one already in flight may answer with the old state).
  const [local, setLocal] = useState<TicketDetail | null>(null);
  const ticket = newest(local?.id === id ? local : null, q.data);
  const viewers = useViewers(id, user?.id);

  if (q.error && !ticket)
    return (
      <Result status="warning" title={problemMessage(q.error.problem, locale)} extra={<Button onClick={() => navigate(backTo)}>{t('app.back')}</Button>} />
    );
  if (!ticket) return <Spin style={{ display: 'block', marginTop: 80 }} />;

  return (
    <Space direction="vertical" style={{ width: '100%' }} size={12}>
      {viewers.length > 0 && (
        <Alert
          type="warning"
          showIcon
          data-testid="viewers"
          message={t('detail.viewers', { names: viewers.map((v) => v.displayName).join(t('app.listSep')) })}
        />
      )}
      <Card size="small">
        <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
          <Button onClick={() => navigate(backTo)}>{t('app.back')}</Button>
          <Space wrap>
            <CopyButton ticket={ticket} onDone={q.reload} />
            <ActionBar ticket={ticket} onDone={setLocal} onStale={q.reload} />
          </Space>
        </Space>
      </Card>
      {aside?.(ticket, setLocal)}
      <SupervisionPanel ticket={ticket} onChanged={q.reload} />
      <TicketView ticket={ticket} />
    </Space>
  );
}
