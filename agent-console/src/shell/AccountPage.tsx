import { Button, Card, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/endpoints';
import { errorMessage } from '../api/problem';
import type { StaffSession } from '../api/types';
import { useI18n } from '../i18n';
import { useAuth } from './auth';
import { Enrolment } from './MfaStep';
import { StaffShell } from './StaffShell';

/** The signed-in user's two-step verification and sessions; the admin also sees and ends everyone's sessions. */
export default function AccountPage() {
  const { t, locale } = useI18n();
  const { user, logout } = useAuth();
  const [mine, setMine] = useState<StaffSession[]>([]);
  const [all, setAll] = useState<StaffSession[]>([]);
  const [enrolling, setEnrolling] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const isAdmin = user?.role === 'admin';

  const load = useCallback(async () => {
    try {
      setMine((await api.sessions()).data);
      if (isAdmin) setAll((await api.adminSessions()).data);
    } catch (e) {
      setError(errorMessage(e, locale));
    }
  }, [isAdmin, locale]);
  useEffect(() => void load(), [load]);

  const revoke = async (s: StaffSession, asAdmin: boolean) => {
    if (s.current) return logout();
    await (asAdmin ? api.adminRevokeSession(s.id) : api.revokeSession(s.id)).catch((e) => setError(errorMessage(e, locale)));
    await load();
  };
  const columns = (asAdmin: boolean) => [
    ...(asAdmin ? [{ title: t('account.user'), render: (s: StaffSession) => `${s.displayName} (${s.username})` }] : []),
    {
      title: t('account.device'),
      render: (s: StaffSession) => (
        <span>
          {s.userAgent?.slice(0, 60) ?? '—'} {s.current && <Tag color="blue">{t('account.current')}</Tag>}
        </span>
      ),
    },
    { title: t('account.signedIn'), render: (s: StaffSession) => new Date(s.createdAt).toLocaleString(locale) },
    { title: t('account.lastSeen'), render: (s: StaffSession) => new Date(s.lastSeenAt).toLocaleString(locale) },
    {
      title: '',
      render: (s: StaffSession) => (
        <Button size="small" danger onClick={() => void revoke(s, asAdmin)} data-testid={`revoke-${s.id}`}>
          {t('account.revoke')}
        </Button>
      ),
    },
  ];

  return (
    <StaffShell title={t('account.title')}>
      <Space direction="vertical" style={{ width: '100%' }} size="large">
        {error && <Typography.Text type="danger">{error}</Typography.Text>}
        <Card title={t('mfa.title')}>
          {user?.mfa?.enabled && !enrolling ? (
            <Space>
              <Tag color="green" data-testid="mfa-enabled">
                {t('account.mfaOn')}
              </Tag>
              <Button onClick={() => setEnrolling(true)}>{t('account.mfaRenew')}</Button>
            </Space>
          ) : enrolling ? (
            <Enrolment onDone={() => setEnrolling(false)} />
          ) : (
            <Button type="primary" onClick={() => setEnrolling(true)} data-testid="mfa-start">
              {t('account.mfaEnable')}
            </Button>
          )}
        </Card>
        <Card title={t('account.mySessions')}>
          <Table rowKey="id" size="small" pagination={false} dataSource={mine} columns={columns(false)} data-testid="my-sessions" />
        </Card>
        {isAdmin && (
          <Card title={t('account.allSessions')}>
            <Table rowKey="id" size="small" dataSource={all} columns={columns(true)} data-testid="all-sessions" />
          </Card>
        )}
      </Space>
    </StaffShell>
  );
}
