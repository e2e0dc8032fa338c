import { Card, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { useI18n } from '../i18n';
import { Countdown, useNow } from '../tickets/tags';
import { supervisionApi, type SupervisionCase, type SupervisionReportRow } from './api';

/** 督办 / 催办 for the supervisor: each unit's counts (GET /api/reports/supervision) and the cases still open. */
export default function SupervisionPage() {
  const { t } = useI18n();
  const now = useNow();
  const [rows, setRows] = useState<SupervisionReportRow[]>([]);
  const [open, setOpen] = useState<SupervisionCase[]>([]);
  useEffect(() => {
    supervisionApi.report().then(
      (r) => setRows(r.data),
      () => setRows([]),
    );
    supervisionApi.list('open').then(
      (r) => setOpen(r.data),
      () => setOpen([]),
    );
  }, []);
  const n = (k: keyof SupervisionReportRow) => ({ title: t(`sv.rep.${k}`), dataIndex: k, align: 'right' as const });
  return (
    <Space direction="vertical" style={{ width: '100%' }} size={12}>
      <Card size="small" title={t('sv.rep.title')}>
        <Table<SupervisionReportRow>
          size="small"
          rowKey="unitId"
          pagination={false}
          dataSource={rows}
          data-testid="sv-report"
          columns={[
            { title: t('col.unit'), dataIndex: 'unitName' },
            n('urges'),
            n('supervisionsBySupervisor'),
            n('supervisionsBySystem'),
            n('responded'),
            n('respondedLate'),
            n('open'),
            n('openOverdue'),
            n('firstResponseDue'),
            n('firstResponseOverdue'),
          ]}
        />
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          {t('sv.rep.help')}
        </Typography.Paragraph>
      </Card>
      <Card size="small" title={t('sv.openCases')}>
        <Table<SupervisionCase>
          size="small"
          rowKey="id"
          pagination={{ pageSize: 20 }}
          dataSource={open}
          data-testid="sv-open"
          columns={[
            { title: t('col.number'), dataIndex: 'ticketNumber', render: (v: string, c) => <Link to={`/agent/tickets/${c.ticketId}`}>{v}</Link> },
            {
              title: t('sv.kind'),
              dataIndex: 'kind',
              render: (k: string, c) => (
                <Space size={4}>
                  <Tag>{t(`sv.kind.${k}`)}</Tag>
                  <Tag>{t(`sv.source.${c.source}`)}</Tag>
                </Space>
              ),
            },
            { title: t('col.unit'), dataIndex: 'unitName' },
            { title: t('sv.reason'), dataIndex: 'reason', render: (r: string | null) => r ?? t('sv.systemReason') },
            { title: t('sv.responseDue'), dataIndex: 'responseDueAt', render: (v: string | null) => <Countdown dueAt={v} now={now} /> },
          ]}
        />
      </Card>
    </Space>
  );
}
