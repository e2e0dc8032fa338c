import { Button, List, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { post } from '../../api/client';
import type { SameMatterCandidate } from '../../../../contract/same-matter';
import type { TicketDetail } from '../../api/types';
import { useI18n } from '../../i18n';
import { StatusTag } from '../../tickets/tags';
import { SideListCard } from '../../tickets/SideListCard';
import { useDebouncedList } from '../../tickets/useDebouncedList';
import { useTicketAction } from '../../tickets/useTicketAction';

/**
 * Same matter (并单): open tickets this appeal probably repeats. On the registration form it follows the
 * text, phone and district as the agent types; on a registered ticket it lists that ticket's candidates with a
 * one-click merge into the chosen one (the existing `merge` action).
 */
export function SameMatterCandidates(props: {
  text?: string;
  phone?: string;
  regionCode?: string;
  ticket?: TicketDetail;
  onMerged?: (t: TicketDetail) => void;
}) {
  const { t } = useI18n();
  const { ticket } = props;
  const text = (props.text ?? '').trim();
  const canMerge = !!ticket?.allowedActions?.includes('merge');
  const ticketId = ticket?.id;
  const { busy, run } = useTicketAction<string>(ticketId, props.onMerged);
  // The ticket's candidates only while it can still be merged; the form's once there are a few words.
  const wanted = ticketId ? canMerge : text.length >= 8;
  const body = ticketId ? { ticketId } : { text, phone: props.phone || undefined, regionCode: props.regionCode || undefined };
  const rows = useDebouncedList(wanted ? JSON.stringify(body) : null, ticketId ? 0 : 400, () =>
    post<SameMatterCandidate[]>('/api/tickets/similar', body).then((r) => r.data),
  );

  if (rows === null || (rows.length === 0 && !ticketId)) return null;

  const merge = (into: SameMatterCandidate) => run(into.ticketId, 'merge', { intoTicketNumber: into.number }, t('same.merged', { number: into.number }));

  return (
    <SideListCard
      title={t('same.title')}
      testId="same-matter"
      rows={rows}
      empty={t('same.none')}
      renderItem={(r) => (
        <List.Item
          data-testid="same-matter-item"
          actions={
            canMerge
              ? [
                  <Button key="merge" size="small" loading={busy === r.ticketId} data-testid="same-matter-merge" onClick={() => void merge(r)}>
                    {t('same.merge')}
                  </Button>,
                ]
              : undefined
          }
        >
          <Space direction="vertical" size={2} style={{ minWidth: 0 }}>
            <Space size={4} wrap>
              <Link to={`/agent/tickets/${r.ticketId}`}>{r.number}</Link>
              <StatusTag status={r.status} />
              <Typography.Text type="secondary">{t('same.score', { percent: Math.round(r.score * 100) })}</Typography.Text>
            </Space>
            <Typography.Text ellipsis style={{ maxWidth: 260 }}>
              {r.title}
            </Typography.Text>
            <Space size={2} wrap>
              {r.reasons.map((reason) => (
                <Tag key={reason} color={reason === 'similarText' ? 'red' : undefined}>
                  {t(`same.reason.${reason}`)}
                </Tag>
              ))}
            </Space>
          </Space>
        </List.Item>
      )}
    />
  );
}
