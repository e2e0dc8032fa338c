import { Form, Input, Space } from 'antd';
import { useI18n } from '../../i18n';
import { SmsCodeButton } from './SmsCodeButton';

/**
 * Mobile number + SMS code (短信验证码), the citizen's proof on every portal form. Lives inside an
 * antd Form: fields are `phone` and `code`; `testIdPrefix` keeps each form's test ids stable.
 */
export function PhoneCodeFields({ purpose, testIdPrefix, smsTestId }: { purpose: 'submit' | 'track'; testIdPrefix: string; smsTestId?: string }) {
  const { t } = useI18n();
  const form = Form.useFormInstance();
  const phone = Form.useWatch('phone', form) ?? '';
  return (
    <>
      <Form.Item name="phone" label={t('track.phone')} required>
        <Input inputMode="tel" maxLength={11} autoComplete="tel" data-testid={`${testIdPrefix}-phone`} />
      </Form.Item>
      {/* The label names the code input (htmlFor): the nested noStyle item would otherwise leave it unnamed. */}
      <Form.Item label={t('track.code')} required htmlFor={`${testIdPrefix}-code-input`}>
        <Space.Compact style={{ width: '100%' }}>
          <Form.Item name="code" noStyle>
            <Input id={`${testIdPrefix}-code-input`} inputMode="numeric" maxLength={8} autoComplete="one-time-code" data-testid={`${testIdPrefix}-code`} />
          </Form.Item>
          <SmsCodeButton phone={phone} purpose={purpose} testId={smsTestId} />
        </Space.Compact>
      </Form.Item>
    </>
  );
}
