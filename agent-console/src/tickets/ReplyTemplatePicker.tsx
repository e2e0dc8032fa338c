import { Form, Select, type FormInstance } from 'antd';
import { useEffect, useState } from 'react';
import { get } from '../api/client';
import { useI18n } from '../i18n';

interface ReplyTemplate {
  id: string;
  outcome: string | null;
  title: string;
  text: string;
}

/**
 * 答复模板 (GET /api/reply-templates): picking one fills the reply text and its 办理结果; the clerk
 * then replaces the 【…】 blanks. Text already typed is replaced only when it is still empty or
 * another template's text, so a template never wipes the clerk's own words.
 */
export function ReplyTemplatePicker({ form }: { form: FormInstance }) {
  const { t } = useI18n();
  const [list, setList] = useState<ReplyTemplate[]>([]);
  useEffect(() => {
    let live = true;
    get<ReplyTemplate[]>('/api/reply-templates')
      .then((r) => live && setList(Array.isArray(r.data) ? r.data : []))
      .catch((e: unknown) => {
        console.warn('reply templates could not be read; the reply is written without them', e);
        if (live) setList([]);
      });
    return () => {
      live = false;
    };
  }, []);
  return (
    <Form.Item label={t('reply.template')}>
      <Select
        allowClear
        showSearch
        optionFilterProp="label"
        placeholder={t('reply.templateHint')}
        data-testid="reply-template"
        options={list.map((x) => ({ value: x.id, label: x.outcome ? `${t(`outcome.${x.outcome}`)} · ${x.title}` : x.title }))}
        onChange={(id?: string) => {
          const tpl = list.find((x) => x.id === id);
          if (!tpl) return;
          const current = (form.getFieldValue('text') as string | undefined)?.trim();
          const fromTemplate = !current || list.some((x) => x.text === current);
          // The administrator's templates carry no 办理结果: the clerk's choice (or none yet) stays.
          form.setFieldsValue({ ...(fromTemplate ? { text: tpl.text } : {}), ...(tpl.outcome ? { outcome: tpl.outcome } : {}) });
          // A value set by code does not clear an error shown earlier: do it, or "必填" stays beside filled text.
          form.setFields([{ name: 'text', errors: [] }, ...(tpl.outcome ? [{ name: 'outcome', errors: [] }] : [])]);
        }}
      />
    </Form.Item>
  );
}
