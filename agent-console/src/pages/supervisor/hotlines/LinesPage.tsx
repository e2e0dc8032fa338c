import { Alert, App, Button, Card, Col, Form, Input, Modal, Row, Select, Space, Statistic, Switch, Table, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import { errorMessage } from '../../../api/problem';
import { useI18n } from '../../../i18n';
import { useAuth } from '../../../shell/auth';
import { lastDays } from '../reports/format';
import { PeriodPicker, Problem } from '../reports/parts';
import { useLoad } from '../reports/useLoad';
import { hotlinesApi, LINE_MODES, minutesSeconds, type HotlineLine } from './api';

const EDITABLE = ['name', 'mode', 'replacedDepartment', 'defaultCategoryCode', 'defaultUnitCode', 'reportingTag', 'announcement', 'active'] as const;
const MODE_COLOURS: Record<string, string> = { main: 'blue', merged: 'geekblue', kept: 'purple', linked: 'red', cancelled: 'default' };

/**
 * 热线号码表: 12345 and the department numbers folded into it (撤并保号, 保留对接, 联动对接, 直接取消),
 * what each presets at the agent desk, and calls/tickets per line plus emergency transfer times.
 * Administrators edit the table (a row, or the whole table from a spreadsheet); supervisors read it.
 */
export default function LinesPage() {
  const { t, locale } = useI18n();
  const { user } = useAuth();
  const isAdmin = user?.role === 'admin';
  const { message } = App.useApp();
  const [period, setPeriod] = useState(() => lastDays(30));
  const lines = useLoad(() => hotlinesApi.lines(), []);
  const report = useLoad(() => hotlinesApi.lineReport(period.from, period.to), [period.from, period.to]);
  const figures = useLoad(() => hotlinesApi.linkageFigures(period.from, period.to), [period.from, period.to]);
  const platforms = useLoad(() => hotlinesApi.platformFigures(period.from, period.to), [period.from, period.to]);
  const [csv, setCsv] = useState('');
  const [importError, setImportError] = useState<string | null>(null);
  const [editing, setEditing] = useState<HotlineLine | null>(null);
  const [form] = Form.useForm();

  const doImport = async () => {
    setImportError(null);
    try {
      const r = await hotlinesApi.importCsv(csv);
      message.success(t('hotline.imported', r));
      setCsv('');
      lines.reload();
    } catch (e) {
      setImportError(errorMessage(e, locale));
    }
  };
  const save = async () => {
    const v = form.getFieldsValue(true) as Record<string, unknown>;
    // Only the editable fields: the server refuses keys it does not know (modeName, the unit's name…).
    const body = Object.fromEntries(EDITABLE.map((k) => [k, k === 'active' ? v[k] !== false : (v[k] as string | null) || null]));
    try {
      await hotlinesApi.saveLine(editing!.number, body);
      setEditing(null);
      lines.reload();
    } catch (e) {
      message.error(errorMessage(e, locale));
    }
  };
  const fig = figures.data;

  return (
    <Space direction="vertical" style={{ width: '100%' }} size={12}>
      <Card
        size="small"
        title={t('hotline.lines')}
        data-testid="hotline-lines"
        extra={
          isAdmin && (
            <a href={hotlinesApi.exportUrl} data-testid="hotline-export">
              {t('hotline.export')}
            </a>
          )
        }
      >
        <Problem error={lines.error} />
        <Table<HotlineLine>
          size="small"
          rowKey="number"
          pagination={false}
          dataSource={lines.data ?? []}
          loading={lines.loading}
          columns={[
            { title: t('hotline.number'), dataIndex: 'number' },
            { title: t('hotline.name'), dataIndex: 'name' },
            { title: t('hotline.mode'), dataIndex: 'mode', render: (m: string) => <Tag color={MODE_COLOURS[m]}>{t(`hotline.mode.${m}`)}</Tag> },
            { title: t('hotline.dept'), dataIndex: 'replacedDepartment', render: (v) => v ?? '—' },
            { title: t('hotline.defaultCategory'), key: 'cat', render: (_, l) => l.defaultCategoryName ?? l.defaultCategoryCode ?? '—' },
            { title: t('hotline.defaultUnit'), key: 'unit', render: (_, l) => l.defaultUnitName ?? '—' },
            { title: t('hotline.tag'), dataIndex: 'reportingTag', render: (v) => v ?? '—' },
            { title: t('hotline.announcement'), dataIndex: 'announcement', render: (v) => v ?? '—' },
            { title: t('hotline.active'), dataIndex: 'active', render: (v: boolean) => (v ? '✓' : '—') },
            ...(isAdmin
              ? [
                  {
                    title: '',
                    key: 'edit',
                    render: (_: unknown, l: HotlineLine) => (
                      <Button
                        size="small"
                        data-testid={`hotline-edit-${l.number}`}
                        onClick={() => {
                          form.setFieldsValue(l);
                          setEditing(l);
                        }}
                      >
                        {t('hotline.edit')}
                      </Button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>

      {isAdmin && (
        <Card size="small" title={t('hotline.import')}>
          <Typography.Paragraph type="secondary">{t('hotline.importHint')}</Typography.Paragraph>
          <Space direction="vertical" style={{ width: '100%' }}>
            <Upload
              accept=".csv,text/csv"
              showUploadList={false}
              beforeUpload={(f) => {
                void f.text().then(setCsv);
                return false;
              }}
            >
              <Button>CSV…</Button>
            </Upload>
            <Input.TextArea rows={5} value={csv} onChange={(e) => setCsv(e.target.value)} aria-label={t('hotline.import')} data-testid="hotline-csv" />
            {importError && <Alert type="error" showIcon message={importError} data-testid="hotline-import-error" />}
            <Button type="primary" disabled={!csv.trim()} onClick={() => void doImport()} data-testid="hotline-import">
              {t('hotline.import')}
            </Button>
          </Space>
        </Card>
      )}

      <PeriodPicker value={period} onChange={setPeriod} />
      <Row gutter={12}>
        <Col xs={24} lg={14}>
          <Card size="small" title={t('hotline.report')} data-testid="hotline-report">
            <Problem error={report.error} />
            <Table
              size="small"
              rowKey="number"
              pagination={false}
              dataSource={report.data ?? []}
              loading={report.loading}
              columns={[
                { title: t('hotline.number'), dataIndex: 'number' },
                {
                  title: t('hotline.name'),
                  key: 'name',
                  render: (_, r) => r.name ?? <Typography.Text type="secondary">{t('hotline.unknown')}</Typography.Text>,
                },
                { title: t('hotline.mode'), dataIndex: 'modeName', render: (v) => v ?? '—' },
                { title: t('hotline.tag'), dataIndex: 'reportingTag', render: (v) => v ?? '—' },
                { title: t('hotline.calls'), dataIndex: 'callsOffered', align: 'right' },
                { title: t('hotline.answered'), dataIndex: 'callsAnswered', align: 'right' },
                { title: t('hotline.tickets'), dataIndex: 'tickets', align: 'right' },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('linkage.figures')} data-testid="linkage-figures">
            <Problem error={figures.error} />
            <Row gutter={8}>
              <Col span={8}>
                <Statistic title={t('linkage.total')} value={fig?.total ?? '—'} />
              </Col>
              <Col span={16}>
                <Statistic title={t('linkage.withinTarget')} value={fig?.withinTargetRate == null ? '—' : `${(fig.withinTargetRate * 100).toFixed(1)}%`} />
              </Col>
            </Row>
            <Table
              size="small"
              rowKey="line"
              pagination={false}
              dataSource={fig?.byLine ?? []}
              style={{ marginTop: 8 }}
              columns={[
                { title: t('linkage.line'), dataIndex: 'line', render: (l: string) => t(`line.${l}`) },
                { title: t('linkage.total'), dataIndex: 'transfers', align: 'right' },
                { title: t('linkage.median'), dataIndex: 'medianTransferSeconds', render: (s: number | null) => (s == null ? '—' : minutesSeconds(s)) },
                { title: t('linkage.ackRate'), dataIndex: 'acknowledged', align: 'right' },
                { title: t('linkage.open'), dataIndex: 'open', align: 'right' },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <Card size="small" title={t('platform.figures')} data-testid="platform-figures" style={{ marginTop: 12 }}>
        <Problem error={platforms.error} />
        <Table
          size="small"
          rowKey="peerId"
          pagination={false}
          dataSource={platforms.data ?? []}
          loading={platforms.loading}
          columns={[
            {
              title: t('platform.platform'),
              dataIndex: 'platformUnit',
              render: (v: string, r: { connected: boolean; unconfigured: number }) => (
                <Space size={4}>
                  {v}
                  {!r.connected && (
                    <Tag color="red" data-testid="platform-unconfigured">
                      {t('platform.unconfigured', { n: r.unconfigured })}
                    </Tag>
                  )}
                </Space>
              ),
            },
            { title: t('platform.pushed'), dataIndex: 'pushed', align: 'right' },
            { title: t('platform.signed'), dataIndex: 'signed', align: 'right' },
            { title: t('platform.replied'), dataIndex: 'replied', align: 'right' },
            {
              title: t('platform.onTime'),
              dataIndex: 'onTimeReplyRate',
              align: 'right',
              render: (v: number | null) => (v == null ? '—' : `${(v * 100).toFixed(1)}%`),
            },
            { title: t('platform.medianHours'), dataIndex: 'medianReplyHours', align: 'right', render: (v: number | null) => v ?? '—' },
            { title: t('platform.returned'), dataIndex: 'returned', align: 'right' },
            { title: t('platform.closed'), dataIndex: 'closed', align: 'right' },
            { title: t('platform.open'), dataIndex: 'open', align: 'right' },
          ]}
        />
      </Card>

      <Modal
        open={!!editing}
        title={editing ? `${editing.number} ${editing.name}` : ''}
        onCancel={() => setEditing(null)}
        onOk={() => void save()}
        okText={t('hotline.save')}
        destroyOnHidden
      >
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('hotline.name')}>
            <Input />
          </Form.Item>
          <Form.Item name="mode" label={t('hotline.mode')}>
            <Select options={LINE_MODES.map((m) => ({ value: m, label: t(`hotline.mode.${m}`) }))} />
          </Form.Item>
          <Form.Item name="replacedDepartment" label={t('hotline.dept')}>
            <Input />
          </Form.Item>
          <Form.Item name="defaultCategoryCode" label={t('hotline.defaultCategory')}>
            <Input />
          </Form.Item>
          <Form.Item name="defaultUnitCode" label={t('hotline.defaultUnit')}>
            <Input />
          </Form.Item>
          <Form.Item name="reportingTag" label={t('hotline.tag')}>
            <Input />
          </Form.Item>
          <Form.Item name="announcement" label={t('hotline.announcement')}>
            <Input />
          </Form.Item>
          <Form.Item name="active" label={t('hotline.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
