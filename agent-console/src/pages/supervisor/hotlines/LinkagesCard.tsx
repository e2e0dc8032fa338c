import { App, Button, Card, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { errorMessage } from '../../../api/problem';
import { useI18n } from '../../../i18n';
import { useLiveQuery } from '../../../realtime/useLiveQuery';
import { FOLLOW_UP_OUTCOMES, hotlinesApi, minutesSeconds, type Linkage } from './api';

type Acting = { linkage: Linkage; kind: 'acknowledge' | 'followUp' } | null;

/** 联动对接 on the wall: transfers to 110/119/120/122 not yet followed up, with who still owes what. */
export function LinkagesCard({ canAct }: { canAct: boolean }) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const q = useLiveQuery(() => hotlinesApi.linkages(), [], { throttleMs: 5000 });
  const [acting, setActing] = useState<Acting>(null);
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    try {
      if (acting!.kind === 'acknowledge') await hotlinesApi.acknowledge(acting!.linkage.id, v.acknowledgedBy, v.note);
      else await hotlinesApi.followUp(acting!.linkage.id, v.outcome, v.note);
      setActing(null);
      q.reload();
    } catch (e) {
      message.error(errorMessage(e, locale));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card size="small" title={t('linkage.title')} data-testid="sup-linkages">
      {(q.data ?? []).length === 0 ? (
        <Typography.Text type="secondary">{t('linkage.none')}</Typography.Text>
      ) : (
        <Table<Linkage>
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={q.data}
          columns={[
            { title: t('col.number'), dataIndex: 'ticketNumber', render: (n: string, r) => <Link to={`/agent/tickets/${r.ticketId}`}>{n}</Link> },
            { title: t('linkage.line'), dataIndex: 'line', render: (l: string) => <Tag color="red">{t(`line.${l}`)}</Tag> },
            { title: t('linkage.centre'), dataIndex: 'targetCentre' },
            {
              title: t('linkage.transferTime'),
              key: 'tt',
              render: (_, r) => (
                <span>
                  {minutesSeconds(r.transferSeconds)} {r.transferLate && <Tag color="orange">{t('linkage.late')}</Tag>}
                </span>
              ),
            },
            {
              title: t('linkage.status'),
              key: 'st',
              render: (_, r) => (
                <span>
                  {t(`linkage.status.${r.status}`)} {r.followUpOverdue && <Tag color="red">{t('linkage.followUpOverdue')}</Tag>}
                </span>
              ),
            },
            ...(canAct
              ? [
                  {
                    title: '',
                    key: 'act',
                    render: (_: unknown, r: Linkage) => (
                      <Space>
                        {r.status === 'transferred' && (
                          <Button
                            size="small"
                            data-testid={`linkage-ack-${r.ticketNumber}`}
                            onClick={() => {
                              form.resetFields();
                              setActing({ linkage: r, kind: 'acknowledge' });
                            }}
                          >
                            {t('linkage.acknowledge')}
                          </Button>
                        )}
                        <Button
                          size="small"
                          data-testid={`linkage-followup-${r.ticketNumber}`}
                          onClick={() => {
                            form.resetFields();
                            setActing({ linkage: r, kind: 'followUp' });
                          }}
                        >
                          {t('linkage.followUp')}
                        </Button>
                      </Space>
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}
      <Modal
        open={!!acting}
        title={acting ? `${acting.linkage.ticketNumber} · ${t(acting.kind === 'acknowledge' ? 'linkage.acknowledge' : 'linkage.followUp')}` : ''}
        onCancel={() => setActing(null)}
        onOk={() => void submit()}
        confirmLoading={busy}
        destroyOnHidden
      >
        {/* Enter in the first field submits: the desk is worked from the keyboard. */}
        <Form form={form} layout="vertical" onFinish={() => void submit()}>
          {acting?.kind === 'acknowledge' ? (
            <Form.Item name="acknowledgedBy" label={t('linkage.acknowledgedBy')} rules={[{ required: true, message: t('v.required') }]}>
              <Input data-testid="linkage-ack-by" autoFocus />
            </Form.Item>
          ) : (
            <Form.Item name="outcome" label={t('linkage.outcome')} rules={[{ required: true, message: t('v.required') }]}>
              <Select data-testid="linkage-outcome" options={FOLLOW_UP_OUTCOMES.map((o) => ({ value: o, label: t(`linkage.outcome.${o}`) }))} />
            </Form.Item>
          )}
          <Form.Item name="note" label={t('linkage.note')} rules={acting?.kind === 'followUp' ? [{ required: true, message: t('v.required') }] : []}>
            <Input.TextArea rows={3} data-testid="linkage-note" />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
