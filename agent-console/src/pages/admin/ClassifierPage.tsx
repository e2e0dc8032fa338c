import { App, Button, Card, Col, Row, Statistic, Table, Typography } from 'antd';
import { useMemo } from 'react';
import { errorMessage } from '../../api/problem';
import { useI18n } from '../../i18n';
import { Problem } from '../supervisor/reports/parts';
import { useLoad } from '../supervisor/reports/useLoad';
import { adminApi, type ClassifierState } from './api';

type Row = ClassifierState['agreement'][number];

/** 智能分类: the model in use, how often agents kept its first-level suggestion, corrections, and reloading a retrained model. */
export default function ClassifierPage() {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const state = useLoad(() => adminApi.classifier(), []);
  const cats = useLoad(() => adminApi.categories(), []);
  const names = useMemo(() => new Map((cats.data ?? []).map((c) => [c.code, c.name])), [cats.data]);
  const rows = state.data?.agreement ?? [];
  const confirmed = rows.reduce((s, r) => s + r.confirmed, 0);
  const corrected = rows.reduce((s, r) => s + r.corrected, 0);
  const reload = async () => {
    try {
      const r = await adminApi.reloadClassifier();
      message.success(t('admin.clf.reloaded', { v: r.modelVersion }));
      state.reload();
    } catch (e) {
      message.error(errorMessage(e, locale));
    }
  };
  return (
    <Card
      size="small"
      title={t('admin.clf.title')}
      data-testid="admin-classifier"
      extra={
        <Button onClick={() => void reload()} data-testid="clf-reload">
          {t('admin.clf.reload')}
        </Button>
      }
    >
      <Problem error={state.error} />
      <Row gutter={12} style={{ marginBottom: 12 }}>
        <Col xs={24} md={8}>
          <Statistic
            title={t('admin.clf.version')}
            value={state.data?.modelVersion ?? t('admin.clf.none')}
            valueStyle={{ fontSize: 18 }}
            data-testid="clf-version"
          />
        </Col>
        <Col xs={12} md={5}>
          <Statistic title={t('admin.clf.confirmed')} value={confirmed} />
        </Col>
        <Col xs={12} md={5}>
          <Statistic title={t('admin.clf.corrections')} value={corrected} data-testid="clf-corrections" />
        </Col>
        <Col xs={24} md={6}>
          <Statistic
            title={t('admin.clf.agreement')}
            value={confirmed ? `${(((confirmed - corrected) / confirmed) * 100).toFixed(1)}%` : '—'}
            data-testid="clf-agreement"
          />
        </Col>
      </Row>
      <Typography.Paragraph type="secondary">{t('admin.clf.hint')}</Typography.Paragraph>
      <Table<Row>
        size="small"
        rowKey={(r) => `${r.month}-${r.category}`}
        pagination={{ pageSize: 30, hideOnSinglePage: true }}
        dataSource={rows}
        loading={state.loading}
        columns={[
          { title: t('admin.clf.month'), dataIndex: 'month' },
          { title: t('admin.clf.category'), dataIndex: 'category', render: (c: string) => `${names.get(c) ?? ''} ${c ?? ''}` },
          { title: t('admin.clf.confirmed'), dataIndex: 'confirmed', align: 'right' },
          { title: t('admin.clf.corrections'), dataIndex: 'corrected', align: 'right' },
          { title: t('admin.clf.agreement'), dataIndex: 'agreement', align: 'right', render: (a: number) => `${(a * 100).toFixed(1)}%` },
        ]}
      />
    </Card>
  );
}
