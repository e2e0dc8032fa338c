import { Form, Input, Space } from 'antd';
import { useI18n } from '../../i18n';
import { SmsCodeButton } from './SmsCodeButton';

/**
 * Mobile number + SMS code (短信验证码), the citizen's proof on every portal form. Lives inside an
 * antd Form: fields are `phone` and `code`; `testIdPrefix` keeps each form's test ids stable.
 * `only` shows one of the two (the elderly mode asks one question per step); `labels` replaces the
 * field labels with the step's question.
 */
export function PhoneCodeFields({
  purpose,
  testIdPrefix,
  smsTestId,
  only,
  labels,
}: {
  purpose: 'submit' | 'track';
  testIdPrefix: string;
  smsTestId?: string;
  only?: 'phone' | 'code';
  labels?: { phone?: string; code?: string };
}) {
  const { t } = useI18n();
  const form = Form.useFormInstance();
  // preserve: on the code step the phone's input is not on screen, its value still is in the form.
  const phone = Form.useWatch('phone', { form, preserve: true }) ?? '';
  return (
    <>
      {only !== 'code' && (
        <Form.Item name="phone" label={labels?.phone ?? t('track.phone')} required>
          <Input inputMode="tel" maxLength={11} autoComplete="tel" data-testid={`${testIdPrefix}-phone`} />
        </Form.Item>
      )}
      {only !== 'phone' && (
        /* The label names the code input (htmlFor): the nested noStyle item would otherwise leave it unnamed. */
        <Form.Item label={labels?.code ?? t('track.code')} required htmlFor={`${testIdPrefix}-code-input`}>
          <Space.Compact style={{ width: '100%' }}>
            <Form.Item name="code" noStyle>
              <Input id={`${testIdPrefix}-code-input`} inputMode="numeric" maxLength={8} autoComplete="one-time-code" data-testid={`${testIdPrefix}-code`} />
            </Form.Item>
            <SmsCodeButton phone={phone} purpose={purpose} testId={smsTestId} />
          </Space.Compact>
        </Form.Item>
      )}
    </>
  );
}
