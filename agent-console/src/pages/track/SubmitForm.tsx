import { Alert, Button, Form, Input, Result, Typography, Upload, type UploadFile } from 'antd';
import { useState } from 'react';
import { api } from '../../api/endpoints';
import { errorMessage } from '../../api/problem';
import { PublicAppealInput } from '../../api/schemas';
import { useI18n } from '../../i18n';
import { clearErrorsOnChange, validateWith } from '../../lib/zodForm';
import { PhoneCodeFields } from './PhoneCodeFields';
import { MAX_APPEAL_FILES } from '../../lib/attachments';

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
  // Photos stay in the browser (shown as thumbnails) until the appeal is sent with them.
  const [photos, setPhotos] = useState<UploadFile[]>([]);

  const submit = async (values: unknown) => {
    const body = validateWith(form, PublicAppealInput, values, t);
    if (!body) return;
    setBusy(true);
    setError(null);
    try {
      const files = photos.map((p) => p.originFileObj).filter((f): f is NonNullable<typeof f> => !!f);
      const { data } = await api.submitAppeal(body, files);
      setReceipt(data);
      onSubmitted(data);
    } catch (e) {
      setError(errorMessage(e, locale));
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
    <Form form={form} layout="vertical" onFinish={submit} onValuesChange={clearErrorsOnChange(form)} data-testid="appeal-form">
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
      <Form.Item label={t('track.photos', { n: MAX_APPEAL_FILES })} extra={t('track.photosHint')}>
        <div data-testid="appeal-photos">
          <Upload
            listType="picture-card"
            accept="image/*"
            multiple
            maxCount={MAX_APPEAL_FILES}
            fileList={photos}
            beforeUpload={() => false}
            onChange={({ fileList }) => setPhotos(fileList.slice(0, MAX_APPEAL_FILES))}
          >
            {photos.length < MAX_APPEAL_FILES && <span>{t('track.addPhoto')}</span>}
          </Upload>
        </div>
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
