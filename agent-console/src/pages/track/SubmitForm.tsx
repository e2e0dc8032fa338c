import { Alert, Button, Form, Input, Result, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../../api/endpoints';
import { ApiError, problemMessage } from '../../api/problem';
import { PublicAppealInput } from '../../api/schemas';
import { useI18n } from '../../i18n';
import { validateWith } from '../../lib/zodForm';
import { PhoneCodeFields } from './PhoneCodeFields';

export interface Receipt {
  number: string;
  trackToken: string;
}

export function SubmitForm({ onSubmitted }: { onSubmitted: (r: Receipt) => void }) {
  const { t, locale } = useI18n();
  const [form] = Form.useForm();
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (values: unknown) => {
    const body = validateWith(form, PublicAppealInput, values, t);
    if (!body) return;
    setBusy(true);
    setError(null);
    try {
      const { data } = await api.submitAppeal(body);
      setReceipt(data);
      onSubmitted(data);
    } catch (e) {
      setError(e instanceof ApiError ? problemMessage(e.problem, locale) : String(e));
    } finally {
      setBusy(false);
    }
  };

  if (receipt)
    return (
      <Result
        status="success"
        title={<span data-testid="receipt-number">{t('track.submitted', { number: receipt.number })}</span>}
        subTitle={t('track.keep')}
        extra={
          <Typography.Paragraph copyable={{ text: receipt.trackToken }} data-testid="receipt-token">
            {t('track.token')}: {receipt.trackToken}
          </Typography.Paragraph>
        }
      />
    );

  return (
    <Form form={form} layout="vertical" onFinish={submit} data-testid="appeal-form">
      <PhoneCodeFields purpose="submit" testIdPrefix="appeal" />
      <Form.Item name="content" label={t('track.content')} required>
        <Input.TextArea rows={5} data-testid="appeal-content" />
      </Form.Item>
      <Form.Item name="categoryHint" label={t('track.categoryHint')}>
        <Input data-testid="appeal-hint" />
      </Form.Item>
      <Form.Item name="address" label={t('track.address')}>
        <Input data-testid="appeal-address" />
      </Form.Item>
      <Form.Item name="name" label={t('track.name')}>
        <Input />
      </Form.Item>
      <Form.Item name="title" label={t('track.subject')}>
        <Input />
      </Form.Item>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="appeal-error" />}
      <Button type="primary" htmlType="submit" block size="large" loading={busy} data-testid="appeal-submit">
        {t('track.submit')}
      </Button>
    </Form>
  );
}
