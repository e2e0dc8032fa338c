import { Alert, Button, Card, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import { api, type ContactCallResult } from '../../api/endpoints';
import { ApiError, problemMessage } from '../../api/problem';
import type { TicketDetail } from '../../api/types';
import { useI18n } from '../../i18n';
import { useAuth } from '../../shell/auth';

/**
 * 先联系后办理: the clerk calls the citizen through the masked-number bridge (隐私号). The bridge rings
 * the clerk's number first and connects the citizen, so the citizen's number is never shown here;
 * the outcome (connected and for how long, or not) shows once the call ends.
 */
export function ContactCitizen({ ticket }: { ticket: TicketDetail }) {
  const { t, locale } = useI18n();
  const { user } = useAuth();
  const [number, setNumber] = useState('');
  const [state, setState] = useState<{ call?: ContactCallResult; error?: string; busy?: boolean }>({});
  const mine = ticket.dispatches.find((d) => d.unitId === user?.unitId && ['signed', 'in_progress', 'extension_requested'].includes(d.status));
  if (!mine) return null;
  const submit = async () => {
    setState({ busy: true });
    try {
      const req = (await api.requestContact(ticket.id, number.trim())).data;
      setState({ call: (await api.callContact(req.id)).data });
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
            value={number}
            onChange={(e) => setNumber(e.target.value)}
            onPressEnter={() => void submit()}
            style={{ width: 220 }}
            placeholder={t('contact.callbackNumber')}
            aria-label={t('contact.callbackNumber')}
            data-testid="contact-number"
          />
          <Button type="primary" onClick={() => void submit()} disabled={!number.trim()} loading={state.busy} data-testid="contact-request">
            {t('contact.request')}
          </Button>
        </Space.Compact>
        {state.call && (
          <Alert
            type={state.call.status === 'connected' ? 'success' : 'warning'}
            showIcon
            data-testid="contact-outcome"
            message={t(`contact.outcome.${state.call.status}`, { n: state.call.talkSeconds ?? 0 })}
          />
        )}
        {state.error && <Alert type="error" showIcon message={state.error} />}
      </Space>
    </Card>
  );
}
