import { Alert, Button, Flex, Form, Input, Result, Typography, Upload, type UploadFile } from 'antd';
import { useState } from 'react';
import { api } from '../../api/endpoints';
import { errorMessage } from '../../api/problem';
import { PublicAppealInput } from '../../api/schemas';
import { useI18n } from '../../i18n';
import { announceErrors, validateWith } from '../../lib/zodForm';
import { fieldErrors } from '../../api/schemas';
import { PhoneCodeFields } from './PhoneCodeFields';
import { MAX_APPEAL_FILES } from '../../lib/attachments';

export interface Receipt {
  number: string;
  trackToken: string;
}

/** The questions of the elderly mode, one per step, in the order a caller would be asked them. */
const STEPS = ['phone', 'content', 'address', 'photos', 'code'] as const;
type Step = (typeof STEPS)[number];

/**
 * The citizen's appeal form. `stepwise` (长辈版): one question per step with Back/Next, the SMS code
 * asked last so its five minutes start only when everything else is written (no other time limit).
 */
export function SubmitForm({ onSubmitted, stepwise = false }: { onSubmitted: (r: Receipt) => void; stepwise?: boolean }) {
  const { t, locale } = useI18n();
  const [form] = Form.useForm();
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Photos stay in the browser (shown as thumbnails) until the appeal is sent with them.
  const [photos, setPhotos] = useState<UploadFile[]>([]);
  const [step, setStep] = useState(0);
  const current: Step = STEPS[step];
  const shows = (s: Step) => !stepwise || current === s;

  /** Next step only when this step's answer is right; its error is shown, read out and focused. */
  const next = () => {
    const r = PublicAppealInput.safeParse(form.getFieldsValue(true));
    const errors = r.success ? {} : fieldErrors(r.error);
    const mine = Object.entries(errors).filter(([name]) => name === current);
    if (mine.length > 0) {
      const fields = mine.map(([name, key]) => ({ name: [name], errors: [t(key)] }));
      form.setFields(fields);
      announceErrors(form, fields);
      return;
    }
    setStep((n) => Math.min(n + 1, STEPS.length - 1));
  };

  const submit = async () => {
    // All answers, also those of steps no longer on screen (the form keeps them).
    const body = validateWith(form, PublicAppealInput, form.getFieldsValue(true), t);
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
    <Form
      form={form}
      layout="vertical"
      onFinish={stepwise && current !== 'code' ? next : submit}
      // A message goes away as soon as the citizen changes that answer (the checks run on the next step or on submit).
      onValuesChange={(changed) => form.setFields(Object.keys(changed).map((name) => ({ name, errors: [] })))}
      data-testid="appeal-form"
    >
      {stepwise && (
        <Typography.Paragraph strong data-testid="elder-step" aria-live="polite">
          {t('elder.step', { n: step + 1, total: STEPS.length })}
        </Typography.Paragraph>
      )}
      {shows('phone') && (
        <PhoneCodeFields
          purpose="submit"
          testIdPrefix="appeal"
          only={stepwise ? 'phone' : undefined}
          labels={stepwise ? { phone: t('elder.q.phone') } : undefined}
        />
      )}
      {shows('code') && stepwise && <PhoneCodeFields purpose="submit" testIdPrefix="appeal" only="code" labels={{ code: t('elder.q.code') }} />}
      {shows('content') && (
        <Form.Item name="content" label={stepwise ? t('elder.q.content') : t('track.content')} required>
          <Input.TextArea rows={5} data-testid="appeal-content" />
        </Form.Item>
      )}
      {!stepwise && (
        <Form.Item name="categoryHint" label={t('track.categoryHint')}>
          <Input data-testid="appeal-hint" />
        </Form.Item>
      )}
      {shows('address') && (
        <Form.Item name="address" label={stepwise ? t('elder.q.address') : t('track.address')}>
          <Input data-testid="appeal-address" />
        </Form.Item>
      )}
      {shows('photos') && (
        <Form.Item label={stepwise ? t('elder.q.photos') : t('track.photos', { n: MAX_APPEAL_FILES })} extra={t('track.photosHint')}>
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
      )}
      {!stepwise && (
        <>
          <Form.Item name="name" label={t('track.name')}>
            <Input />
          </Form.Item>
          <Form.Item name="title" label={t('track.subject')}>
            <Input />
          </Form.Item>
        </>
      )}
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="appeal-error" />}
      {stepwise && current !== 'code' ? (
        <Flex gap={12}>
          {step > 0 && (
            <Button size="large" onClick={() => setStep((n) => n - 1)} style={{ flex: 1 }} data-testid="elder-back">
              {t('elder.back')}
            </Button>
          )}
          {/* Keys: React must not reuse this node as the submit button of the last step, or the click that
              leads there would also submit the form (a "required" error on a code not yet asked for). */}
          <Button key="next" type="primary" size="large" onClick={next} style={{ flex: 2 }} data-testid="elder-next">
            {t('elder.next')}
          </Button>
        </Flex>
      ) : (
        <Flex gap={12}>
          {stepwise && (
            <Button size="large" onClick={() => setStep((n) => n - 1)} style={{ flex: 1 }} data-testid="elder-back">
              {t('elder.back')}
            </Button>
          )}
          <Button key="submit" type="primary" htmlType="submit" block size="large" loading={busy} style={{ flex: 2 }} data-testid="appeal-submit">
            {t('track.submit')}
          </Button>
        </Flex>
      )}
    </Form>
  );
}
