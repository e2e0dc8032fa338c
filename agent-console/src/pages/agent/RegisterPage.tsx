import { Alert, App, Button, Card, Checkbox, Col, Form, Input, Row, Select, Space } from 'antd';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { api } from '../../api/endpoints';
import { errorMessage } from '../../api/problem';
import { APPEAL_TYPES, CreateTicketInput, EMERGENCY_LINES, URGENCIES } from '../../api/schemas';
import { useI18n } from '../../i18n';
import { drafts } from '../../lib/drafts';
import { normalizePhoneInput } from '../../lib/phone';
import { clearErrorsOnChange, validateWith } from '../../lib/zodForm';
import { CategoryCascader, leafCode } from '../../tickets/CategoryCascader';
import { RegionCascader, regionNames, useRegions } from '../../tickets/RegionCascader';
import { CallerHistory } from './CallerHistory';
import { KnowledgePanel, type ArticleHit, type KnowledgeUse } from './KnowledgePanel';
import { KnowledgeAnswerDialog } from './KnowledgeAnswerDialog';
import { SameMatterCandidates } from './SameMatterCandidates';
import { usePresence } from './presence';
import { DialledLine, useDialledLine } from './DialledLine';
import { PhrasePicker } from './PhrasePicker';

/**
 * One draft per call: a new call starts with a clean form (the previous caller's name, ID number and
 * text never carry over), while the draft of a call the agent left unsaved is still there if they go
 * back to it. Registration without a call has its own draft.
 */
const draftKey = (callId: string | null) => (callId ? `register.call.${callId}` : 'register');
const EMPTY_FORM = {
  callId: undefined,
  callerPhone: undefined,
  callerName: undefined,
  idNumber: undefined,
  content: undefined,
  title: undefined,
  appealType: undefined,
  urgency: undefined,
  category: undefined,
  regionCode: undefined,
  address: undefined,
  emergency: undefined,
  anonymousToUnits: false,
};

/** The first text field (in the form's order) that is still empty. */
export function firstEmptyField(root: HTMLElement | null): HTMLInputElement | HTMLTextAreaElement | null {
  if (!root) return null;
  const fields = [
    ...root.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input:not([type=hidden]):not([type=checkbox]):not([readonly]), textarea'),
  ].filter((el) => !el.disabled && el.offsetParent !== null);
  return fields.find((el) => !el.value) ?? fields[0] ?? null;
}

/** Registration (登记): the phone path. The classifier runs server-side; its suggestion shows on the detail page. */
export function RegisterPage() {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [restored, setRestored] = useState(false);
  const [phone, setPhone] = useState('');
  const formRef = useRef<HTMLDivElement>(null);
  const { presence, setPresence } = usePresence();
  const content = Form.useWatch('content', form) as string | undefined;
  const regionCode = Form.useWatch('regionCode', form) as string | undefined;
  const line = useDialledLine(params.get('line'));
  const regions = useRegions();
  const regionPrefill = useRef('');
  const clearFieldErrors = clearErrorsOnChange(form);
  const [kbUse, setKbUse] = useState<{ article: ArticleHit; kind: KnowledgeUse } | null>(null);
  // Where the cursor was in the appeal text when the agent left it (for a 常用语 picked from the list).
  const contentRef = useRef<{ resizableTextArea?: { textArea: HTMLTextAreaElement } } | null>(null);
  const caret = useRef<{ start: number; end: number } | null>(null);
  const rememberCaret = (e: React.SyntheticEvent<HTMLTextAreaElement>) => {
    caret.current = { start: e.currentTarget.selectionStart, end: e.currentTarget.selectionEnd };
  };

  /** Puts a phrase where the cursor was (replacing a selection), then gives the cursor back, after it. */
  const insertPhrase = (body: string) => {
    const text = (form.getFieldValue('content') as string | undefined) ?? '';
    const start = Math.min(caret.current?.start ?? text.length, text.length);
    const end = Math.min(Math.max(caret.current?.end ?? start, start), text.length);
    const next = text.slice(0, start) + body + text.slice(end);
    form.setFieldsValue({ content: next });
    form.setFields([{ name: 'content', errors: [] }]);
    drafts.save(draftKey(params.get('callId')), form.getFieldsValue(true));
    setError(null);
    const at = start + body.length;
    caret.current = { start: at, end: at };
    requestAnimationFrame(() => {
      const el = contentRef.current?.resizableTextArea?.textArea;
      if (!el) return;
      el.focus();
      el.setSelectionRange(at, at);
    });
  };

  // A call on a department line (12319…) presets that line's category, unless the agent chose one already.
  useEffect(() => {
    if (line?.defaultCategoryCode && !form.getFieldValue('category')) form.setFieldsValue({ category: line.defaultCategoryCode });
  }, [line, form]);

  // A layout effect: the form shows the new caller in the same frame as the "incoming call" banner,
  // never the previous caller's values for a moment.
  useLayoutEffect(() => {
    const key = draftKey(params.get('callId'));
    const draft = drafts.load<Record<string, unknown>>(key);
    const incoming = params.get('phone');
    // Every field set explicitly, never form.resetFields(): resetting remounts the inputs, which threw
    // away the focus given below, so the agent's first words went nowhere.
    form.setFieldsValue({ ...EMPTY_FORM, ...(draft ?? {}), ...(incoming ? { callerPhone: incoming, callId: params.get('callId') ?? undefined } : {}) });
    setRestored(!!draft);
    setPhone(form.getFieldValue('callerPhone') ?? '');
    // After this render: the cursor goes to the first empty field, so the agent can type at once.
    const frame = requestAnimationFrame(() => firstEmptyField(formRef.current)?.focus());
    return () => cancelAnimationFrame(frame);
  }, [params, form]);

  /** Validates and registers the call; null when the form shows what to fix. Errors from the server are thrown. */
  const register = async () => {
    const values = form.getFieldsValue(true);
    if (values.callerPhone) {
      values.callerPhone = normalizePhoneInput(String(values.callerPhone));
      form.setFieldsValue({ callerPhone: values.callerPhone });
    }
    const body = validateWith(form, CreateTicketInput, { ...values, category: undefined, channel: 'phone', categoryCode: leafCode(values.category) }, t);
    if (!body) return null;
    const { data } = await api.createTicket(body);
    drafts.clear(draftKey(params.get('callId')));
    // The call's paperwork is done: wrap-up time, until the agent says available again.
    if (presence === 'busy') setPresence('after_call');
    return data;
  };

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const data = await register();
      if (!data) return;
      message.success(t('reg.created', { number: data.number }));
      navigate(`/agent/tickets/${data.id}`);
    } catch (e) {
      setError(errorMessage(e, locale));
    } finally {
      setBusy(false);
    }
  };

  const clear = () => {
    drafts.clear(draftKey(params.get('callId')));
    form.setFieldsValue(EMPTY_FORM);
    setRestored(false);
    setPhone('');
    firstEmptyField(formRef.current)?.focus();
  };

  return (
    <Row gutter={12}>
      <Col xs={24} lg={16}>
        <Card size="small" title={t('reg.title')}>
          {params.get('phone') && (
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 12 }}
              message={t('reg.incomingCall', { phone: params.get('phone')! })}
              data-testid="incoming-call"
            />
          )}
          {line && <DialledLine line={line} />}
          {restored && <Alert type="success" showIcon closable style={{ marginBottom: 12 }} message={t('reg.draftRestored')} data-testid="draft-restored" />}
          <div ref={formRef}>
            <Form
              form={form}
              layout="vertical"
              data-testid="register-form"
              onValuesChange={(changed, all) => {
                drafts.save(draftKey(params.get('callId')), all);
                // A fixed field loses its message at once, and the server's last refusal goes with it (never two that disagree).
                clearFieldErrors(changed);
                setError(null);
                if ('callerPhone' in changed) setPhone(changed.callerPhone ?? '');
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                  e.preventDefault();
                  void submit();
                }
              }}
              onFinish={submit}
            >
              <Form.Item name="callId" hidden>
                <Input />
              </Form.Item>
              <Row gutter={12}>
                <Col xs={24} md={8}>
                  <Form.Item name="callerPhone" label={t('reg.callerPhone')} required>
                    <Input
                      data-testid="reg-phone"
                      inputMode="tel"
                      // Shown as it will be stored: "+86 138 0013 8000" becomes 13800138000 when the agent moves on.
                      onBlur={(e) => {
                        const v = normalizePhoneInput(e.target.value);
                        if (v !== e.target.value) {
                          form.setFieldsValue({ callerPhone: v });
                          setPhone(v);
                        }
                      }}
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item name="callerName" label={t('reg.callerName')}>
                    <Input data-testid="reg-name" />
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item name="idNumber" label={t('reg.idNumber')}>
                    <Input data-testid="reg-id" maxLength={18} />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item name="content" label={t('reg.content')} required style={{ marginBottom: 4 }}>
                <Input.TextArea rows={5} data-testid="reg-content" ref={contentRef as never} onSelect={rememberCaret} onBlur={rememberCaret} />
              </Form.Item>
              <div style={{ display: 'flex', justifyContent: 'flex-end', marginBottom: 12 }}>
                <PhrasePicker onPick={insertPhrase} />
              </div>
              <Form.Item name="title" label={t('reg.subject')}>
                <Input data-testid="reg-title" />
              </Form.Item>
              <Row gutter={12}>
                <Col xs={24} md={8}>
                  <Form.Item name="appealType" label={t('reg.appealType')}>
                    <Select allowClear data-testid="reg-type" options={APPEAL_TYPES.map((v) => ({ value: v, label: t(`type.${v}`) }))} />
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item name="urgency" label={t('reg.urgency')}>
                    <Select allowClear data-testid="reg-urgency" options={URGENCIES.map((v) => ({ value: v, label: t(`urgency.${v}`) }))} />
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item name="category" label={t('reg.category')}>
                    <CategoryCascader testId="reg-category" />
                  </Form.Item>
                </Col>
              </Row>
              <Row gutter={12}>
                <Col xs={24} md={8}>
                  <Form.Item name="regionCode" label={t('reg.region')}>
                    <RegionCascader
                      testId="reg-region"
                      onChange={(code, path) => {
                        form.setFieldsValue({ regionCode: code });
                        // The address starts with the region picked, unless the agent has typed more than an earlier prefill.
                        const address = form.getFieldValue('address') as string | undefined;
                        if (!address || address === regionPrefill.current) {
                          regionPrefill.current = regionNames(regions, path);
                          form.setFieldsValue({ address: regionPrefill.current });
                        }
                      }}
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} md={16}>
                  <Form.Item name="address" label={t('reg.address')}>
                    <Input data-testid="reg-address" />
                  </Form.Item>
                </Col>
              </Row>
              <Row gutter={12} align="bottom">
                <Col xs={24} md={8}>
                  <Form.Item name="emergency" label={t('reg.emergency')}>
                    <Select allowClear data-testid="reg-emergency" options={EMERGENCY_LINES.map((v) => ({ value: v, label: t(`line.${v}`) }))} />
                  </Form.Item>
                </Col>
                <Col xs={24} md={16}>
                  <Form.Item name="anonymousToUnits" valuePropName="checked">
                    <Checkbox data-testid="reg-anonymous">{t('reg.anonymous')}</Checkbox>
                  </Form.Item>
                </Col>
              </Row>
              {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="reg-error" />}
              <Space>
                <Button type="primary" htmlType="submit" loading={busy} data-testid="reg-submit">
                  {t('reg.submit')}
                </Button>
                <Button onClick={clear} data-testid="reg-clear">
                  {t('reg.clear')}
                </Button>
              </Space>
            </Form>
          </div>
        </Card>
      </Col>
      <Col xs={24} lg={8}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <SameMatterCandidates text={content} phone={phone} regionCode={regionCode} />
          <CallerHistory phone={phone} />
          <KnowledgePanel text={content ?? ''} onUse={(article, kind) => setKbUse({ article, kind })} />
          <KnowledgeAnswerDialog use={kbUse} phone={phone} register={register} onClose={() => setKbUse(null)} />
        </Space>
      </Col>
    </Row>
  );
}
