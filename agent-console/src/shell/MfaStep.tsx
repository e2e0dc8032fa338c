import { Alert, Button, Card, Input, QRCode, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../api/endpoints';
import { errorMessage } from '../api/problem';
import type { User } from '../api/types';
import { useI18n } from '../i18n';
import { useAuth } from './auth';

/**
 * After the password: the TOTP code (or a recovery code) for an enrolled user, or — for a
 * supervisor or admin who has none yet where it is required — enrolment with the QR code.
 */
export function MfaStep({ user }: { user: User }) {
  const { t } = useI18n();
  const { logout } = useAuth();
  return (
    <div style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#f0f2f5', padding: 16 }}>
      <Card
        title={t('mfa.title')}
        style={{ width: 420, maxWidth: '100%' }}
        extra={
          <Button size="small" onClick={() => void logout()}>
            {t('app.logout')}
          </Button>
        }
      >
        {user.mfa?.state === 'mfa_pending' ? <CodePrompt /> : <Enrolment required />}
      </Card>
    </div>
  );
}

function CodePrompt() {
  const { t, locale } = useI18n();
  const { refresh } = useAuth();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.mfaVerify(code.trim());
      await refresh();
    } catch (e) {
      setError(errorMessage(e, locale));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Text>{t('mfa.prompt')}</Typography.Text>
      <Input
        autoFocus
        autoComplete="one-time-code"
        inputMode="numeric"
        value={code}
        onChange={(e) => setCode(e.target.value)}
        onPressEnter={() => void submit()}
        data-testid="mfa-code"
      />
      {error && <Alert type="error" showIcon message={error} data-testid="mfa-error" />}
      <Button type="primary" block loading={busy} onClick={() => void submit()} data-testid="mfa-submit">
        {t('mfa.verify')}
      </Button>
    </Space>
  );
}

/** Enrolment: QR code + secret, a first code to confirm, then the recovery codes shown once. */
export function Enrolment({ required, onDone }: { required?: boolean; onDone?: () => void }) {
  const { t, locale } = useI18n();
  const { refresh } = useAuth();
  const [setup, setSetup] = useState<{ secret: string; otpauthUri: string } | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.mfaEnrol().then(
      ({ data }) => setSetup(data),
      (e) => setError(errorMessage(e, locale)),
    );
  }, [locale]);

  const confirm = async () => {
    setError(null);
    try {
      setCodes((await api.mfaEnrolConfirm(code.trim())).data.recoveryCodes);
    } catch (e) {
      setError(errorMessage(e, locale));
    }
  };

  if (codes) {
    return (
      <Space direction="vertical" style={{ width: '100%' }} data-testid="mfa-recovery">
        <Alert type="warning" showIcon message={t('mfa.recoveryNote')} />
        <Typography.Paragraph copyable={{ text: codes.join('\n') }} style={{ fontFamily: 'monospace' }}>
          {codes.map((c) => (
            <div key={c}>{c}</div>
          ))}
        </Typography.Paragraph>
        <Button type="primary" block onClick={() => void refresh().then(onDone)} data-testid="mfa-done">
          {t('mfa.done')}
        </Button>
      </Space>
    );
  }
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {required && <Alert type="info" showIcon message={t('mfa.required')} />}
      <Typography.Text>{t('mfa.scan')}</Typography.Text>
      {setup && <QRCode value={setup.otpauthUri} data-testid="mfa-qr" />}
      {setup && (
        <Typography.Text copyable code data-testid="mfa-secret">
          {setup.secret}
        </Typography.Text>
      )}
      <Input
        autoComplete="one-time-code"
        inputMode="numeric"
        placeholder={t('mfa.firstCode')}
        value={code}
        onChange={(e) => setCode(e.target.value)}
        onPressEnter={() => void confirm()}
        data-testid="mfa-enrol-code"
      />
      {error && <Alert type="error" showIcon message={error} data-testid="mfa-error" />}
      <Button type="primary" block onClick={() => void confirm()} data-testid="mfa-enrol-confirm">
        {t('mfa.confirm')}
      </Button>
    </Space>
  );
}
