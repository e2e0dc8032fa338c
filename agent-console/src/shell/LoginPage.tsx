import { Alert, Button, Card, Form, Input, Space } from 'antd';
import { useState } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router-dom';
import { errorMessage } from '../api/problem';
import { LoginInput } from '../api/schemas';
import { useI18n } from '../i18n';
import { clearErrorsOnChange, validateWith } from '../lib/zodForm';
import { fullySignedIn, homeFor, useAuth } from './auth';
import { MfaStep } from './MfaStep';
import { LocaleSwitch } from './LocaleSwitch';

export default function LoginPage() {
  const { t, locale } = useI18n();
  const { user, login } = useAuth();
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from;

  if (fullySignedIn(user)) return <Navigate to={from ?? homeFor(user.role)} replace />;
  // Password accepted, TOTP (or the enrolment the role requires) still due.
  if (user) return <MfaStep user={user} />;

  const onFinish = async (values: unknown) => {
    const body = validateWith(form, LoginInput, values, t);
    if (!body) return;
    setBusy(true);
    setError(null);
    try {
      const u = await login(body.username, body.password);
      navigate(from ?? homeFor(u.role), { replace: true });
    } catch (e) {
      setError(errorMessage(e, locale));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#f0f2f5', padding: 16 }}>
      <Card title={`${t('app.name')} · ${t('login.title')}`} extra={<LocaleSwitch />} style={{ width: 380, maxWidth: '100%' }}>
        <Form form={form} layout="vertical" onFinish={onFinish} onValuesChange={clearErrorsOnChange(form)} requiredMark={false}>
          <Form.Item name="username" label={t('login.username')}>
            <Input autoFocus autoComplete="username" data-testid="login-username" />
          </Form.Item>
          <Form.Item name="password" label={t('login.password')}>
            <Input.Password autoComplete="current-password" data-testid="login-password" />
          </Form.Item>
          {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="login-error" />}
          <Space direction="vertical" style={{ width: '100%' }}>
            <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
              {t('login.submit')}
            </Button>
            <Link to="/track">{t('login.citizen')}</Link>
          </Space>
        </Form>
      </Card>
    </div>
  );
}
