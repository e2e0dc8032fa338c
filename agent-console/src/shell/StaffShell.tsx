import { Button, Layout, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { useI18n } from '../i18n';
import { RealtimeProvider } from '../realtime/RealtimeProvider';
import { ReconnectBanner } from '../realtime/ReconnectBanner';
import { useAuth } from './auth';
import { LocaleSwitch } from './LocaleSwitch';

/** Header + realtime for every staff area; `extra` holds area tools (presence, simulate call). */
interface Props {
  title: string;
  extra?: ReactNode;
  children: ReactNode;
  /** Area-wide providers that need the realtime connection (the agent's presence). */
  wrap?: (children: ReactNode) => ReactNode;
}

export function StaffShell({ title, extra, children, wrap = (c) => c }: Props) {
  const { t } = useI18n();
  const { user, logout } = useAuth();
  const page = (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ background: '#fff', borderBottom: '1px solid #eee', paddingInline: 16, display: 'flex', alignItems: 'center', gap: 16 }}>
        <Link to="/" style={{ fontWeight: 600, whiteSpace: 'nowrap' }}>
          {t('app.name')}
        </Link>
        <Typography.Text strong style={{ whiteSpace: 'nowrap' }}>
          {title}
        </Typography.Text>
        <div style={{ flex: 1 }} />
        <Space wrap>
          {extra}
          {user && (
            <Typography.Text type="secondary" data-testid="whoami">
              {user.displayName} · {t(`role.${user.role}`)}
              {user.unitName ? ` · ${user.unitName}` : ''}
            </Typography.Text>
          )}
          {user?.role === 'admin' && (
            <Link to="/admin" data-testid="admin-link">
              {t('admin.title')}
            </Link>
          )}
          <Link to="/account" data-testid="account-link">
            {t('account.link')}
          </Link>
          <LocaleSwitch />
          <Button size="small" onClick={() => void logout()} data-testid="logout">
            {t('app.logout')}
          </Button>
        </Space>
      </Layout.Header>
      <ReconnectBanner />
      <Layout.Content style={{ padding: 16 }}>{children}</Layout.Content>
    </Layout>
  );
  return <RealtimeProvider>{wrap(page)}</RealtimeProvider>;
}
