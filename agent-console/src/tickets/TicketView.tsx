import { Card, Descriptions, Image, Space, Table, Tag, Timeline, Tooltip, Typography } from 'antd';
import { attachmentUrl, formatSize, isThumbnailable, ticketFiles } from '../lib/attachments';
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
        {
          title: '',
          dataIndex: 'role',
          render: (r: string, d) => (
            <Tag>
              {t(`disp.role.${r}`)} · {t('disp.round', { n: d.round })}
            </Tag>
          ),
        },
        { title: t('col.status'), dataIndex: 'status', render: (s: string) => <StatusTag status={s} /> },
        // 签收时限 stays the deadline after signing (the unit's record of whether it signed in time); when it signed is beneath.
        {
          title: t('col.signDue'),
          dataIndex: 'signDueAt',
          render: (v: string | null, d) =>
            d.signedAt ? (
              <span data-testid="sign-due">
                {v ? formatTime(v, locale) : '—'}
                <div>
                  <Typography.Text type={v && d.signedAt > v ? 'danger' : 'secondary'} style={{ fontSize: 12 }}>
                    {t('disp.signedAt', { at: formatTime(d.signedAt, locale) })}
                  </Typography.Text>
                </div>
              </span>
            ) : (
              <Countdown dueAt={v} now={now} />
            ),
        },
        {
          title: t('col.replyDue'),
          dataIndex: 'replyDueAt',
          render: (v: string | null, d) =>
            d.repliedAt ? (
              <span data-testid="reply-due">
                {v ? formatTime(v, locale) : '—'}
                <div>
                  <Typography.Text type={v && d.repliedAt > v ? 'danger' : 'secondary'} style={{ fontSize: 12 }}>
                    {t('disp.repliedAt', { at: formatTime(d.repliedAt, locale) })}
                  </Typography.Text>
                </div>
              </span>
            ) : (
              <>
                <Countdown dueAt={v} now={now} />
                {d.deadlinesProvisional && (
                  <Tooltip title={t('disp.provisionalHint')}>
                    <Tag color="gold">{t('disp.provisional')}</Tag>
                  </Tooltip>
                )}
              </>
            ),
        },
      ]}
    />
  );
}

/** The appeal's and the replies' files: thumbnails for photos (click to enlarge), links for the rest. */
function Attachments({ ticket }: { ticket: TicketDetail }) {
  const { t } = useI18n();
  const files = ticketFiles(ticket);
  if (files.length === 0) return null;
  return (
    <Card size="small" title={t('detail.attachments')} style={{ marginBottom: 12 }} data-testid="attachments">
      <Space wrap align="start" size={12}>
        {files.map((f) => {
          const url = attachmentUrl(ticket.id, f.storageKey);
          const from = f.eventType === 'ticket.registered' ? t('detail.attachmentFromAppeal') : t('detail.attachmentFromReply');
          return isThumbnailable(f.mime) ? (
            <figure key={f.storageKey} style={{ margin: 0, width: 104 }} data-testid="attachment-image">
              <Image src={url} alt={f.name} width={104} height={104} style={{ objectFit: 'cover', borderRadius: 4 }} />
              <figcaption style={{ fontSize: 12, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} title={`${f.name} · ${from}`}>
                {f.name}
              </figcaption>
            </figure>
          ) : (
            <a key={f.storageKey} href={url} download={f.name} data-testid="attachment-link" title={from}>
              📎 {f.name} <Typography.Text type="secondary">{formatSize(f.size)}</Typography.Text>
            </a>
          );
        })}
      </Space>
    </Card>
  );
}

/** A named event ("extension approved") says more than the status it lands in ("in progress"). */
export function eventLabel(e: TimelineEntry, t: Translate): string {
  const named = t(`event.${e.type}`);
  if (named !== `event.${e.type}`) return named;
  return e.toStatus ? t(`status.${e.toStatus}`) : e.type;
}

/** The knowledge article an answer cited (直办, or sent by SMS). */
function ArticleLine({ data }: { data?: unknown }) {
  const d = data as { title?: string; articleTitle?: string } | undefined;
  const title = d?.title ?? d?.articleTitle;
  return title ? (
    <div data-testid="timeline-article">
      <Typography.Text type="secondary">《{title}》</Typography.Text>
    </div>
  ) : null;
}

/** A reply's structured fields on its timeline entry (办理结果 · 是否联系市民 and when). */
function ReplyDetailsLine({ data }: { data?: unknown }) {
  const { t, locale } = useI18n();
  const d = (data as { details?: { outcome: string | null; citizenContacted: boolean | null; contactedAt: string | null } | null } | undefined)?.details;
  if (!d) return null;
  const parts = [
    d.outcome ? t('reply.details', { outcome: t(`outcome.${d.outcome}`) }) : null,
    d.citizenContacted === true
      ? t('reply.contacted', { at: d.contactedAt ? formatTime(d.contactedAt, locale) : '—' })
      : d.citizenContacted === false
        ? t('reply.notContacted')
        : null,
  ].filter(Boolean);
  return parts.length ? (
    <div data-testid="reply-details">
      <Typography.Text>{parts.join(' · ')}</Typography.Text>
    </div>
  ) : null;
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
              <ReplyDetailsLine data={e.data} />
              {e.type === 'knowledge.answer_sms_sent' || e.type === 'ticket.answered_directly' ? <ArticleLine data={e.data} /> : null}
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
          <Descriptions.Item label={t('col.title')} span={3}>
            {ticket.title || '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('detail.content')} span={3}>
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }} data-testid="detail-content">
              {ticket.content}
            </Typography.Paragraph>
          </Descriptions.Item>
          <Descriptions.Item label={t('detail.address')} span={3}>
            {ticket.address || '—'}
          </Descriptions.Item>
          {ticket.replyText && (
            <Descriptions.Item label={t('detail.reply')} span={3}>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }} data-testid="detail-reply">
                {ticket.replyText}
              </Typography.Paragraph>
            </Descriptions.Item>
          )}
        </Descriptions>
      </Card>
      <Attachments ticket={ticket} />
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
