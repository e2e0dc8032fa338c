import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/**
 * Checks live responses against an OpenAPI 3.1 document: the response's status and content type
 * must be documented for the operation, and its body must validate against the documented schema
 * (JSON Schema 2020-12, the dialect of OpenAPI 3.1). Returns the problems found, [] when it conforms.
 */
export function openApiChecker(doc: Record<string, any>) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc, 'openapi.json');
  const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
  let checked = 0;
  return {
    check(method: string, template: string, res: { status: number; body: unknown; headers: Headers }): string[] {
      const op = doc.paths?.[template]?.[method.toLowerCase()];
      if (!op) return [`${method} ${template} is not in the document`];
      const response = op.responses?.[String(res.status)];
      if (!response) return [`${method} ${template} answered ${res.status}, which is not documented`];
      const type = (res.headers.get('content-type') ?? '').split(';')[0].trim();
      if (!response.content?.[type])
        return [`${method} ${template} ${res.status} answered ${type}, documented: ${Object.keys(response.content ?? {}).join(', ')}`];
      const ref = `openapi.json#/paths/${esc(template)}/${method.toLowerCase()}/responses/${res.status}/content/${esc(type)}/schema`;
      const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
      checked += 1;
      return validate(res.body) ? [] : (validate.errors ?? []).map((e) => `${method} ${template} ${res.status}: ${e.instancePath} ${e.message}`);
    },
    get checked() {
      return checked;
    },
  };
}
