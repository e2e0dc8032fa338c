import { List, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { api } from '../../api/endpoints';
import { useI18n } from '../../i18n';
import { formatTime, StatusTag } from '../../tickets/tags';
import { SideListCard } from '../../tickets/SideListCard';
import { useDebouncedList } from '../../tickets/useDebouncedList';

/** The caller's earlier tickets (GET /api/tickets?q=<phone>): repeat callers and duplicates show at once. */
export function CallerHistory({ phone }: { phone: string }) {
  const { t, locale } = useI18n();
  const digits = phone.replace(/\D/g, '');
  const rows = useDebouncedList(digits.length < 7 ? null : digits, 300, () => api.tickets({ q: digits, pageSize: 20 }).then((r) => r.data));

  if (rows === null) return null;
  return (
    <SideListCard
      title={t('reg.previous')}
      testId="caller-history"
      rows={rows}
      empty={t('reg.noPrevious')}
      renderItem={(r) => (
        <List.Item>
          <Link to={`/agent/tickets/${r.id}`}>{r.number}</Link> <StatusTag status={r.status} />
          <Typography.Text type="secondary" ellipsis style={{ maxWidth: 160 }}>
            {r.title || formatTime(r.createdAt, locale)}
          </Typography.Text>
        </List.Item>
      )}
    />
  );
}
