import { App, Button, Card, Form, Input, Modal, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../api/problem';
import type { TicketDetail } from '../api/types';
import { useI18n } from '../i18n';
import { useAuth } from '../shell/auth';
import { Countdown, formatTime, useNow } from '../tickets/tags';
import { supervisionApi, type SupervisionCase } from './api';

type Ask = { kind: 'urge' | 'supervise' | 'feedback' | 'respond' | 'close'; caseId?: string };

/**
 * 催办 / 督办 on a ticket: supervisors (and dispatchers, for urges) raise cases, the unit answers
 * them and gives progress feedback (阶段反馈), the centre closes them. Buttons are ordinary
 * buttons, so Tab reaches them and Enter or Space opens the form; the form's text box takes the
 * focus and Ctrl+Enter sends it.
 */
export function SupervisionPanel({ ticket, onChanged }: { ticket: TicketDetail; onChanged?: () => void }) {
  const { t, locale } = useI18n();
  const { user } = useAuth();
  const { message } = App.useApp();
  const now = useNow();
  const [cases, setCases] = useState<SupervisionCase[]>([]);
  const [ask, setAsk] = useState<Ask | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<{ text: string }>();
  const role = user?.role;
  const centre = role === 'dispatcher' || role === 'supervisor';
  const clerk = role === 'unit_clerk';
  const handling = ['dispatched', 'signed', 'in_progress', 'return_requested', 'extension_requested'].includes(ticket.status);

  const load = useCallback(() => {
    supervisionApi.ofTicket(ticket.id).then(
      (r) => setCases(r.data),
      () => setCases([]),
    );
  }, [ticket.id]);
  // Reload when the ticket moves (a case event bumps its version).
  useEffect(load, [load, ticket.version]);

  const open = (a: Ask) => {
    form.resetFields();
    setError(null);
    setAsk(a);
  };
  const submit = async () => {
    if (!ask) return;
    const text = (form.getFieldValue('text') ?? '').trim();
    if (!text && ask.kind !== 'close') {
      form.setFields([{ name: 'text', errors: [t('sv.textRequired')] }]);
      return;
    }
    setBusy(true);
    try {
      if (ask.kind === 'urge') await supervisionApi.urge(ticket.id, text);
      else if (ask.kind === 'supervise') await supervisionApi.supervise(ticket.id, text);
      else if (ask.kind === 'feedback') await supervisionApi.feedback(ticket.id, text);
      else if (ask.kind === 'respond') await supervisionApi.respond(ask.caseId!, text);
      else await supervisionApi.close(ask.caseId!, text);
      message.success(t('action.done'));
      setAsk(null);
      load();
      onChanged?.();
    } catch (e) {
      setError(errorMessage(e, locale));
    } finally {
      setBusy(false);
    }
  };

  const buttons = [
    centre && handling && { kind: 'urge' as const, label: t('sv.urge') },
    role === 'supervisor' && handling && { kind: 'supervise' as const, label: t('sv.supervise') },
    clerk && handling && { kind: 'feedback' as const, label: t('sv.feedback') },
  ].filter(Boolean) as { kind: Ask['kind']; label: string }[];
  if (cases.length === 0 && buttons.length === 0) return null;

  return (
    <Card
      size="small"
      title={t('sv.title')}
      data-testid="supervision-panel"
      extra={
        <Space wrap>
          {buttons.map((b) => (
            <Button key={b.kind} data-testid={`sv-${b.kind}`} onClick={() => open({ kind: b.kind })}>
              {b.label}
            </Button>
          ))}
        </Space>
      }
    >
      {cases.length === 0 ? (
        <Typography.Text type="secondary">{t('sv.none')}</Typography.Text>
      ) : (
        <Table<SupervisionCase>
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={cases}
          data-testid="sv-cases"
          columns={[
            {
              title: t('sv.kind'),
              dataIndex: 'kind',
              render: (k: string, c) => (
                <Space size={4}>
                  <Tag color={k === 'supervision' ? 'red' : 'orange'}>{t(`sv.kind.${k}`)}</Tag>
                  <Tag>{t(`sv.source.${c.source}`)}</Tag>
                </Space>
              ),
            },
            { title: t('col.unit'), dataIndex: 'unitName' },
            { title: t('sv.reason'), dataIndex: 'reason', render: (r: string | null) => r ?? t('sv.systemReason') },
            {
              title: t('sv.responseDue'),
              dataIndex: 'responseDueAt',
              render: (v: string | null, c) =>
                c.respondedAt ? formatTime(c.respondedAt, locale) : c.status === 'closed' ? '—' : <Countdown dueAt={v} now={now} />,
            },
            {
              title: t('sv.response'),
              dataIndex: 'responseText',
              render: (v: string | null, c) => (
                <>
                  {v ?? '—'} {c.late && <Tag color="red">{t('sv.late')}</Tag>}
                </>
              ),
            },
            { title: t('col.status'), dataIndex: 'status', render: (s: string) => <Tag>{t(`sv.status.${s}`)}</Tag> },
            {
              title: '',
              key: 'act',
              render: (_: unknown, c) => (
                <Space>
                  {clerk && c.status === 'open' && (
                    <Button size="small" data-testid={`sv-respond-${c.id}`} onClick={() => open({ kind: 'respond', caseId: c.id })}>
                      {t('sv.respond')}
                    </Button>
                  )}
                  {centre && c.status !== 'closed' && (
                    <Button size="small" data-testid={`sv-close-${c.id}`} onClick={() => open({ kind: 'close', caseId: c.id })}>
                      {t('sv.close')}
                    </Button>
                  )}
                </Space>
              ),
            },
          ]}
        />
      )}
      <Modal
        open={!!ask}
        title={ask ? t(`sv.${ask.kind}`) : ''}
        onCancel={() => setAsk(null)}
        onOk={submit}
        confirmLoading={busy}
        okText={t('sv.send')}
        cancelText={t('sv.cancel')}
        okButtonProps={{ 'data-testid': 'sv-confirm' } as Record<string, string>}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={submit}>
          <Form.Item name="text" label={ask?.kind === 'close' ? t('sv.closeNote') : t(`sv.text.${ask?.kind ?? 'urge'}`)}>
            <Input.TextArea
              rows={4}
              autoFocus
              data-testid="sv-text"
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit();
              }}
            />
          </Form.Item>
        </Form>
        {error && (
          <Typography.Text type="danger" data-testid="sv-error">
            {error}
          </Typography.Text>
        )}
      </Modal>
    </Card>
  );
}
