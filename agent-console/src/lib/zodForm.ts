import type { FormInstance } from 'antd';
import type * as z from 'zod/mini';
import { fieldErrors } from '../api/schemas';
import type { Translate } from '../i18n';

/**
 * Runs the zod schema over antd form values: on failure marks the fields (messages are i18n keys,
 * translated here) and returns null; on success returns the parsed, trimmed body for the API.
 */
export function validateWith<S extends z.ZodMiniType>(
  form: FormInstance,
  schema: S,
  values: unknown,
  t: Translate,
): z.infer<S> | null {
  const result = schema.safeParse(values);
  if (result.success) return result.data;
  const errors = fieldErrors(result.error);
  form.setFields(Object.entries(errors).map(([name, key]) => ({ name: name.split('.'), errors: [t(key)] })));
  return null;
}
