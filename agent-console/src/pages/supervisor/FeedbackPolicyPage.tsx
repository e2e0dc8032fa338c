import { Alert, Button, Card, Form, InputNumber, Select, Space, Spin, Switch, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { errorMessage } from '../../api/problem';
import { feedbackApi, type FeedbackPolicy } from '../../feedback/api';
import { useI18n } from '../../i18n';

type NumberField = { name: keyof FeedbackPolicy; min: number; max: number; step?: number };
// Bounds as the server's zod schema (server/callbacks/policy.ts); the server checks them again.
const NUMBERS: NumberField[] = [
  { name: 'callbackDueHours', min: 1, max: 720 },
  { name: 'badReviewCallbackDueHours', min: 1, max: 720 },
  { name: 'maxAttempts', min: 1, max: 10 },
  { name: 'rectificationWorkingDays', min: 1, max: 60 },
  { name: 'dialRetryHours', min: 0, max: 72, step: 0.5 },
  { name: 'dialStartHour', min: 0, max: 23 },
  { name: 'dialEndHour', min: 1, max: 24 },
];

/**
 * 回访与整改设置: the centre's callback and rectification rules (domain.md §4 says "configurable";
 * cities differ, e.g. 15 working days to rectify in Sichuan). The sample rate is edited as a percentage.
 */
export default function FeedbackPolicyPage() {
  const { t, locale } = useI18n();
  const [form] = Form.useForm<FeedbackPolicy & { samplePercent: number }>();
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);

  const show = (p: FeedbackPolicy) => form.setFieldsValue({ ...p, samplePercent: Math.round(p.sampleRate * 1000) / 10 });
  useEffect(() => {
    feedbackApi.policy().then(
      (r) => {
        show(r.data);
        setLoaded(true);
      },
      (e) => setError(errorMessage(e, locale)),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const save = async (v: FeedbackPolicy & { samplePercent: number }) => {
    const { samplePercent, ...rest } = v;
    setSaving(true);
    setError(null);
    setSaved(false);
    try {
      show((await feedbackApi.savePolicy({ ...rest, sampleRate: samplePercent / 100 })).data);
      setSaved(true);
    } catch (e) {
      setError(errorMessage(e, locale));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card size="small" title={t('policy.title')} data-testid="policy-page" style={{ maxWidth: 720 }}>
      <Typography.Paragraph type="secondary">{t('policy.intro')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="policy-error" />}
      {!loaded && !error && <Spin />}
      <Form form={form} layout="horizontal" labelCol={{ span: 10 }} onFinish={save} style={{ display: loaded ? undefined : 'none' }}>
        <Form.Item name="samplePercent" label={t('policy.samplePercent')} extra={t('policy.samplePercent.help')}>
          <InputNumber min={0} max={100} step={5} suffix="%" data-testid="policy-samplePercent" />
        </Form.Item>
        {NUMBERS.map((f) => (
          <Form.Item key={f.name} name={f.name} label={t(`policy.${f.name}`)}>
            <InputNumber min={f.min} max={f.max} step={f.step ?? 1} data-testid={`policy-${f.name}`} />
          </Form.Item>
        ))}
        <Form.Item name="onDissatisfied" label={t('policy.onDissatisfied')}>
          <Select style={{ width: 240 }} options={(['reopen', 'agent_decides'] as const).map((v) => ({ value: v, label: t(`policy.onDissatisfied.${v}`) }))} />
        </Form.Item>
        <Form.Item name="partlyIsDissatisfied" label={t('policy.partlyIsDissatisfied')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item name="callbackBy" label={t('policy.callbackBy')}>
          <Select style={{ width: 240 }} options={(['agent', 'cti'] as const).map((v) => ({ value: v, label: t(`policy.callbackBy.${v}`) }))} />
        </Form.Item>
        <Form.Item wrapperCol={{ offset: 10 }}>
          <Space>
            <Button type="primary" htmlType="submit" loading={saving} data-testid="policy-save">
              {t('policy.save')}
            </Button>
            {saved && (
              <Typography.Text type="success" data-testid="policy-saved">
                {t('policy.saved')}
              </Typography.Text>
            )}
          </Space>
        </Form.Item>
      </Form>
    </Card>
  );
}
