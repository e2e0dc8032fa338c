import { App, Button } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../../api/endpoints';
import { errorMessage } from '../../api/problem';
import { SmsCodeInput } from '../../api/schemas';
import { useI18n } from '../../i18n';

/** Sends the code, then counts down so a citizen cannot hammer the (rate-limited) endpoint. */
export function SmsCodeButton({ phone, purpose, testId }: { phone: string; purpose: 'submit' | 'track'; testId?: string }) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const [left, setLeft] = useState(0);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (left <= 0) return;
    const id = setTimeout(() => setLeft((s) => s - 1), 1000);
    return () => clearTimeout(id);
  }, [left]);

  const send = async () => {
    const parsed = SmsCodeInput.safeParse({ phone, purpose });
    if (!parsed.success) {
      message.warning(t(parsed.error.issues[0].message));
      return;
    }
    setBusy(true);
    try {
      await api.smsCode(parsed.data.phone, purpose);
      message.success(t('track.codeSent'));
      setLeft(60);
    } catch (e) {
      message.error(errorMessage(e, locale));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Button onClick={send} disabled={left > 0} loading={busy} data-testid={testId ?? `sms-${purpose}`}>
      {left > 0 ? t('track.resend', { s: left }) : t('track.sendCode')}
    </Button>
  );
}
