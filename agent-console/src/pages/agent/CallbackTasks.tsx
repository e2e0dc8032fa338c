import { Alert, Button, Card, Col, Descriptions, Empty, Input, Radio, Row, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/endpoints';
import { errorMessage, problemMessage } from '../../api/problem';
import type { TicketDetail } from '../../api/types';
import { feedbackApi, type CallbackDetail, type CallbackStatus, type CallbackTask } from '../../feedback/api';
import { needsDecision, outcomeBody, outcomeKey, outcomeSummary, RESULTS, SCORES, type OutcomeForm } from '../../feedback/logic';
import { useI18n } from '../../i18n';
import { useLiveQuery } from '../../realtime/useLiveQuery';
import { Countdown, formatTime, useNow } from '../../tickets/tags';

const TABS: CallbackStatus[] = ['pending', 'done', 'unreachable', 'superseded'];

/** 回访任务: due callbacks, earliest first; the selected one opens with its script and the outcome form. */
export function CallbackTasks() {
  const { t, locale } = useI18n();
  const now = useNow();
  const [status, setStatus] = useState<CallbackStatus>('pending');
  const [selected, setSelected] = useState<string | null>(null);
  // Any ticket invalidate may be a callback answered elsewhere (the SMS link, another agent).
  const list = useLiveQuery(() => feedbackApi.callbacks(status), [status], { throttleMs: 1000 });
  const rows = list.data?.data ?? [];

  return (
    <Row gutter={12}>
      <Col xs={24} lg={11}>
        <Card
          size="small"
          title={t('feedback.cb.title')}
          extra={
            <Button size="small" onClick={list.reload}>
              {t('app.refresh')}
            </Button>
          }
        >
          <Tabs
            activeKey={status}
            onChange={(k) => setStatus(k as CallbackStatus)}
            items={TABS.map((k) => ({ key: k, label: t(`feedback.cb.status.${k}`) }))}
          />
          {list.error && <Alert type="error" showIcon message={problemMessage(list.error.problem, locale)} style={{ marginBottom: 8 }} />}
          <Table<CallbackTask>
            size="small"
            rowKey="id"
            data-testid="callback-table"
            loading={list.loading && !list.data}
            dataSource={rows}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            rowClassName={(r) => (r.id === selected ? 'ant-table-row-selected' : '')}
            onRow={(r) => ({ onClick: () => setSelected(r.id), onKeyDown: (e) => e.key === 'Enter' && setSelected(r.id), tabIndex: 0 })}
            columns={[
              { title: t('feedback.ticket'), dataIndex: 'ticketNumber', render: (v: string) => <span data-testid="callback-number">{v}</span> },
              {
                title: t('feedback.cb.reason'),
                dataIndex: 'reason',
                render: (v: string) => <Tag color={v === 'sample' ? 'default' : 'orange'}>{t(`feedback.cb.reason.${v}`)}</Tag>,
              },
              { title: t('feedback.unit'), render: (_, r) => r.unit?.name ?? '—' },
              { title: t('feedback.cb.attempts'), dataIndex: 'attempts', width: 60 },
              {
                title: t('feedback.due'),
                dataIndex: 'dueAt',
                render: (v: string, r) => (r.status === 'pending' ? <Countdown dueAt={v} now={now} /> : formatTime(r.doneAt, locale)),
              },
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} lg={13}>
        {selected ? (
          <CallbackPanel key={selected} id={selected} onSaved={list.reload} />
        ) : (
          <Card size="small">
            <Empty description={t('feedback.cb.pick')} />
          </Card>
        )}
      </Col>
    </Row>
  );
}

function CallbackPanel({ id, onSaved }: { id: string; onSaved: () => void }) {
  const { t, locale } = useI18n();
  const [detail, setDetail] = useState<CallbackDetail | null>(null);
  const [ticket, setTicket] = useState<TicketDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [form, setForm] = useState<OutcomeForm>({ reached: true });
  const [saved, setSaved] = useState<CallbackTask | null>(null);
  const [busy, setBusy] = useState(false);
  const policy = useLiveQuery(() => feedbackApi.policy(), [], { concerns: () => false });
  const panel = useRef<HTMLDivElement>(null);
  const msg = (e: unknown) => errorMessage(e, locale);

  useEffect(() => {
    feedbackApi
      .callback(id)
      .then(async ({ data }) => {
        setDetail(data);
        setTicket((await api.ticket(data.ticketId)).data);
      })
      .catch((e) => setError(msg(e)));
    panel.current?.focus();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id]);

  const save = async () => {
    const out = outcomeBody(form, policy.data?.data);
    if ('error' in out) {
      setError(t(out.error));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      setSaved((await feedbackApi.recordOutcome(id, out.body)).data);
      onSaved();
    } catch (e) {
      setError(msg(e));
    } finally {
      setBusy(false);
    }
  };

  // Keyboard: the agent is on the phone; digits rate, s/p/u answer, 0 = no answer, Ctrl+Enter saves.
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      if (!saved) void save();
      return;
    }
    const target = e.target as HTMLElement;
    if (
      saved ||
      e.ctrlKey ||
      e.altKey ||
      e.metaKey ||
      target.tagName === 'TEXTAREA' ||
      (target.tagName === 'INPUT' && (target as HTMLInputElement).type === 'text')
    )
      return;
    const change = outcomeKey(e.key);
    if (change) {
      e.preventDefault();
      setForm((f) => ({ ...f, ...change }));
    }
  };

  const done = detail && detail.status !== 'pending';
  const decide = needsDecision(form, policy.data?.data);
  return (
    <Card size="small" title={detail ? `${t('feedback.cb.task')} ${detail.ticketNumber}` : t('app.loading')} data-testid="callback-panel">
      <div ref={panel} tabIndex={-1} onKeyDown={onKeyDown} style={{ outline: 'none' }}>
        {detail && (
          <>
            <Descriptions size="small" column={1} bordered styles={{ label: { width: 110, whiteSpace: 'nowrap' } }}>
              <Descriptions.Item label={t('feedback.cb.phone')}>
                <Typography.Text copyable data-testid="callback-phone">
                  {detail.caller.phone ?? '—'}
                </Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label={t('feedback.due')}>{formatTime(detail.dueAt, locale)}</Descriptions.Item>
              <Descriptions.Item label={t('feedback.cb.summary')}>
                <Typography.Text strong>{ticket?.title ?? ''}</Typography.Text>
                <Typography.Paragraph ellipsis={{ rows: 3, expandable: true }} style={{ marginBottom: 0 }}>
                  {ticket?.content ?? ''}
                </Typography.Paragraph>
              </Descriptions.Item>
              <Descriptions.Item label={t('feedback.cb.reply')}>
                <Typography.Paragraph style={{ marginBottom: 0, whiteSpace: 'pre-wrap' }} data-testid="callback-reply">
                  {ticket?.replyText ?? '—'}
                </Typography.Paragraph>
              </Descriptions.Item>
            </Descriptions>
            <Alert
              type="info"
              style={{ margin: '12px 0' }}
              message={t('feedback.cb.script')}
              description={<span data-testid="callback-script">{detail.script}</span>}
            />
          </>
        )}
        {done && !saved && detail && <Alert type="success" showIcon message={t(outcomeSummary(detail).key, outcomeSummary(detail).vars)} />}
        {detail && !done && !saved && (
          <Space direction="vertical" style={{ width: '100%' }} data-testid="outcome-form">
            <Radio.Group
              value={form.reached ? 'yes' : 'no'}
              onChange={(e) => setForm((f) => ({ ...f, reached: e.target.value === 'yes' }))}
              optionType="button"
              options={[
                { value: 'yes', label: t('feedback.cb.reached') },
                { value: 'no', label: `${t('feedback.cb.noAnswer')} (0)` },
              ]}
              data-testid="outcome-reached"
            />
            {form.reached && (
              <>
                <Radio.Group
                  value={form.result}
                  onChange={(e) => setForm((f) => ({ ...f, result: e.target.value }))}
                  options={RESULTS.map((r) => ({ value: r, label: `${t(`feedback.result.${r}`)} (${r[0]})` }))}
                  data-testid="outcome-result"
                />
                <Radio.Group
                  value={form.score}
                  onChange={(e) => setForm((f) => ({ ...f, score: e.target.value }))}
                  options={SCORES.map((s) => ({ value: s, label: `${t(`feedback.score.${s}`)} (${s})` }))}
                  data-testid="outcome-score"
                />
              </>
            )}
            {decide && (
              <>
                <Radio.Group
                  value={form.decision}
                  onChange={(e) => setForm((f) => ({ ...f, decision: e.target.value }))}
                  options={[
                    { value: 'reopen', label: t('feedback.cb.decision.reopen') },
                    { value: 'close', label: t('feedback.cb.decision.close') },
                  ]}
                  data-testid="outcome-decision"
                />
                {form.decision === 'close' && (
                  <Input.TextArea
                    rows={2}
                    placeholder={t('feedback.cb.decisionReason')}
                    value={form.decisionReason}
                    onChange={(e) => setForm((f) => ({ ...f, decisionReason: e.target.value }))}
                    data-testid="outcome-decision-reason"
                  />
                )}
              </>
            )}
            <Input.TextArea
              rows={2}
              placeholder={t('feedback.note')}
              value={form.note}
              onChange={(e) => setForm((f) => ({ ...f, note: e.target.value }))}
              data-testid="outcome-note"
            />
            <Typography.Text type="secondary">{t('feedback.cb.keys')}</Typography.Text>
            <Button type="primary" onClick={() => void save()} loading={busy} data-testid="outcome-save">
              {t('feedback.cb.save')}
            </Button>
          </Space>
        )}
        {saved && (
          <Alert
            type={saved.decision === 'reopened' ? 'warning' : 'success'}
            showIcon
            data-testid="outcome-next"
            message={t('feedback.cb.saved')}
            description={t(outcomeSummary(saved).key, outcomeSummary(saved).vars)}
          />
        )}
        {error && <Alert type="error" showIcon message={error} style={{ marginTop: 12 }} data-testid="outcome-error" />}
      </div>
    </Card>
  );
}
