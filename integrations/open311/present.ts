/** Presenters: our ports' views → GeoReport v2 objects. Whitelists fields; no personal data. */
import type { PublicTicketView } from '../shared/ports';
import type { Open311Service } from './ports';

export function presentService(s: Open311Service) {
  return {
    service_code: s.code,
    service_name: s.name,
    description: s.description ?? '',
    metadata: (s.attributes?.length ?? 0) > 0,
    type: s.type ?? 'realtime',
    keywords: (s.keywords ?? []).join(','),
    group: s.group ?? '',
  };
}

export function presentDefinition(s: Open311Service) {
  return {
    service_code: s.code,
    attributes: [...(s.attributes ?? [])]
      .sort((a, b) => a.order - b.order)
      .map((a) => ({
        variable: a.variable,
        code: a.code,
        datatype: a.datatype,
        required: a.required,
        datatype_description: a.datatypeDescription ?? null,
        order: a.order,
        description: a.description,
        ...(a.values ? { values: a.values.map((v) => ({ key: v.key, name: v.name })) } : {}),
      })),
  };
}

/** RFC 3339 in China Standard Time (+08:00), the offset citizens and units read. */
export function rfc3339(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return undefined;
  const local = new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19);
  return `${local}+08:00`;
}

/**
 * GeoReport v2 declares service_code a string on every request; a ticket the centre has not
 * classified yet (or filed under a code no longer offered) is listed under this code.
 */
export const UNCLASSIFIED_SERVICE = { code: 'unclassified', name: '待分类' } as const;

export function presentRequest(t: PublicTicketView) {
  const out: Record<string, unknown> = {
    service_request_id: t.ticketNo,
    status: t.status,
    status_notes: t.statusNotes ?? null,
    service_name: t.serviceCode ? (t.serviceName ?? null) : UNCLASSIFIED_SERVICE.name,
    service_code: t.serviceCode ?? UNCLASSIFIED_SERVICE.code,
    description: t.description,
    agency_responsible: t.agencyResponsible ?? null,
    service_notice: null,
    requested_datetime: rfc3339(t.requestedAt),
    updated_datetime: rfc3339(t.updatedAt) ?? null,
    expected_datetime: rfc3339(t.expectedAt) ?? null,
    address: t.address ?? null,
    address_id: null,
    zipcode: null,
    lat: t.lat ?? null,
    long: t.lng ?? null,
    media_url: t.mediaUrl ?? null,
  };
  return out;
}
