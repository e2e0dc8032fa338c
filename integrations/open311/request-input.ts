/**
 * POST requests.{fmt} form fields → InboundAppeal (GeoReport v2 "POST Service Request").
 * Checks location (one of lat+long, address_string, address_id) and attribute[CODE] values
 * against the service definition.
 */
import type { InboundAppeal } from '../inbound-appeal';
import type { Open311Service } from './ports';

export class RequestInputError extends Error {}

function num(v: string | null, name: string, lim: number): number | undefined {
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || Math.abs(n) > lim) throw new RequestInputError(`${name} is not a valid coordinate`);
  return n;
}

export function toAppeal(p: URLSearchParams, svc: Open311Service, ctx: { keyId: string; externalId: string; receivedAt: Date }): InboundAppeal {
  const lat = num(p.get('lat'), 'lat', 90);
  const lng = num(p.get('long'), 'long', 180);
  if ((lat === undefined) !== (lng === undefined)) throw new RequestInputError('lat and long must be sent together');
  const address = p.get('address_string')?.trim() || undefined;
  const addressId = p.get('address_id')?.trim() || undefined;
  if (lat === undefined && !address && !addressId) {
    throw new RequestInputError('a location is required: lat & long, address_string or address_id');
  }

  // attribute[CODE]=value, repeated for multivaluelist.
  const given = new Map<string, string[]>();
  for (const [k, v] of p) {
    const m = /^attribute\[([^\]]+)\]$/.exec(k);
    if (m) given.set(m[1], [...(given.get(m[1]) ?? []), v]);
  }
  const defs = new Map((svc.attributes ?? []).map((a) => [a.code, a]));
  for (const code of given.keys()) if (!defs.has(code)) throw new RequestInputError(`unknown attribute ${code}`);
  const attrLines: string[] = [];
  for (const a of defs.values()) {
    const vals = (given.get(a.code) ?? []).filter((v) => v !== '');
    if (a.required && a.variable && vals.length === 0) throw new RequestInputError(`attribute ${a.code} is required`);
    if (vals.length === 0) continue;
    if (a.datatype !== 'multivaluelist' && vals.length > 1) throw new RequestInputError(`attribute ${a.code} takes one value`);
    if (a.datatype === 'singlevaluelist' || a.datatype === 'multivaluelist') {
      const keys = new Set((a.values ?? []).map((x) => x.key));
      for (const v of vals) if (!keys.has(v)) throw new RequestInputError(`attribute ${a.code} has no value ${v}`);
      const names = vals.map((v) => a.values!.find((x) => x.key === v)!.name);
      attrLines.push(`${a.description}：${names.join('、')}`);
    } else {
      if (a.datatype === 'number' && !Number.isFinite(Number(vals[0]))) throw new RequestInputError(`attribute ${a.code} must be a number`);
      if (a.datatype === 'datetime' && Number.isNaN(new Date(vals[0]).getTime())) throw new RequestInputError(`attribute ${a.code} must be a datetime`);
      attrLines.push(`${a.description}：${vals[0]}`);
    }
  }

  const description = p.get('description')?.trim() ?? '';
  // InboundAppeal has no field for service attributes: they are kept readable in the text.
  const text = [description || `[${svc.name}]`, ...attrLines].join('\n');
  const first = p.get('first_name')?.trim();
  const last = p.get('last_name')?.trim();
  const name = [last, first].filter(Boolean).join('') || undefined; // 姓在前
  const email = p.get('email')?.trim() || undefined;
  const phone = p.get('phone')?.trim() || undefined;
  const mediaUrl = p.get('media_url')?.trim();
  if (mediaUrl && !/^https?:\/\//i.test(mediaUrl)) throw new RequestInputError('media_url must be an http(s) URL');

  return {
    channel: 'open311',
    channelAccount: ctx.keyId,
    externalId: ctx.externalId,
    receivedAt: ctx.receivedAt.toISOString(),
    citizen: { ...(email ? { email } : {}), ...(phone ? { phone } : {}), ...(name ? { name } : {}) },
    content: { text },
    location: {
      ...(lat !== undefined ? { lat, lng } : {}),
      ...(address || addressId ? { address: address ?? `address_id:${addressId}` } : {}),
    },
    attachments: mediaUrl ? [{ kind: 'image', mime: 'image/*', remoteRef: mediaUrl }] : [],
    hints: { serviceCode: svc.code, categoryCode: svc.code },
    replyRoute: email ? { channel: 'email', address: email } : phone ? { channel: 'sms', address: phone } : { channel: 'open311', address: ctx.keyId },
  };
}
