import { Alert, Button, Card, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../../api/endpoints';
import { ApiError, problemMessage } from '../../api/problem';
import type { TicketDetail } from '../../api/types';
import { useI18n } from '../../i18n';
import { useAuth } from '../../shell/auth';

/**
 * 先联系后办理: the clerk asks the centre to connect them with the citizen. The hotline rings the
 * clerk's number first and bridges the call, so the citizen's number is never shown here.
 */
export function ContactCitizen({ ticket }: { ticket: TicketDetail }) {
  const { t, locale } = useI18n();
  const { user } = useAuth();
  const [number, setNumber] = useState('');
  const [state, setState] = useState<{ ok?: boolean; error?: string }>({});
  const mine = ticket.dispatches.find((d) => d.unitId === user?.unitId && ['signed', 'in_progress', 'extension_requested'].includes(d.status));
  if (!mine) return null;
  const submit = async () => {
    try {
      await api.requestContact(ticket.id, number.trim());
      setState({ ok: true });
    } catch (e) {
      setState({ error: e instanceof ApiError ? problemMessage(e.problem, locale) : String(e) });
    }
  };
  return (
    <Card size="small" title={t('contact.title')}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text type="secondary">{t('contact.hint')}</Typography.Text>
        <Space.Compact>
          <Input
            value={number} onChange={(e) => setNumber(e.target.value)} onPressEnter={() => void submit()} style={{ width: 220 }}
            placeholder={t('contact.callbackNumber')} aria-label={t('contact.callbackNumber')} data-testid="contact-number"
          />
          <Button type="primary" onClick={() => void submit()} disabled={!number.trim()} data-testid="contact-request">{t('contact.request')}</Button>
        </Space.Compact>
        {state.ok && <Alert type="success" showIcon message={t('contact.requested')} />}
        {state.error && <Alert type="error" showIcon message={state.error} />}
      </Space>
    </Card>
  );
}
