import { App, Button, Card, List, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { post } from '../../api/client';
import { api } from '../../api/endpoints';
import { errorMessage } from '../../api/problem';
import type { TicketDetail } from '../../api/types';
import { useI18n } from '../../i18n';
import { StatusTag } from '../../tickets/tags';

/** One answer row of POST /api/tickets/similar (server/tickets/same-matter.ts). */
export interface SameMatterCandidate {
  ticketId: string;
  number: string;
  title: string;
  status: string;
  createdAt: string;
  regionCode: string | null;
  score: number;
  sameCitizen: boolean;
  samePlace: boolean;
  reasons: ('similarText' | 'relatedText' | 'sameCitizen' | 'samePlace')[];
}

/**
 * Same matter (并单): open tickets this appeal probably repeats. On the registration form it follows the
 * text, phone and district as the agent types; on a registered ticket it lists that ticket's candidates with a
 * one-click merge into the chosen one (the existing `merge` action).
 */
export function SameMatterCandidates(props: { text?: string; phone?: string; regionCode?: string; ticket?: TicketDetail; onMerged?: (t: TicketDetail) => void }) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const [rows, setRows] = useState<SameMatterCandidate[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const { ticket } = props;
  const text = (props.text ?? '').trim();
  const canMerge = !!ticket?.allowedActions?.includes('merge');
  const ticketId = ticket?.id;
  // The ticket's candidates only while it can still be merged; the form's once there are a few words.
  const wanted = ticketId ? canMerge : text.length >= 8;

  useEffect(() => {
    if (!wanted) {
      setRows(null);
      return;
    }
    let live = true;
    const body = ticketId ? { ticketId } : { text, phone: props.phone || undefined, regionCode: props.regionCode || undefined };
    const timer = setTimeout(() => {
      post<SameMatterCandidate[]>('/api/tickets/similar', body)
        .then((r) => live && setRows(r.data))
        .catch(() => live && setRows([]));
    }, ticketId ? 0 : 400);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [wanted, ticketId, text, props.phone, props.regionCode]);

  if (rows === null || (rows.length === 0 && !ticketId)) return null;

  const merge = async (into: SameMatterCandidate) => {
    if (!ticket) return;
    setBusy(into.ticketId);
    try {
      const { data } = await api.act(ticket.id, 'merge', { intoTicketNumber: into.number });
      message.success(t('same.merged', { number: into.number }));
      props.onMerged?.(data);
    } catch (e) {
      message.error(errorMessage(e, locale));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card size="small" title={t('same.title')} data-testid="same-matter">
      {rows.length === 0 ? (
        <Typography.Text type="secondary">{t('same.none')}</Typography.Text>
      ) : (
        <List
          size="small"
          dataSource={rows}
          renderItem={(r) => (
            <List.Item
              data-testid="same-matter-item"
              actions={canMerge ? [
                <Button key="merge" size="small" loading={busy === r.ticketId} data-testid="same-matter-merge" onClick={() => void merge(r)}>
                  {t('same.merge')}
                </Button>,
              ] : undefined}
            >
              <Space direction="vertical" size={2} style={{ minWidth: 0 }}>
                <Space size={4} wrap>
                  <Link to={`/agent/tickets/${r.ticketId}`}>{r.number}</Link>
                  <StatusTag status={r.status} />
                  <Typography.Text type="secondary">{t('same.score', { percent: Math.round(r.score * 100) })}</Typography.Text>
                </Space>
                <Typography.Text ellipsis style={{ maxWidth: 260 }}>{r.title}</Typography.Text>
                <Space size={2} wrap>
                  {r.reasons.map((reason) => <Tag key={reason} color={reason === 'similarText' ? 'red' : undefined}>{t(`same.reason.${reason}`)}</Tag>)}
                </Space>
              </Space>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
