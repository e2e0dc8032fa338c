import { Alert, Button, Card, Switch, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, type UnitCopy } from '../../api/endpoints';
import { ApiError, problemMessage } from '../../api/problem';
import { useI18n } from '../../i18n';
import { useLiveQuery } from '../../realtime/useLiveQuery';

/** 抄送: tickets the unit is told about. A notice to read and acknowledge, not work: no deadline, no reply. */
export function UnitCopies() {
  const { t, locale } = useI18n();
  const navigate = useNavigate();
  const [unread, setUnread] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const list = useLiveQuery(() => api.unitCopies(unread).then((r) => r.data), [unread], { throttleMs: 1000 });
  const markRead = async (c: UnitCopy) => {
    try {
      await api.readCopy(c.id);
      setError(null);
      list.reload();
    } catch (e) {
      setError(e instanceof ApiError ? problemMessage(e.problem, locale) : String(e));
    }
  };
  return (
    <Card
      size="small"
      title={t('copies.title')}
      extra={
        <Space>
          <Typography.Text type="secondary">{t('copies.unreadOnly')}</Typography.Text>
          <Switch checked={unread} onChange={setUnread} aria-label={t('copies.unreadOnly')} data-testid="copies-unread" />
        </Space>
      }
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 8 }} />}
      <Table<UnitCopy>
        size="small"
        rowKey="id"
        data-testid="copies-table"
        loading={list.loading && !list.data}
        dataSource={list.data ?? []}
        pagination={false}
        locale={{ emptyText: t('copies.empty') }}
        columns={[
          {
            title: t('copies.number'),
            dataIndex: 'number',
            render: (v: string, c) => (
              <a
                href={`/unit/tickets/${c.ticketId}`}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(`/unit/tickets/${c.ticketId}`);
                }}
              >
                {v}
              </a>
            ),
          },
          { title: t('copies.ticketTitle'), dataIndex: 'title' },
          { title: t('copies.lead'), dataIndex: 'leadUnitName' },
          { title: t('copies.note'), dataIndex: 'note' },
          { title: t('copies.copiedAt'), dataIndex: 'copiedAt', render: (v: string) => new Date(v).toLocaleString(locale) },
          {
            title: t('copies.read'),
            dataIndex: 'readAt',
            render: (v: string | null, c) =>
              v ? (
                <Tag color="green">{t('copies.readDone')}</Tag>
              ) : (
                <Button size="small" onClick={() => void markRead(c)} data-testid="copy-mark-read">
                  {t('copies.markRead')}
                </Button>
              ),
          },
        ]}
      />
    </Card>
  );
}
