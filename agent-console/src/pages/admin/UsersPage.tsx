import { App, Alert, Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import type { ButtonProps } from 'antd';
import { useState } from 'react';
import { errorMessage } from '../../api/problem';
import { useI18n } from '../../i18n';
import { useAuth } from '../../shell/auth';
import { Problem } from '../supervisor/reports/parts';
import { useLoad } from '../supervisor/reports/useLoad';
import { adminApi, ROLES, type AdminUser } from './api';
import { EnterSubmits, FormError } from './parts';

const ROLE_COLOURS: Record<string, string> = { agent: 'blue', dispatcher: 'geekblue', supervisor: 'purple', unit_clerk: 'cyan', admin: 'red' };

/**
 * 用户与角色: accounts, their role and unit, and the security state an administrator acts on —
 * locked after wrong passwords, two-step verification on or off. A new or reset password is made by
 * the server and shown here once; the administrator never types or reads a stored one.
 */
export default function UsersPage() {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const { user: me } = useAuth();
  const users = useLoad(() => adminApi.users(), []);
  const units = useLoad(() => adminApi.units(), []);
  const [editing, setEditing] = useState<AdminUser | 'new' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [secret, setSecret] = useState<{ username: string; password: string } | null>(null);
  const [form] = Form.useForm();
  const role = Form.useWatch('role', form) as string | undefined;

  const open = (u: AdminUser | 'new') => {
    setError(null);
    form.resetFields();
    form.setFieldsValue(u === 'new' ? { role: 'agent', unitId: null, phoneExtension: null, active: true } : u);
    setEditing(u);
  };
  const save = async (v: Record<string, unknown>) => {
    setSaving(true);
    setError(null);
    const body = { displayName: v.displayName, role: v.role, unitId: v.unitId ?? null, phoneExtension: (v.phoneExtension as string | null) || null };
    try {
      if (editing === 'new') {
        const r = await adminApi.createUser({ username: v.username, ...body });
        setSecret({ username: String(v.username).toLowerCase(), password: r.oneTimePassword });
      } else {
        await adminApi.updateUser(editing!.id, { ...body, active: v.active !== false });
        message.success(t('admin.saved'));
      }
      setEditing(null);
      users.reload();
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  const act = async (fn: () => Promise<unknown>, done: string) => {
    try {
      await fn();
      message.success(done);
      users.reload();
    } catch (e) {
      message.error(errorMessage(e, locale));
    }
  };
  const reset = async (u: AdminUser) => {
    try {
      const r = await adminApi.resetPassword(u.id);
      setSecret({ username: u.username, password: r.oneTimePassword });
      users.reload();
    } catch (e) {
      message.error(errorMessage(e, locale));
    }
  };

  return (
    <Card
      size="small"
      title={t('admin.users.title')}
      data-testid="admin-users"
      extra={
        <Button type="primary" size="small" onClick={() => open('new')} data-testid="user-new">
          {t('admin.users.new')}
        </Button>
      }
    >
      <Problem error={users.error} />
      <Typography.Paragraph type="secondary">{t('admin.users.hint')}</Typography.Paragraph>
      <Table<AdminUser>
        size="small"
        rowKey="id"
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        dataSource={users.data ?? []}
        loading={users.loading}
        columns={[
          { title: t('admin.users.username'), dataIndex: 'username', render: (n: string) => <span data-testid={`user-row-${n}`}>{n}</span> },
          { title: t('admin.users.displayName'), dataIndex: 'displayName' },
          {
            title: t('admin.users.role'),
            dataIndex: 'role',
            render: (r: string) => <Tag color={ROLE_COLOURS[r]}>{t(`role.${r}`)}</Tag>,
            filters: ROLES.map((r) => ({ text: t(`role.${r}`), value: r })),
            onFilter: (v, u) => u.role === v,
          },
          { title: t('admin.users.unit'), dataIndex: 'unitName', render: (v) => v ?? '—' },
          { title: t('admin.users.extension'), dataIndex: 'phoneExtension', render: (v) => v ?? '—' },
          {
            title: t('admin.users.state'),
            key: 'state',
            render: (_, u) => (
              <Space size={2} wrap data-testid={`user-state-${u.username}`}>
                {u.active ? <Tag color="green">{t('admin.active.on')}</Tag> : <Tag>{t('admin.users.disabled')}</Tag>}
                {u.lockedUntil && <Tag color="red">{t('admin.users.locked', { time: new Date(u.lockedUntil).toLocaleTimeString(locale) })}</Tag>}
              </Space>
            ),
          },
          {
            title: t('admin.users.mfa'),
            key: 'mfa',
            render: (_, u) =>
              u.mfa.enabled ? (
                <Tag color="green" data-testid={`user-mfa-${u.username}`}>
                  {t('admin.users.mfaOn', { n: u.mfa.recoveryCodesLeft })}
                </Tag>
              ) : (
                <Tag color={u.role === 'admin' || u.role === 'supervisor' ? 'orange' : 'default'} data-testid={`user-mfa-${u.username}`}>
                  {t('admin.users.mfaOff')}
                </Tag>
              ),
          },
          { title: t('admin.users.sessions'), dataIndex: 'liveSessions', align: 'right' },
          {
            title: '',
            key: 'actions',
            render: (_, u) => (
              <Space size={4} wrap>
                <Button size="small" onClick={() => open(u)} data-testid={`user-edit-${u.username}`}>
                  {t('admin.edit')}
                </Button>
                <Popconfirm
                  title={t('admin.users.resetConfirm', { name: u.displayName })}
                  description={t('admin.users.resetNote')}
                  onConfirm={() => void reset(u)}
                  okText={t('admin.confirm')}
                >
                  <Button size="small" data-testid={`user-reset-${u.username}`}>
                    {t('admin.users.reset')}
                  </Button>
                </Popconfirm>
                {u.lockedUntil && (
                  <Button
                    size="small"
                    onClick={() => void act(() => adminApi.unlock(u.id), t('admin.users.unlocked'))}
                    data-testid={`user-unlock-${u.username}`}
                  >
                    {t('admin.users.unlock')}
                  </Button>
                )}
                {u.mfa.enabled && (
                  <Popconfirm
                    title={t('admin.users.mfaResetConfirm', { name: u.displayName })}
                    description={t('admin.users.mfaResetNote')}
                    okText={t('admin.confirm')}
                    onConfirm={() => void act(() => adminApi.resetMfa(u.id), t('admin.users.mfaResetDone'))}
                  >
                    <Button size="small" danger data-testid={`user-mfa-reset-${u.username}`}>
                      {t('admin.users.mfaReset')}
                    </Button>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]}
      />

      <Modal
        open={!!editing}
        destroyOnHidden
        title={editing === 'new' ? t('admin.users.new') : editing ? `${t('admin.edit')} · ${editing.username}` : ''}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        okText={t('admin.save')}
        confirmLoading={saving}
        okButtonProps={{ 'data-testid': 'user-save' } as ButtonProps}
      >
        <FormError error={error} testId="user-error" />
        <Form form={form} layout="vertical" onFinish={(v) => void save(v)} onValuesChange={() => setError(null)}>
          {editing === 'new' && (
            <Form.Item
              name="username"
              label={t('admin.users.username')}
              extra={t('admin.users.usernameHint')}
              rules={[{ required: true, pattern: /^[A-Za-z][A-Za-z0-9._-]{2,31}$/, message: t('admin.users.usernameBad') }]}
            >
              <Input autoFocus autoComplete="off" data-testid="user-username" />
            </Form.Item>
          )}
          <Form.Item name="displayName" label={t('admin.users.displayName')} rules={[{ required: true, max: 40, message: t('admin.users.displayNameBad') }]}>
            <Input autoFocus={editing !== 'new'} data-testid="user-display-name" />
          </Form.Item>
          <Form.Item name="role" label={t('admin.users.role')} rules={[{ required: true }]}>
            <Select
              showSearch
              optionFilterProp="label"
              data-testid="user-role"
              disabled={editing !== 'new' && editing?.id === me?.id}
              options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
            />
          </Form.Item>
          <Form.Item name="unitId" label={t('admin.users.unit')} extra={role === 'unit_clerk' ? t('admin.users.unitRequired') : undefined}>
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              data-testid="user-unit"
              options={(units.data ?? []).filter((u) => u.active).map((u) => ({ value: u.id, label: `${u.name} (${u.code})` }))}
            />
          </Form.Item>
          <Form.Item name="phoneExtension" label={t('admin.users.extension')} rules={[{ pattern: /^\d{3,8}$/, message: t('admin.users.extensionBad') }]}>
            <Input inputMode="numeric" data-testid="user-extension" />
          </Form.Item>
          {editing !== 'new' && (
            <Form.Item name="active" label={t('admin.active')} valuePropName="checked" extra={t('admin.users.activeHint')}>
              <Switch data-testid="user-active" disabled={editing?.id === me?.id} />
            </Form.Item>
          )}
          <EnterSubmits />
        </Form>
      </Modal>

      <Modal
        open={!!secret}
        title={t('admin.users.oneTimeTitle')}
        closable={false}
        maskClosable={false}
        keyboard={false}
        footer={
          <Button type="primary" autoFocus onClick={() => setSecret(null)} data-testid="user-secret-done">
            {t('admin.users.oneTimeDone')}
          </Button>
        }
      >
        <Alert type="warning" showIcon message={t('admin.users.oneTimeNote')} style={{ marginBottom: 12 }} />
        <Typography.Paragraph>
          {t('admin.users.username')}: <Typography.Text strong>{secret?.username}</Typography.Text>
        </Typography.Paragraph>
        <Typography.Paragraph>
          {t('admin.users.oneTimePassword')}:{' '}
          <Typography.Text code copyable data-testid="user-secret" style={{ fontSize: 18 }}>
            {secret?.password}
          </Typography.Text>
        </Typography.Paragraph>
      </Modal>
    </Card>
  );
}
