import { App, Alert, Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Switch, Table, Tabs, Tag, Typography } from 'antd';
import type { ButtonProps } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { errorMessage } from '../../api/problem';
import { useI18n } from '../../i18n';
import { Problem } from '../supervisor/reports/parts';
import { useLoad } from '../supervisor/reports/useLoad';
import { adminApi, type HolidayRow, type SlaPolicyRow } from './api';
import { EnterSubmits, FormError } from './parts';

const PRESETS = ['guangdong-2022', 'shanghai-street'];
const APPEAL_TYPES = ['*', 'consult', 'help', 'complaint', 'report', 'suggestion', 'praise', 'other'];
const URGENCIES = ['*', 'normal', 'urgent', 'critical'];
type Limit = { unit: string; value: number } | undefined;

function useLimit() {
  const { t } = useI18n();
  return (l: Limit) => (l ? `${l.value} ${t(`admin.sla.unit.${l.unit}`)}` : '—');
}

function Policies() {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const limit = useLimit();
  const policies = useLoad(() => adminApi.slaPolicies(), []);
  const [editing, setEditing] = useState<SlaPolicyRow | 'new' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [preset, setPreset] = useState(PRESETS[0]);
  const [presetRegion, setPresetRegion] = useState('*');
  const [form] = Form.useForm();
  const any = (v: string, prefix: string) => (v === '*' ? t('admin.sla.any') : t(`${prefix}.${v}`));

  const open = (p: SlaPolicyRow | 'new') => {
    setError(null);
    form.resetFields();
    const base = p === 'new' ? { name: '', regionCode: '*', appealType: '*', urgency: 'normal', active: true, rules: policies.data?.[0]?.rules ?? {} } : p;
    form.setFieldsValue({ ...base, rulesText: JSON.stringify(base.rules, null, 2) });
    setEditing(p);
  };
  const save = async (v: Record<string, unknown>) => {
    setError(null);
    let rules: unknown;
    try {
      rules = JSON.parse(String(v.rulesText));
    } catch {
      form.setFields([{ name: 'rulesText', errors: [t('admin.sla.rulesNotJson')] }]);
      return;
    }
    try {
      await adminApi.savePolicy({ name: v.name, regionCode: v.regionCode, appealType: v.appealType, urgency: v.urgency, rules, active: v.active !== false });
      setEditing(null);
      policies.reload();
    } catch (e) {
      setError(e);
    }
  };
  const apply = async () => {
    try {
      const r = await adminApi.applyPreset(preset, presetRegion.trim() || '*');
      message.success(t('admin.sla.presetApplied', { n: r.applied }));
      policies.reload();
    } catch (e) {
      message.error(errorMessage(e, locale));
    }
  };

  return (
    <Card
      size="small"
      title={t('admin.sla.policies')}
      data-testid="sla-policies"
      extra={
        <Button type="primary" size="small" onClick={() => open('new')} data-testid="sla-new">
          {t('admin.sla.new')}
        </Button>
      }
    >
      <Problem error={policies.error} />
      <Space wrap style={{ marginBottom: 12 }}>
        <span>{t('admin.sla.preset')}</span>
        <Select
          value={preset}
          onChange={setPreset}
          style={{ width: 260 }}
          data-testid="sla-preset"
          options={PRESETS.map((p) => ({ value: p, label: t(`admin.sla.preset.${p}`) }))}
        />
        <Input
          value={presetRegion}
          onChange={(e) => setPresetRegion(e.target.value)}
          style={{ width: 120 }}
          aria-label={t('admin.sla.region')}
          addonBefore={t('admin.sla.region')}
        />
        <Popconfirm title={t('admin.sla.presetConfirm')} onConfirm={() => void apply()} okText={t('admin.confirm')}>
          <Button data-testid="sla-preset-apply">{t('admin.sla.presetApply')}</Button>
        </Popconfirm>
      </Space>
      <Table<SlaPolicyRow>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={policies.data ?? []}
        loading={policies.loading}
        columns={[
          { title: t('admin.sla.name'), dataIndex: 'name' },
          { title: t('admin.sla.region'), dataIndex: 'regionCode', render: (v: string) => (v === '*' ? t('admin.sla.any') : v) },
          { title: t('admin.sla.appealType'), dataIndex: 'appealType', render: (v: string) => any(v, 'type') },
          { title: t('admin.sla.urgency'), dataIndex: 'urgency', render: (v: string) => any(v, 'urgency') },
          { title: t('admin.sla.sign'), key: 'sign', render: (_, p) => limit(p.rules.signLimit as Limit) },
          { title: t('admin.sla.reply'), key: 'reply', render: (_, p) => <strong>{limit(p.rules.replyLimit as Limit)}</strong> },
          { title: t('admin.sla.extensions'), key: 'ext', render: (_, p) => String(p.rules.maxExtensions ?? '—') },
          {
            title: t('admin.sla.reminder'),
            key: 'rem',
            render: (_, p) => (typeof p.rules.reminderShare === 'number' ? `${Math.round(p.rules.reminderShare * 100)}%` : '—'),
          },
          {
            title: t('admin.active'),
            dataIndex: 'active',
            render: (a: boolean) => (a ? <Tag color="green">{t('admin.active.on')}</Tag> : <Tag>{t('admin.active.off')}</Tag>),
          },
          {
            title: '',
            key: 'edit',
            render: (_, p) => (
              <Button size="small" onClick={() => open(p)} data-testid={`sla-edit-${p.appealType}-${p.urgency}-${p.regionCode}`}>
                {t('admin.edit')}
              </Button>
            ),
          },
        ]}
      />
      <Modal
        open={!!editing}
        destroyOnHidden
        width={640}
        title={editing === 'new' ? t('admin.sla.new') : t('admin.edit')}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        okText={t('admin.save')}
        okButtonProps={{ 'data-testid': 'sla-save' } as ButtonProps}
      >
        <FormError error={error} testId="sla-error" />
        <Form form={form} layout="vertical" onFinish={(v) => void save(v)} onValuesChange={() => setError(null)}>
          <Form.Item name="name" label={t('admin.sla.name')} rules={[{ required: true, max: 100 }]}>
            <Input autoFocus data-testid="sla-name" />
          </Form.Item>
          <Space wrap>
            <Form.Item
              name="regionCode"
              label={t('admin.sla.region')}
              rules={[{ required: true, pattern: /^(\*|\d{6,12})$/, message: t('admin.sla.regionBad') }]}
            >
              <Input style={{ width: 140 }} />
            </Form.Item>
            <Form.Item name="appealType" label={t('admin.sla.appealType')}>
              <Select style={{ width: 150 }} options={APPEAL_TYPES.map((v) => ({ value: v, label: any(v, 'type') }))} />
            </Form.Item>
            <Form.Item name="urgency" label={t('admin.sla.urgency')}>
              <Select style={{ width: 130 }} options={URGENCIES.map((v) => ({ value: v, label: any(v, 'urgency') }))} />
            </Form.Item>
          </Space>
          <Form.Item name="rulesText" label={t('admin.sla.rules')} extra={t('admin.sla.rulesHint')}>
            <Input.TextArea rows={12} style={{ fontFamily: 'monospace' }} data-testid="sla-rules" />
          </Form.Item>
          <Form.Item name="active" label={t('admin.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
          <EnterSubmits />
        </Form>
      </Modal>
    </Card>
  );
}

/**
 * One year of the State Council's holiday notice (法定节假日 and 调休上班). The year after the last
 * one loaded is counted Monday–Friday and its deadlines marked provisional until it is loaded
 * (server/sla/centre-calendar.ts); the tab says so.
 */
function HolidayYear({ year, provisional, onSaved }: { year: number; provisional: boolean; onSaved: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const loaded = useLoad(() => adminApi.holidays(year), [year]);
  const [rows, setRows] = useState<HolidayRow[]>([]);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => setRows(loaded.data ?? []), [loaded.data]);
  const issues = (error as { problem?: { issues?: { code: string; date: string }[] } } | null)?.problem?.issues ?? [];
  const set = (i: number, patch: Partial<HolidayRow>) => setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const save = async () => {
    setError(null);
    try {
      const r = await adminApi.saveHolidays(
        year,
        rows.filter((x) => x.date || x.name),
      );
      message.success(t('admin.holidays.saved', { n: r.rows }));
      loaded.reload();
      onSaved();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div data-testid={`holidays-${year}`}>
      {provisional && rows.length === 0 && (
        <Alert type="warning" showIcon style={{ marginBottom: 12 }} data-testid="holidays-provisional" message={t('admin.holidays.provisional', { year })} />
      )}
      <Table<HolidayRow & { i: number }>
        size="small"
        rowKey="i"
        pagination={false}
        loading={loaded.loading}
        dataSource={rows.map((r, i) => ({ ...r, i }))}
        onRow={(r) => (issues.some((x) => x.date === r.date) ? ({ style: { background: '#fff1f0' }, 'aria-invalid': true } as object) : {})}
        columns={[
          {
            title: t('admin.holidays.date'),
            key: 'date',
            render: (_, r) => (
              <Input
                type="date"
                size="small"
                value={r.date}
                aria-label={t('admin.holidays.date')}
                onChange={(e) => set(r.i, { date: e.target.value })}
                data-testid={`holiday-date-${r.i}`}
              />
            ),
          },
          {
            title: t('admin.holidays.kind'),
            key: 'kind',
            render: (_, r) => (
              <Select
                size="small"
                value={r.kind}
                style={{ width: 150 }}
                onChange={(k) => set(r.i, { kind: k })}
                aria-label={t('admin.holidays.kind')}
                data-testid={`holiday-kind-${r.i}`}
                options={[
                  { value: 'holiday', label: t('admin.holidays.kind.holiday') },
                  { value: 'workday', label: t('admin.holidays.kind.workday') },
                ]}
              />
            ),
          },
          {
            title: t('admin.holidays.name'),
            key: 'name',
            render: (_, r) => (
              <Input
                size="small"
                value={r.name}
                aria-label={t('admin.holidays.name')}
                onChange={(e) => set(r.i, { name: e.target.value })}
                data-testid={`holiday-name-${r.i}`}
              />
            ),
          },
          {
            title: '',
            key: 'rm',
            render: (_, r) => (
              <Button size="small" onClick={() => setRows((rs) => rs.filter((_x, j) => j !== r.i))} aria-label={t('admin.remove')}>
                {t('admin.remove')}
              </Button>
            ),
          },
        ]}
      />
      <div style={{ marginTop: 12 }}>
        <FormError error={error} testId="holidays-error" detail={issues.length === 0} />
        {issues.length > 0 && (
          <ul data-testid="holidays-issues" style={{ color: '#cf1322' }}>
            {issues.map((x) => (
              <li key={`${x.code}-${x.date}`}>
                {x.date} {t(`admin.holidays.issue.${x.code}`)}
              </li>
            ))}
          </ul>
        )}
      </div>
      <Space style={{ marginTop: 12 }}>
        <Button onClick={() => setRows((rs) => [...rs, { date: '', kind: 'holiday', name: '' }])} data-testid="holiday-add">
          {t('admin.holidays.add')}
        </Button>
        <Button type="primary" onClick={() => void save()} data-testid="holidays-save">
          {t('admin.holidays.save', { year })}
        </Button>
        <Typography.Text type="secondary">
          {t('admin.holidays.count', { h: rows.filter((r) => r.kind === 'holiday').length, w: rows.filter((r) => r.kind === 'workday').length })}
        </Typography.Text>
      </Space>
      <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
        {t('admin.holidays.hint')}
      </Typography.Paragraph>
    </div>
  );
}

function Holidays() {
  const { t } = useI18n();
  const thisYear = new Date().getFullYear();
  const years = useMemo(() => [thisYear - 1, thisYear, thisYear + 1, thisYear + 2], [thisYear]);
  const [tick, setTick] = useState(0);
  const counts = useLoad(() => Promise.all(years.map((y) => adminApi.holidays(y).then((r) => r.length))), [tick]);
  const lastLoaded = years.filter((_y, i) => (counts.data?.[i] ?? 0) > 0).pop();
  const [active, setActive] = useState(String(thisYear));
  return (
    <Card size="small" title={t('admin.holidays.title')} data-testid="sla-holidays">
      <Tabs
        activeKey={active}
        onChange={setActive}
        items={years.map((y, i) => {
          const n = counts.data?.[i];
          const provisional = lastLoaded !== undefined && y === lastLoaded + 1;
          return {
            key: String(y),
            label: (
              <span data-testid={`holiday-tab-${y}`}>
                {y}{' '}
                {counts.data === undefined ? null : n ? (
                  <Tag color="green">{t('admin.holidays.loaded', { n })}</Tag>
                ) : provisional ? (
                  <Tag color="orange">{t('admin.holidays.provisionalTag')}</Tag>
                ) : (
                  <Tag>{t('admin.holidays.missing')}</Tag>
                )}
              </span>
            ),
            children: <HolidayYear year={y} provisional={provisional} onSaved={() => setTick((x) => x + 1)} />,
          };
        })}
      />
    </Card>
  );
}

/** 时限 (SLA): the policies per region × type × urgency, the shipped presets, and the holiday calendar. */
export default function SlaPage() {
  return (
    <Space direction="vertical" style={{ width: '100%' }} size={12}>
      <Policies />
      <Holidays />
    </Space>
  );
}
