import { App, Button, Form, Input, Modal, Radio, Select, Upload } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { api } from '../api/endpoints';
import { ApiError, errorMessage } from '../api/problem';
import type { TicketDetail } from '../api/types';
import { useI18n } from '../i18n';
import { parseActionBody, type ActionSpec, type FieldSpec } from '../lib/actions';
import { drafts } from '../lib/drafts';
import { fieldErrors } from '../api/schemas';
import { clearErrorsOnChange } from '../lib/zodForm';
import { useUnits } from './units';
import { CategoryCascader, leafCode } from './CategoryCascader';
import { DispatchProposalHint } from './DispatchProposalHint';
import { ReplyTemplatePicker } from './ReplyTemplatePicker';
import { classificationDefaults } from '../lib/suggestion';
import { useCategoryCodeByName } from '../lib/categoryIndex';

interface Props {
  ticket: TicketDetail;
  spec: ActionSpec | null;
  onClose: () => void;
  onDone: (t: TicketDetail) => void;
  /** Someone else moved the ticket first (409): the page reloads it so the buttons match again. */
  onStale?: () => void;
}

/** Only unit fields load /api/units. */
function UnitSelect({ multiple, testId, ...rest }: { multiple: boolean; testId: string; value?: unknown; onChange?: (v: unknown) => void }) {
  const options = useUnits().map((u) => ({ value: u.id, label: u.name }));
  return <Select {...rest} mode={multiple ? 'multiple' : undefined} showSearch optionFilterProp="label" options={options} data-testid={testId} />;
}

type Cited = { name: string; storageKey: string };

/**
 * Reply files: each is uploaded for this ticket as soon as it is picked (the server checks type
 * and size then), and the form's value is what the reply cites: `[{name, storageKey}]`.
 */
function ReplyFiles({ ticketId, value, onChange }: { ticketId: string; value?: unknown; onChange?: (v: unknown) => void }) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const cited = (Array.isArray(value) ? value : []) as Cited[];
  // Several files may finish in any order: each adds to the latest list, not the one it started with.
  const latest = useRef(cited);
  latest.current = cited;
  return (
    <Upload
      multiple
      fileList={cited.map((c) => ({ uid: c.storageKey, name: c.name, status: 'done' as const }))}
      onRemove={(f) => onChange?.(latest.current.filter((c) => c.storageKey !== f.uid))}
      customRequest={async ({ file, onSuccess, onError }) => {
        try {
          const { data } = await api.uploadAttachment(ticketId, file as File);
          // Read the latest value: several files may finish in any order.
          latest.current = [...latest.current, { name: data.name, storageKey: data.storageKey }];
          onChange?.(latest.current);
          onSuccess?.(data);
        } catch (e) {
          message.error(errorMessage(e, locale));
          onError?.(e as Error);
        }
      }}
      maxCount={10}
    >
      <Button data-testid="field-attachments">{t('field.attachmentsPick')}</Button>
    </Upload>
  );
}

function FieldInput({ field, ticketId, ...rest }: { field: FieldSpec; ticketId: string; value?: unknown; onChange?: (v: unknown) => void }) {
  const { t } = useI18n();
  switch (field.kind) {
    case 'files':
      return <ReplyFiles ticketId={ticketId} {...rest} />;
    case 'textarea':
      return <Input.TextArea {...rest} value={rest.value as string} rows={4} data-testid={`field-${field.name}`} />;
    case 'date':
      return <Input {...rest} value={rest.value as string} type="date" data-testid={`field-${field.name}`} />;
    case 'datetime':
      return <Input {...rest} value={rest.value as string} type="datetime-local" data-testid={`field-${field.name}`} />;
    case 'yesno':
      // Radios: arrow keys choose, so the whole reply form works from the keyboard.
      return (
        <Radio.Group {...rest} value={rest.value} onChange={(e) => rest.onChange?.(e.target.value)} data-testid={`field-${field.name}`}>
          <Radio value={true} data-testid={`field-${field.name}-yes`}>
            {t('app.yes')}
          </Radio>
          <Radio value={false} data-testid={`field-${field.name}-no`}>
            {t('app.no')}
          </Radio>
        </Radio.Group>
      );
    case 'select':
      return (
        <Select
          {...rest}
          data-testid={`field-${field.name}`}
          options={(field.options ?? []).map((v) => ({ value: v, label: t(`${field.labelPrefix}${v}`) }))}
        />
      );
    case 'category':
      return <CategoryCascader {...(rest as object)} testId={`field-${field.name}`} />;
    case 'unit':
    case 'units':
      return <UnitSelect {...rest} multiple={field.kind === 'units'} testId={`field-${field.name}`} />;
    default:
      return <Input {...rest} value={rest.value as string} data-testid={`field-${field.name}`} />;
  }
}

/** One modal for every action: fields from lib/actions, body checked by the action's zod schema. */
export function ActionModal({ ticket, spec, onClose, onDone, onStale }: Props) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const draftKey = spec ? `action:${ticket.id}:${spec.action}` : '';
  const codeForName = useCategoryCodeByName(spec?.action === 'submit');

  useEffect(() => {
    if (!spec) return;
    form.resetFields();
    setError(null);
    if (spec.draft) form.setFieldsValue(drafts.load(draftKey) ?? {});
    if (spec.action === 'submit') form.setFieldsValue(classificationDefaults(ticket, codeForName));
    // Defaults are taken once, when the form opens: a live refetch of the same ticket (a new object
    // on every event) must not wipe what the user is typing, so the ticket's id is the dependency.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- see above
  }, [spec, draftKey, form, ticket.id]);

  // The tree may answer after the form opened: fill the suggested category then, unless already chosen.
  const suggestedCode = spec?.action === 'submit' ? classificationDefaults(ticket, codeForName).categoryCode : undefined;
  useEffect(() => {
    if (suggestedCode && !form.getFieldValue('categoryCode')) form.setFieldsValue({ categoryCode: suggestedCode });
  }, [suggestedCode, form]);

  const submit = async () => {
    if (!spec) return;
    const values = form.getFieldsValue();
    if ('categoryCode' in values) values.categoryCode = leafCode(values.categoryCode);
    const parsed = parseActionBody(spec.action, values);
    if (!parsed.success) {
      const errs = fieldErrors(parsed.error);
      form.setFields(Object.entries(errs).map(([name, key]) => ({ name, errors: [t(key)] })));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const { data } = await api.act(ticket.id, spec.action, parsed.data as Record<string, unknown>);
      if (spec.draft) drafts.clear(draftKey);
      message.success(t('action.done'));
      onDone(data);
      onClose();
    } catch (e) {
      setError(errorMessage(e, locale));
      if (e instanceof ApiError && e.status === 409) onStale?.();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={!!spec}
      title={spec ? `${t(`action.${spec.action}`)} · ${ticket.number}` : ''}
      onCancel={onClose}
      onOk={submit}
      confirmLoading={busy}
      okText={t('app.ok')}
      cancelText={t('app.cancel')}
      okButtonProps={{ danger: spec?.tone === 'danger', ...({ 'data-testid': 'action-confirm' } as Record<string, string>) }}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        onValuesChange={(changed, all) => {
          clearErrorsOnChange(form, { citizenContacted: ['contactedAt'] })(changed);
          if (spec?.draft) drafts.save(draftKey, all);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit();
        }}
      >
        {spec?.action === 'dispatch' && <DispatchProposalHint ticketId={ticket.id} form={form} />}
        {spec?.action === 'reply' && <ReplyTemplatePicker form={form} />}
        {spec?.fields.map((f) =>
          f.showIf ? (
            <Form.Item key={f.name} noStyle shouldUpdate={(a, b) => a[f.showIf!.field] !== b[f.showIf!.field]}>
              {() =>
                form.getFieldValue(f.showIf!.field) === f.showIf!.equals ? (
                  <Form.Item name={f.name} label={t(`field.${f.name}`)}>
                    <FieldInput field={f} ticketId={ticket.id} />
                  </Form.Item>
                ) : null
              }
            </Form.Item>
          ) : (
            <Form.Item key={f.name} name={f.name} label={t(`field.${f.name}`)}>
              <FieldInput field={f} ticketId={ticket.id} />
            </Form.Item>
          ),
        )}
        {error && (
          <div role="alert" style={{ color: '#cf1322' }} data-testid="action-error">
            {error}
          </div>
        )}
      </Form>
    </Modal>
  );
}
