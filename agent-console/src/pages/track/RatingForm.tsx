import { Alert, Button, Card, Form, Input, Radio, Result, Typography } from 'antd';
import { usePublicSubmit } from '../../feedback/usePublicSubmit';
import { feedbackApi, type RatingReceipt } from '../../feedback/api';
import { ratingBody, SCORES, type RatingValues } from '../../feedback/logic';
import { useI18n } from '../../i18n';
import { PhoneCodeFields } from './PhoneCodeFields';
import { announceErrors } from '../../lib/zodForm';

/**
 * 好差评 after the ticket is closed: five levels and an optional comment. With the tracking token
 * nothing else is asked; after tracking by SMS code the citizen confirms the phone again (the code
 * was used up by tracking).
 */
export function RatingForm({ number, trackToken, phone }: { number: string; trackToken: string | null; phone?: string }) {
  const { t } = useI18n();
  const [form] = Form.useForm<RatingValues>();
  const { done, error, busy, run } = usePublicSubmit<RatingReceipt>();

  const submit = async (values: RatingValues) => {
    const out = ratingBody(number, values, trackToken);
    if ('errors' in out) {
      const fields = Object.entries(out.errors).map(([name, key]) => ({ name: name as keyof RatingValues, errors: [t(key)] }));
      form.setFields(fields);
      announceErrors(form, fields);
      return;
    }
    // A second, different rating: the server says why (RATING_ALREADY_SUBMITTED), in the citizen's language.
    await run(() => feedbackApi.rate(out.body));
  };

  if (done)
    return (
      <Result
        status={done.duplicate ? 'info' : 'success'}
        title={
          <span data-testid="rating-done">
            {done.duplicate ? t('feedback.rate.duplicate', { label: done.label }) : t('feedback.rate.thanks', { label: done.label })}
          </span>
        }
        subTitle={done.bad && !done.duplicate ? t(done.callbackPending ? 'feedback.rate.badNext' : 'feedback.rate.badNextNoCall') : undefined}
      />
    );

  return (
    <Card size="small" style={{ marginTop: 16 }} title={t('feedback.rate.title')} data-testid="rating-card">
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ phone }} data-testid="rating-form">
        <Form.Item name="score" label={t('feedback.rate.question')} required>
          <Radio.Group style={{ display: 'flex', flexDirection: 'column', gap: 8 }} data-testid="rating-score">
            {SCORES.map((s) => (
              <Radio key={s} value={s} data-testid={`rating-score-${s}`}>
                {t(`feedback.score.${s}`)}
              </Radio>
            ))}
          </Radio.Group>
        </Form.Item>
        <Form.Item name="comment" label={t('feedback.rate.comment')}>
          <Input.TextArea rows={3} maxLength={500} showCount data-testid="rating-comment" />
        </Form.Item>
        {!trackToken && <PhoneCodeFields purpose="track" testIdPrefix="rating" smsTestId="sms-rating" />}
        <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
          {t('feedback.rate.public')}
        </Typography.Paragraph>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="rating-error" />}
        <Button type="primary" htmlType="submit" block size="large" loading={busy} data-testid="rating-submit">
          {t('feedback.rate.submit')}
        </Button>
      </Form>
    </Card>
  );
}
