/**
 * Open311 GeoReport v2 wire formats: the same resource as JSON or XML, chosen by the path
 * suffix. XML element names for list items follow the spec's examples (services/service,
 * service_requests/request, attributes/attribute, values/value, errors/error).
 */
import type { Response } from 'express';

export type Format = 'json' | 'xml';

const ITEM: Record<string, string> = {
  services: 'service',
  service_requests: 'request',
  attributes: 'attribute',
  values: 'value',
  errors: 'error',
  endpoints: 'endpoint',
  formats: 'format',
};

function esc(s: string): string {
  return (
    s
      .replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!)
      // XML 1.0 forbids most control characters; drop them rather than emit an unparsable document.
      // eslint-disable-next-line no-control-regex -- matching control characters is the point
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
  );
}

function el(name: string, v: unknown): string {
  if (v === undefined) return '';
  if (v === null) return `<${name}/>`;
  if (Array.isArray(v)) {
    const item = ITEM[name] ?? 'item';
    return `<${name}>${v.map((x) => el(item, x)).join('')}</${name}>`;
  }
  if (typeof v === 'object')
    return `<${name}>${Object.entries(v as object)
      .map(([k, x]) => el(k, x))
      .join('')}</${name}>`;
  return `<${name}>${esc(String(v))}</${name}>`;
}

export function toXml(root: string, value: unknown): string {
  return `<?xml version="1.0" encoding="utf-8"?>${el(root, value)}`;
}

export function send(res: Response, fmt: Format, status: number, xmlRoot: string, value: unknown) {
  res.status(status);
  if (fmt === 'xml') return res.type('application/xml; charset=utf-8').send(toXml(xmlRoot, value));
  return res.type('application/json; charset=utf-8').send(JSON.stringify(value));
}

/** Spec error shape: JSON `[{code, description}]`, XML `<errors><error>…`; code = the HTTP status. */
export function sendError(res: Response, fmt: Format, status: number, description: string) {
  return send(res, fmt, status, 'errors', [{ code: status, description }]);
}
