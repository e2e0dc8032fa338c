import { Card, List, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../api/endpoints';
import type { TicketSummary } from '../../api/types';
import { useI18n } from '../../i18n';
import { formatTime, StatusTag } from '../../tickets/tags';

/** The caller's earlier tickets (GET /api/tickets?q=<phone>): repeat callers and duplicates show at once. */
export function CallerHistory({ phone }: { phone: string }) {
  const { t, locale } = useI18n();
  const [rows, setRows] = useState<TicketSummary[] | null>(null);
  const digits = phone.replace(/\D/g, '');

  useEffect(() => {
    if (digits.length < 7) {
      setRows(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      api
        .tickets({ q: digits, pageSize: 20 })
        .then((r) => live && setRows(r.data))
        .catch(() => live && setRows([]));
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [digits]);

  if (rows === null) return null;
  return (
    <Card size="small" title={t('reg.previous')} data-testid="caller-history">
      {rows.length === 0 ? (
        <Typography.Text type="secondary">{t('reg.noPrevious')}</Typography.Text>
      ) : (
        <List
          size="small"
          dataSource={rows}
          renderItem={(r) => (
            <List.Item>
              <Link to={`/agent/tickets/${r.id}`}>{r.number}</Link> <StatusTag status={r.status} />
              <Typography.Text type="secondary" ellipsis style={{ maxWidth: 160 }}>
                {r.title || formatTime(r.createdAt, locale)}
              </Typography.Text>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
