import { Card, Descriptions, Table, Tag, Timeline, Tooltip, Typography } from 'antd';
import type { Dispatch, TicketDetail, TimelineEntry } from '../api/types';
import { useI18n, type Translate } from '../i18n';
import { Countdown, FlagTags, formatTime, StatusTag, useNow } from './tags';

function Dispatches({ rows }: { rows: Dispatch[] }) {
  const { t, locale } = useI18n();
  const now = useNow();
  return (
    <Table<Dispatch>
      size="small"
      rowKey="id"
      pagination={false}
      dataSource={rows}
      columns={[
        { title: t('col.unit'), dataIndex: 'unitName' },
        { title: '', dataIndex: 'role', render: (r: string, d) => <Tag>{t(`disp.role.${r}`)} · {t('disp.round', { n: d.round })}</Tag> },
        { title: t('col.status'), dataIndex: 'status', render: (s: string) => <StatusTag status={s} /> },
        { title: t('col.signDue'), dataIndex: 'signDueAt', render: (v: string | null, d) => (d.signedAt ? formatTime(d.signedAt, locale) : <Countdown dueAt={v} now={now} />) },
        { title: t('col.replyDue'), dataIndex: 'replyDueAt', render: (v: string | null, d) => (d.repliedAt ? formatTime(d.repliedAt, locale) : (
          <>
            <Countdown dueAt={v} now={now} />
            {d.deadlinesProvisional && <Tooltip title={t('disp.provisionalHint')}><Tag color="gold">{t('disp.provisional')}</Tag></Tooltip>}
          </>
        )) },
      ]}
    />
  );
}

/** A named event ("extension approved") says more than the status it lands in ("in progress"). */
export function eventLabel(e: TimelineEntry, t: Translate): string {
  const named = t(`event.${e.type}`);
  if (named !== `event.${e.type}`) return named;
  return e.toStatus ? t(`status.${e.toStatus}`) : e.type;
}

export function TicketTimeline({ ticket }: { ticket: TicketDetail }) {
  const { t, locale } = useI18n();
  return (
    <Timeline
      data-testid="timeline"
      items={[...(ticket.timeline ?? [])]
        .sort((a, b) => a.seq - b.seq)
        .map((e) => ({
          key: e.seq,
          children: (
            <div>
              <Typography.Text strong>{eventLabel(e, t)}</Typography.Text>{' '}
              <Typography.Text type="secondary">
                {formatTime(e.at, locale)} · {e.actorName ?? '—'}
                {e.actorRole ? ` (${t(`role.${e.actorRole}`)})` : ''}
              </Typography.Text>
              {e.reason && <div>{e.reason}</div>}
            </div>
          ),
        }))}
    />
  );
}

/** Read-only ticket: everything the API sends, masked or not (the server decides masking). */
export function TicketView({ ticket }: { ticket: TicketDetail }) {
  const { t, locale } = useI18n();
  return (
    <>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Descriptions size="small" column={{ xs: 1, md: 3 }} data-testid="ticket-summary">
          <Descriptions.Item label={t('col.number')}>
            <span data-testid="detail-number">{ticket.number}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('col.status')}>
            <StatusTag status={ticket.status} /> <FlagTags flags={ticket.flags} emergency={ticket.emergency} />
          </Descriptions.Item>
          <Descriptions.Item label={t('col.channel')}>{t(`channel.${ticket.channel}`)}</Descriptions.Item>
          <Descriptions.Item label={t('col.caller')}>{[ticket.caller?.name, ticket.caller?.phone].filter(Boolean).join(' ') || '—'}</Descriptions.Item>
          <Descriptions.Item label={t('col.type')}>{ticket.appealType ? t(`type.${ticket.appealType}`) : '—'}</Descriptions.Item>
          <Descriptions.Item label={t('col.urgency')}>{ticket.urgency ? t(`urgency.${ticket.urgency}`) : '—'}</Descriptions.Item>
          <Descriptions.Item label={t('col.category')}>{ticket.categoryName ?? ticket.categoryCode ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('col.unit')}>{ticket.leadUnit?.name ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('col.createdAt')}>{formatTime(ticket.createdAt, locale)}</Descriptions.Item>
          <Descriptions.Item label={t('col.title')} span={3}>{ticket.title || '—'}</Descriptions.Item>
          <Descriptions.Item label={t('detail.content')} span={3}>
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }} data-testid="detail-content">
              {ticket.content}
            </Typography.Paragraph>
          </Descriptions.Item>
          <Descriptions.Item label={t('detail.address')} span={3}>{ticket.address || '—'}</Descriptions.Item>
          {ticket.replyText && (
            <Descriptions.Item label={t('detail.reply')} span={3}>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }} data-testid="detail-reply">
                {ticket.replyText}
              </Typography.Paragraph>
            </Descriptions.Item>
          )}
        </Descriptions>
      </Card>
      {ticket.dispatches?.length > 0 && (
        <Card size="small" title={t('detail.dispatches')} style={{ marginBottom: 12 }}>
          <Dispatches rows={ticket.dispatches} />
        </Card>
      )}
      <Card size="small" title={t('detail.timeline')}>
        <TicketTimeline ticket={ticket} />
      </Card>
    </>
  );
}
