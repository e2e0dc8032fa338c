import { Alert, Button, Card, Form, Input, Modal, Radio, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { errorMessage, problemMessage } from '../api/problem';
import { useI18n } from '../i18n';
import { useLiveQuery } from '../realtime/useLiveQuery';
import { useAuth } from '../shell/auth';
import { Countdown, formatTime, useNow } from '../tickets/tags';
import { feedbackApi, type RectAction, type Rectification, type RectStatus } from './api';
import { allowedRectificationActions, RECT_FIELDS, rectificationBody } from './logic';

const STATUSES: RectStatus[] = ['verifying', 'rectifying', 'contested', 'reported', 'escalated', 'closed'];
const STATUS_COLOR: Record<RectStatus, string> = {
  verifying: 'blue',
  rectifying: 'orange',
  contested: 'purple',
  reported: 'cyan',
  escalated: 'red',
  closed: 'default',
};

/**
 * 差评整改 cases by state, with the actions the server's transition table allows this role.
 * The centre sees every unit's cases; the server gives a clerk only their own unit's.
 */
export function RectificationList({ firstTab, testId }: { firstTab: RectStatus | 'all'; testId: string }) {
  const { t, locale } = useI18n();
  const { user } = useAuth();
  const now = useNow();
  const [tab, setTab] = useState<RectStatus | 'all'>(firstTab);
  const [acting, setActing] = useState<{ rect: Rectification; action: RectAction } | null>(null);
  // The table changes with a deploy, not with tickets: reload it on reconnect only.
  const transitions = useLiveQuery(() => feedbackApi.transitions(), [], { concerns: () => false });
  const list = useLiveQuery(() => feedbackApi.rectifications(tab === 'all' ? undefined : tab), [tab], { throttleMs: 1000 });
  const error = list.error ?? transitions.error;

  return (
    <Card
      size="small"
      title={t('feedback.rect.title')}
      extra={
        <Button size="small" onClick={list.reload}>
          {t('app.refresh')}
        </Button>
      }
      data-testid={testId}
    >
      <Tabs
        activeKey={tab}
        onChange={(k) => setTab(k as RectStatus | 'all')}
        items={[...STATUSES, 'all' as const].map((s) => ({ key: s, label: t(`feedback.rect.status.${s}`) }))}
      />
      {error && <Alert type="error" showIcon message={problemMessage(error.problem, locale)} style={{ marginBottom: 8 }} />}
      <Table<Rectification>
        size="small"
        rowKey="id"
        data-testid="rect-table"
        loading={list.loading && !list.data}
        dataSource={list.data?.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        expandable={{ expandedRowRender: (r) => <CaseNotes rect={r} />, rowExpandable: () => true }}
        columns={[
          { title: t('feedback.ticket'), dataIndex: 'ticketNumber', render: (v: string) => <span data-testid="rect-number">{v}</span> },
          { title: t('feedback.rect.subject'), dataIndex: 'ticketTitle', ellipsis: true },
          { title: t('feedback.rating'), dataIndex: 'score', render: (v: number | null) => (v ? <Tag color="red">{t(`feedback.score.${v}`)}</Tag> : '—') },
          { title: t('feedback.unit'), dataIndex: 'unitName', render: (v: string | null) => v ?? '—' },
          {
            title: t('feedback.rect.state'),
            dataIndex: 'status',
            render: (v: RectStatus, r) => (
              <Space size={2} wrap>
                <Tag color={STATUS_COLOR[v]} data-testid="rect-status" data-status={v}>
                  {t(`feedback.rect.status.${v}`)}
                </Tag>
                {(r.round ?? 1) > 1 && <Tag data-testid="rect-round">{t('feedback.rect.round', { n: r.round ?? 1 })}</Tag>}
                {r.overdue && <Tag color="red">{t('flag.overdue')}</Tag>}
                {r.outcome && <Tag data-testid="rect-outcome">{t(`feedback.rect.outcome.${r.outcome}`)}</Tag>}
              </Space>
            ),
          },
          {
            title: t('feedback.due'),
            dataIndex: 'dueAt',
            render: (v: string | null, r) => (r.status === 'closed' ? formatTime(r.closedAt, locale) : v ? <Countdown dueAt={v} now={now} /> : '—'),
          },
          {
            title: t('feedback.actions'),
            render: (_, r) => {
              const actions = allowedRectificationActions(transitions.data?.data, user?.role, r.status);
              return actions.length ? (
                <Space size={4} wrap>
                  {actions.map((a) => (
                    <Button
                      key={a}
                      size="small"
                      type={a === 'dismiss' || a === 'contest' ? 'default' : 'primary'}
                      onClick={() => setActing({ rect: r, action: a })}
                      data-testid={`rect-action-${a}`}
                    >
                      {t(`feedback.rect.action.${a}`)}
                    </Button>
                  ))}
                </Space>
              ) : (
                <Typography.Text type="secondary">—</Typography.Text>
              );
            },
          },
        ]}
      />
      {acting && <ActionDialog {...acting} onClose={() => setActing(null)} onDone={() => (setActing(null), list.reload())} />}
    </Card>
  );
}

function CaseNotes({ rect }: { rect: Rectification }) {
  const { t } = useI18n();
  const rows = [
    ['feedback.rect.comment', rect.comment],
    ['feedback.rect.verifyNote', rect.verifyNote],
    ['feedback.rect.contestReason', rect.contestReason],
    ['feedback.rect.reportText', rect.reportText],
    ['feedback.rect.outcomeNote', rect.outcomeNote],
  ].filter(([, v]) => v);
  if (!rows.length) return <Typography.Text type="secondary">{t('app.none')}</Typography.Text>;
  return (
    <Space direction="vertical" size={2}>
      {rows.map(([k, v]) => (
        <div key={k}>
          <Typography.Text strong>{t(k!)}：</Typography.Text>
          {v}
        </div>
      ))}
    </Space>
  );
}

function ActionDialog({ rect, action, onClose, onDone }: { rect: Rectification; action: RectAction; onClose: () => void; onDone: () => void }) {
  const { t, locale } = useI18n();
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    const out = rectificationBody(action, form.getFieldsValue());
    if ('missing' in out) {
      form.setFields(out.missing.map((name) => ({ name, errors: [t('v.required')] })));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await feedbackApi.actOnRectification(rect.id, action, out.body);
      onDone();
    } catch (e) {
      setError(errorMessage(e, locale));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={`${t(`feedback.rect.action.${action}`)} · ${rect.ticketNumber ?? ''}`}
      onCancel={onClose}
      onOk={() => void submit()}
      confirmLoading={busy}
      okText={t('app.ok')}
      cancelText={t('app.cancel')}
      okButtonProps={{ ...({ 'data-testid': 'rect-confirm' } as Record<string, string>) }}
    >
      <Typography.Paragraph type="secondary">{t(`feedback.rect.help.${action}`)}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={() => void submit()}>
        {RECT_FIELDS[action].map((f) => (
          <Form.Item key={f.name} name={f.name} label={t(`feedback.rect.field.${f.name}`)} required={f.required}>
            {f.kind === 'satisfied' ? (
              <Radio.Group
                options={[
                  { value: true, label: t('feedback.rect.satisfied.yes') },
                  { value: false, label: t('feedback.rect.satisfied.no') },
                ]}
                data-testid="rect-field-citizenSatisfied"
              />
            ) : (
              <Input.TextArea
                rows={3}
                autoFocus
                data-testid={`rect-field-${f.name}`}
                onKeyDown={(e) => e.key === 'Enter' && (e.ctrlKey || e.metaKey) && void submit()}
              />
            )}
          </Form.Item>
        ))}
      </Form>
      {error && <Alert type="error" showIcon message={error} data-testid="rect-error" />}
    </Modal>
  );
}
