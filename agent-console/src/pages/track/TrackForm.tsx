import { Alert, Button, Card, Form, Input, Segmented, Timeline, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../../api/endpoints';
import { errorMessage } from '../../api/problem';
import type { PublicTicket } from '../../api/types';
import { TrackByCode, TrackByToken } from '../../api/schemas';
import { useI18n } from '../../i18n';
import { clearErrorsOnChange, validateWith } from '../../lib/zodForm';
import { formatTime } from '../../tickets/tags';
import { PhoneCodeFields } from './PhoneCodeFields';
import { RatingForm } from './RatingForm';
import type { Receipt } from './SubmitForm';

/** Rated once the ticket is closed (server/reviews: RATEABLE). */
const RATEABLE = ['closed', 'archived'];

function PublicView({ ticket }: { ticket: PublicTicket }) {
  const { t, locale } = useI18n();
  return (
    <Card size="small" style={{ marginTop: 16 }} data-testid="public-ticket">
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {ticket.number} · <span data-testid="public-status">{ticket.statusLabel || t(`status.${ticket.status}`)}</span>
      </Typography.Title>
      {ticket.title && <Typography.Text strong>{ticket.title}</Typography.Text>}
      <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{ticket.content}</Typography.Paragraph>
      {ticket.declineReason && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          message={t('track.declined')}
          description={ticket.declineReason.text}
          data-testid="public-decline-reason"
        />
      )}
      <Typography.Text strong>{t('track.reply')}</Typography.Text>
      <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }} data-testid="public-reply" type={ticket.replyText ? undefined : 'secondary'}>
        {ticket.replyText || t('track.noReply')}
      </Typography.Paragraph>
      <Typography.Text strong>{t('track.progress')}</Typography.Text>
      <Timeline
        style={{ marginTop: 12 }}
        items={ticket.timeline.map((e, i) => ({
          key: i,
          children: (
            <span>
              {e.label} <Typography.Text type="secondary">{formatTime(e.at, locale)}</Typography.Text>
            </span>
          ),
        }))}
      />
    </Card>
  );
}

export function TrackForm({ receipt }: { receipt: Receipt | null }) {
  const { t, locale } = useI18n();
  const [form] = Form.useForm();
  const [mode, setMode] = useState<'token' | 'code'>(receipt ? 'token' : 'code');
  const [ticket, setTicket] = useState<PublicTicket | null>(null);
  // How the citizen proved the ticket is theirs: the rating form reuses the token, or asks the phone again.
  // The form is keyed on it: tracking again another way starts a fresh form with that proof.
  const [proof, setProof] = useState<{ trackToken: string | null; phone?: string }>({ trackToken: null });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (receipt) form.setFieldsValue({ number: receipt.number, trackToken: receipt.trackToken });
  }, [receipt, form]);

  const query = async (values: Record<string, unknown>) => {
    const body = mode === 'token' ? validateWith(form, TrackByToken, values, t) : validateWith(form, TrackByCode, values, t);
    if (!body) return;
    setBusy(true);
    setError(null);
    try {
      setTicket((await api.track(body)).data);
      setProof('trackToken' in body ? { trackToken: body.trackToken } : { trackToken: null, phone: body.phone });
    } catch (e) {
      setTicket(null);
      setError(errorMessage(e, locale));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Segmented
        block
        value={mode}
        onChange={(v) => setMode(v as 'token' | 'code')}
        options={[
          { value: 'code', label: t('track.byCode') },
          { value: 'token', label: t('track.byToken') },
        ]}
        style={{ marginBottom: 16 }}
        data-testid="track-mode"
      />
      <Form form={form} layout="vertical" onFinish={query} onValuesChange={clearErrorsOnChange(form)} data-testid="track-form">
        <Form.Item name="number" label={t('track.number')} required>
          <Input data-testid="track-number" />
        </Form.Item>
        {mode === 'token' ? (
          <Form.Item name="trackToken" label={t('track.token')} required>
            <Input data-testid="track-token" />
          </Form.Item>
        ) : (
          <PhoneCodeFields purpose="track" testIdPrefix="track" />
        )}
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="track-error" />}
        <Button type="primary" htmlType="submit" block size="large" loading={busy} data-testid="track-submit">
          {t('track.query')}
        </Button>
      </Form>
      {ticket && <PublicView ticket={ticket} />}
      {ticket && RATEABLE.includes(ticket.status) && (
        <RatingForm
          key={`${ticket.number}:${proof.trackToken ? 'token' : proof.phone}`}
          number={ticket.number}
          trackToken={proof.trackToken}
          phone={proof.phone}
        />
      )}
    </>
  );
}
