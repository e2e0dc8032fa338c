import { Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useCallback, useMemo } from 'react';
import type { TicketSummary } from '../api/types';
import { useI18n } from '../i18n';
import { Countdown, FlagTags, formatTime, StatusTag } from './tags';

interface Props {
  rows: TicketSummary[];
  loading: boolean;
  onOpen: (t: TicketSummary) => void;
  /** Unit clerks care about deadlines first; agents about callers and categories. */
  variant: 'agent' | 'unit';
  height?: number;
}

/**
 * Virtual rows: a busy queue holds hundreds of tickets and a 1,000-row DOM table takes seconds to paint
 * on a desk PC; only the visible rows are rendered.
 */
export function TicketTable({ rows, loading, onOpen, variant, height = 560 }: Props) {
  const { t, locale } = useI18n();
  // Built once per language and variant: countdown cells follow the shared clock themselves, so a tick
  // does not rebuild the columns and re-render every row.
  const columns = useMemo<ColumnsType<TicketSummary>>(() => {
    const cols: ColumnsType<TicketSummary> = [
      {
        title: t('col.number'),
        dataIndex: 'number',
        width: 170,
        render: (n: string, r) => (
          <Typography.Link data-testid="ticket-number" onClick={() => onOpen(r)}>
            {n}
          </Typography.Link>
        ),
      },
      { title: t('col.title'), dataIndex: 'title', width: 260, ellipsis: true, render: (v: string | null) => v || '—' },
      { title: t('col.status'), dataIndex: 'status', width: 120, render: (s: string) => <StatusTag status={s} /> },
      { title: t('col.type'), dataIndex: 'appealType', width: 90, render: (v: string | null) => (v ? t(`type.${v}`) : '—') },
      { title: t('col.urgency'), dataIndex: 'urgency', width: 80, render: (v: string | null) => (v ? t(`urgency.${v}`) : '—') },
    ];
    if (variant === 'agent') {
      cols.push(
        { title: t('col.category'), dataIndex: 'categoryName', width: 140, ellipsis: true, render: (v: string | null) => v || '—' },
        { title: t('col.caller'), key: 'caller', width: 150, render: (_, r) => [r.caller?.name, r.caller?.phone].filter(Boolean).join(' ') || '—' },
        { title: t('col.channel'), dataIndex: 'channel', width: 80, render: (v: string) => t(`channel.${v}`) },
      );
    } else {
      cols.push(
        { title: t('col.caller'), key: 'caller', width: 150, render: (_, r) => [r.caller?.name, r.caller?.phone].filter(Boolean).join(' ') || '—' },
        // Counts down until signed; after that it keeps showing when sign-for was due (the unit's record of it).
        {
          title: t('col.signDue'),
          dataIndex: 'signDueAt',
          width: 150,
          render: (v: string | null | undefined, r) =>
            r.status === 'dispatched' ? <Countdown dueAt={v} /> : v ? <Typography.Text type="secondary">{formatTime(v, locale)}</Typography.Text> : '—',
        },
      );
    }
    cols.push(
      { title: t('col.replyDue'), dataIndex: 'replyDueAt', width: 150, render: (v: string | null) => <Countdown dueAt={v} /> },
      { title: t('col.flags'), key: 'flags', width: 140, render: (_, r) => <FlagTags flags={r.flags} emergency={r.emergency} /> },
      { title: t('col.createdAt'), dataIndex: 'createdAt', width: 170, render: (v: string) => formatTime(v, locale) },
    );
    return cols;
  }, [t, locale, variant, onOpen]);
  // Virtual tables need every column sized; the sum is the scroll width.
  const width = useMemo(() => columns.reduce((sum, c) => sum + (typeof c.width === 'number' ? c.width : 120), 0), [columns]);
  const onRow = useCallback((r: TicketSummary) => ({ onDoubleClick: () => onOpen(r) }), [onOpen]);
  const scroll = useMemo(() => ({ x: width, y: height }), [width, height]);

  return (
    <Table<TicketSummary>
      data-testid="ticket-table"
      rowKey="id"
      size="small"
      virtual
      scroll={scroll}
      pagination={false}
      loading={loading}
      columns={columns}
      dataSource={rows}
      onRow={onRow}
    />
  );
}
