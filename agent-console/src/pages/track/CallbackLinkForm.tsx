import { Alert, Button, Card, Form, Input, Radio, Result, Typography } from 'antd';
import { usePublicSubmit } from '../../feedback/usePublicSubmit';
import { feedbackApi, type RatingReceipt } from '../../feedback/api';
import { callbackLinkBody, RESULTS, SCORES, type CallbackLinkValues } from '../../feedback/logic';
import { useI18n } from '../../i18n';

/**
 * 回访 by link: the SMS / WeChat callback message carries `?callback=<id>&token=<hmac>`; the link
 * itself is the proof, so the citizen answers "solved?" and the 5 levels without a code. The
 * server records the callback and the rating together (an unsolved or dissatisfied answer may
 * reopen the ticket, per the centre's policy).
 */
export function CallbackLinkForm({ callbackId, token }: { callbackId: string; token: string }) {
  const { t } = useI18n();
  const [form] = Form.useForm<CallbackLinkValues>();
  const { done, error, busy, run } = usePublicSubmit<RatingReceipt>();

  const submit = async (values: CallbackLinkValues) => {
    const out = callbackLinkBody(callbackId, token, values);
    if ('errors' in out) {
      form.setFields(Object.entries(out.errors).map(([name, key]) => ({ name: name as keyof CallbackLinkValues, errors: [t(key)] })));
      return;
    }
    await run(() => feedbackApi.rateByCallback(out.body));
  };

  if (done)
    return (
      <Result
        status="success"
        title={<span data-testid="callback-link-done">{t('feedback.rate.thanks', { label: done.label })}</span>}
        subTitle={done.bad ? t(done.callbackPending ? 'feedback.rate.badNext' : 'feedback.rate.badNextNoCall') : undefined}
      />
    );

  return (
    <Card size="small" title={t('feedback.link.title')} data-testid="callback-link-card">
      <Typography.Paragraph type="secondary">{t('feedback.link.intro')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={submit} data-testid="callback-link-form">
        <Form.Item name="result" label={t('feedback.link.result')} required>
          <Radio.Group optionType="button" buttonStyle="solid" data-testid="callback-link-result">
            {RESULTS.map((r) => (
              <Radio.Button key={r} value={r} data-testid={`callback-link-result-${r}`}>
                {t(`feedback.result.${r}`)}
              </Radio.Button>
            ))}
          </Radio.Group>
        </Form.Item>
        <Form.Item name="score" label={t('feedback.rate.question')} required>
          <Radio.Group style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
            {SCORES.map((s) => (
              <Radio key={s} value={s} data-testid={`callback-link-score-${s}`}>
                {t(`feedback.score.${s}`)}
              </Radio>
            ))}
          </Radio.Group>
        </Form.Item>
        <Form.Item name="comment" label={t('feedback.rate.comment')}>
          <Input.TextArea rows={3} maxLength={500} showCount />
        </Form.Item>
        <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
          {t('feedback.rate.public')}
        </Typography.Paragraph>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="callback-link-error" />}
        <Button type="primary" htmlType="submit" block size="large" loading={busy} data-testid="callback-link-submit">
          {t('feedback.rate.submit')}
        </Button>
      </Form>
    </Card>
  );
}

/** The link's two parameters, or null when the page was opened without a (well-formed) callback link. */
export function callbackLinkFrom(search: string): { callbackId: string; token: string } | null {
  const p = new URLSearchParams(search);
  const callbackId = p.get('callback') ?? '';
  const token = p.get('token') ?? '';
  return /^[0-9a-f-]{36}$/i.test(callbackId) && /^[0-9a-f]{32}$/i.test(token) ? { callbackId, token } : null;
}
