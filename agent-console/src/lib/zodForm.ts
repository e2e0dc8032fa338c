import type { FormInstance } from 'antd';
import type * as z from 'zod/mini';
import { fieldErrors } from '../api/schemas';
import type { Translate } from '../i18n';
import { announce } from './announce';

/**
 * Runs the zod schema over antd form values: on failure marks the fields (messages are i18n keys,
 * translated here) and returns null; on success returns the parsed, trimmed body for the API.
 */
export function validateWith<S extends z.ZodMiniType>(form: FormInstance, schema: S, values: unknown, t: Translate): z.infer<S> | null {
  const result = schema.safeParse(values);
  if (result.success) return result.data;
  const errors = fieldErrors(result.error);
  const fields = Object.entries(errors).map(([name, key]) => ({ name: name.split('.'), errors: [t(key)] }));
  form.setFields(fields);
  announceErrors(form, fields);
  return null;
}

/** Says the errors out loud and puts the caret in the first wrong field (WCAG 3.3.1, 2.4.3). */
export function announceErrors(form: FormInstance, fields: { name: (string | number)[] | string; errors: string[] }[]) {
  if (fields.length === 0) return;
  announce(fields.map((f) => f.errors[0]).join('；'));
  try {
    form.scrollToField(fields[0].name, { focus: true, block: 'center' });
  } catch {
    // A field the form does not render (a schema path without an input) has nothing to focus: the message is still said.
  }
}

/**
 * A message set by validateWith stays until something clears it (antd re-validates only fields with
 * rules, and these forms have none): pass this to Form's onValuesChange, or call it from there, so a
 * field's message goes as soon as the person changes that field — the schema checks it again on submit.
 * `dependents` clears fields whose rule reads the changed one (the contact time when "contacted" changes).
 */
export function clearErrorsOnChange(form: FormInstance, dependents: Record<string, string[]> = {}) {
  return (changed: Record<string, unknown>) => {
    const names = Object.keys(changed).flatMap((k) => [k, ...(dependents[k] ?? [])]);
    const shown = names.filter((n) => form.getFieldError(n.split('.')).length > 0);
    if (shown.length) form.setFields(shown.map((n) => ({ name: n.split('.'), errors: [] })));
  };
}
