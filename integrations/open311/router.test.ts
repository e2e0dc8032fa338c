import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import type { PublicTicketView } from '../shared/ports';
import { MemoryIntake, MemoryRateLimit } from '../shared/test-fixtures';
import { listen } from '../shared/test-server';
import * as schemas from './fixtures/georeport-schemas';
import type { Open311RequestsPort, Open311Service } from './ports';
import { createOpen311Router } from './router';

const NOW = new Date('2026-11-25T04:00:00Z');
const SERVICES: Open311Service[] = [
  {
    code: '0503',
    name: '路灯故障',
    description: '路灯不亮、损坏',
    group: '市政设施',
    keywords: ['路灯', '照明'],
    attributes: [
      {
        variable: true,
        code: 'LAMP_STATE',
        datatype: 'singlevaluelist',
        required: true,
        order: 1,
        description: '路灯状态',
        values: [
          { key: 'off', name: '不亮' },
          { key: 'blink', name: '闪烁' },
        ],
      },
      { variable: true, code: 'POLE_NO', datatype: 'string', required: false, order: 2, description: '灯杆编号' },
    ],
  },
  { code: '0601', name: '噪音扰民', group: '环境保护' },
];
const TICKETS: PublicTicketView[] = [
  {
    ticketNo: '20261120000001',
    status: 'open',
    serviceCode: '0503',
    serviceName: '路灯故障',
    description: '路灯不亮',
    requestedAt: '2026-11-20T02:00:00Z',
    updatedAt: '2026-11-21T02:00:00Z',
    expectedAt: '2026-12-04T09:59:59Z',
    agencyResponsible: '市城管局',
    address: '天河路1号',
    lat: 23.13,
    lng: 113.32,
    statusNotes: '已派单',
  },
  { ticketNo: '20260820000009', status: 'closed', serviceCode: '0601', description: '夜间施工', requestedAt: '2026-08-20T12:00:00Z' },
];
const requests: Open311RequestsPort = {
  get: async (_key, no) => {
    const t = TICKETS.find((x) => x.ticketNo === no);
    return t ? { ...t, scope: 'own' } : null;
  },
  list: async (_key, f) =>
    TICKETS.map((t) => ({ ...t, scope: 'own' as const }))
      .filter((t) =>
        f.ticketNos
          ? f.ticketNos.includes(t.ticketNo)
          : (!f.serviceCodes || f.serviceCodes.includes(t.serviceCode!)) &&
            (!f.status || f.status.includes(t.status)) &&
            new Date(t.requestedAt) >= f.from &&
            new Date(t.requestedAt) <= f.to,
      )
      .slice(0, f.limit),
};

let intake: MemoryIntake;
let srv: { url: string; close(): Promise<void> };
let srv2: { url: string; close(): Promise<void> };
let srv3: { url: string; close(): Promise<void> };
const deps = (jurisdictions: string[], extra: object = {}) => ({
  ...extra,
  get intake() {
    return intake;
  },
  catalog: { list: async () => SERVICES, get: async (_j: string, c: string) => SERVICES.find((s) => s.code === c) ?? null },
  apiKeys: { verify: async (k: string) => (k === 'demo-key' ? { keyId: 'app-1' } : null) },
  requests,
  jurisdictions,
  now: () => NOW,
  discovery: { changeset: '2026-11-25T00:00:00+08:00', contact: '12345@city.gov.cn', keyService: '联系管理员申请', baseUrl: 'http://127.0.0.1/open311/v2' },
});
beforeAll(async () => {
  srv = await listen([['/open311/v2', createOpen311Router(deps(['city.gov.cn']))]]);
  srv2 = await listen([['/open311/v2', createOpen311Router(deps(['gd.gov.cn', 'gz.gov.cn']))]]);
  srv3 = await listen([['/open311/v2', createOpen311Router(deps(['city.gov.cn'], { rateLimit: new MemoryRateLimit(), postsPerHour: 2 }))]]);
});
afterAll(async () => {
  await srv.close();
  await srv2.close();
  await srv3.close();
});
beforeEach(() => {
  intake = new MemoryIntake();
});

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default ? addFormats.default(ajv) : (addFormats as unknown as (a: Ajv) => void)(ajv);
const xml = new XMLParser({
  parseTagValue: false,
  isArray: (name) => ['service', 'request', 'attribute', 'value', 'error', 'endpoint', 'format'].includes(name),
});

// Reads of requests need an api_key (the server's rule; the spec leaves it optional).
const withKey = (path: string) => (path.startsWith('requests') ? `${path}${path.includes('?') ? '&' : '?'}api_key=demo-key` : path);
const get = (path: string, base = srv.url) => fetch(`${base}/open311/v2/${withKey(path)}`);
const post = (fmt: string, form: Record<string, string | string[]>, headers: Record<string, string> = {}) => {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const x of [v].flat()) body.append(k, x);
  return fetch(`${srv.url}/open311/v2/requests.${fmt}`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
};
function valid(schema: object, data: unknown) {
  const ok = ajv.validate(schema, data);
  expect(ajv.errors ?? []).toEqual([]);
  return ok;
}

describe('crawl and validate every resource (JSON against the GeoReport v2 schemas)', () => {
  it('discovery, services, each service definition, requests, each request', async () => {
    expect(valid(schemas.discovery, (await (await get('discovery.json')).json()) as any)).toBe(true);
    const services = (await (await get('services.json')).json()) as any;
    expect(valid(schemas.serviceList, services)).toBe(true);
    expect(services[0]).toMatchObject({ service_code: '0503', metadata: true, keywords: '路灯,照明', group: '市政设施' });
    for (const s of services) {
      const def = await (await get(`services/${s.service_code}.json`)).json();
      expect(valid(schemas.serviceDefinition, def)).toBe(true);
    }
    const reqs = (await (await get('requests.json')).json()) as any;
    expect(valid(schemas.requestList, reqs)).toBe(true);
    expect(reqs.map((r: { service_request_id: string }) => r.service_request_id)).toEqual(['20261120000001']); // default: last 90 days
    for (const r of reqs) {
      const one = (await (await get(`requests/${r.service_request_id}.json`)).json()) as any;
      expect(valid(schemas.requestList, one)).toBe(true);
      expect(one).toHaveLength(1);
      expect(one[0]).toMatchObject({ requested_datetime: '2026-11-20T10:00:00+08:00', long: 113.32, agency_responsible: '市城管局' });
    }
  });

  it('XML round trip: every resource carries the same data as its JSON twin, under the spec roots', async () => {
    const pairs: [string, string, string][] = [
      ['services', 'services', 'service'],
      ['requests', 'service_requests', 'request'],
      ['requests/20261120000001', 'service_requests', 'request'],
    ];
    for (const [path, root, item] of pairs) {
      const j = (await (await get(`${path}.json`)).json()) as any;
      const res = await get(`${path}.xml`);
      expect(res.headers.get('content-type')).toMatch(/application\/xml/);
      const x = xml.parse(await res.text())[root][item];
      expect(x.map((o: Record<string, string>) => o.service_code)).toEqual(j.map((o: Record<string, string>) => o.service_code));
      expect(x[0].description).toBe(j[0].description);
    }
    const def = xml.parse(await (await get('services/0503.xml')).text()).service_definition;
    expect(def.attributes.attribute[0].values.value.map((v: { key: string }) => v.key)).toEqual(['off', 'blink']);
    expect(xml.parse(await (await get('discovery.xml')).text()).discovery.endpoints.endpoint[0].specification).toBe('http://wiki.open311.org/GeoReport_v2');
  });

  it('filters: status, service_code, date span ≤ 90 days, service_request_id overrides', async () => {
    const ids = async (qs: string) =>
      ((await (await get(`requests.json?${qs}`)).json()) as any).map((r: { service_request_id: string }) => r.service_request_id);
    expect(await ids('status=closed&start_date=2026-08-01T00:00:00Z&end_date=2026-10-29T00:00:00%2B08:00')).toEqual(['20260820000009']);
    expect(await ids('service_code=0601')).toEqual([]);
    expect(await ids('service_request_id=20260820000009,20261120000001&status=open')).toEqual(['20261120000001', '20260820000009']);
    const res = await get('requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-11-01T00:00:00Z');
    expect(res.status).toBe(400);
    expect(valid(schemas.errors, (await res.json()) as any)).toBe(true);
  });
});

describe('POST requests', () => {
  const good = {
    api_key: 'demo-key',
    service_code: '0503',
    lat: '23.13',
    long: '113.32',
    'attribute[LAMP_STATE]': 'off',
    description: '天河路口路灯整晚不亮',
    first_name: '小明',
    last_name: '王',
    phone: '13800138000',
    account_id: 'acc-9',
  };

  it('creates a ticket synchronously and returns service_request_id (= ticket number), no token', async () => {
    const res = await post('json', good);
    expect(res.status).toBe(201);
    const body = (await res.json()) as any;
    expect(valid(schemas.postResponse, body)).toBe(true);
    expect(body[0]).toEqual({ service_request_id: '20261125000001', service_notice: '已受理，工单号 20261125000001', account_id: 'acc-9' });
    expect(intake.appeals[0]).toMatchObject({
      channel: 'open311',
      channelAccount: 'app-1',
      citizen: { phone: '13800138000', name: '王小明' },
      location: { lat: 23.13, lng: 113.32 },
      hints: { serviceCode: '0503' },
      replyRoute: { channel: 'sms', address: '13800138000' },
    });
    expect(intake.appeals[0].content.text).toBe('天河路口路灯整晚不亮\n路灯状态：不亮');
  });

  it('XML answer; Idempotency-Key makes a retried POST return the same number', async () => {
    const key = '7d1c2a9e-8f00-4b5e-9d7a-0c9b5e1f2a33';
    const a = await (await post('xml', good, { 'Idempotency-Key': key })).text();
    const b = await (await post('xml', good, { 'Idempotency-Key': key })).text();
    expect(xml.parse(a).service_requests.request[0].service_request_id).toBe('20261125000001');
    expect(b).toBe(a);
    expect(intake.appeals).toHaveLength(1);
  });

  it.each([
    ['missing api_key', { ...good, api_key: '' }, 403],
    ['bad api_key', { ...good, api_key: 'guess' }, 403],
    ['unknown service code', { ...good, service_code: '9999' }, 404],
    ['missing service code', { ...good, service_code: '' }, 400],
    ['no location', { ...good, lat: '', long: '' }, 400],
    ['lat without long', { ...good, long: '' }, 400],
    ['latitude out of range', { ...good, lat: '123' }, 400],
    ['missing required attribute', { ...good, 'attribute[LAMP_STATE]': '' }, 400],
    ['unknown attribute value', { ...good, 'attribute[LAMP_STATE]': 'exploded' }, 400],
    ['unknown attribute code', { ...good, 'attribute[COLOR]': 'red' }, 400],
    ['unknown jurisdiction', { ...good, jurisdiction_id: 'elsewhere' }, 404],
  ])('%s → %s in the spec error shape, nothing registered', async (_n, form, status) => {
    for (const fmt of ['json', 'xml']) {
      const res = await post(fmt, form as Record<string, string>);
      expect(res.status).toBe(status);
      const text = await res.text();
      if (fmt === 'json') expect(valid(schemas.errors, JSON.parse(text))).toBe(true);
      else expect(xml.parse(text).errors.error[0].code).toBe(String(status));
      expect(text).not.toMatch(/at .*\.ts|Error:/);
    }
    expect(intake.calls).toBe(0);
  });

  it('oversized and non-form bodies are refused', async () => {
    const big = await post('json', { ...good, description: 'x'.repeat(70_000) });
    expect(big.status).toBe(413);
    const json = await fetch(`${srv.url}/open311/v2/requests.json`, {
      method: 'POST',
      body: JSON.stringify(good),
      headers: { 'content-type': 'application/json' },
    });
    expect(json.status).toBe(400);
    expect(intake.calls).toBe(0);
  });
});

describe('lookups and errors', () => {
  it('unknown request id / service code → 404; tokens always 404; unknown format → 404', async () => {
    for (const p of ['requests/nope.json', 'services/9999.json', 'tokens/abc.json', 'services.yaml']) {
      const res = await get(p);
      expect(res.status).toBe(404);
      expect(valid(schemas.errors, (await res.json()) as any)).toBe(true);
    }
    expect(xml.parse(await (await get('services/9999.xml')).text()).errors.error[0].code).toBe('404');
  });

  it('several jurisdictions: jurisdiction_id is required (400) and must be known (404)', async () => {
    expect((await get('services.json', srv2.url)).status).toBe(400);
    expect((await get('services.json?jurisdiction_id=gz.gov.cn', srv2.url)).status).toBe(200);
    expect((await get('services.json?jurisdiction_id=sz.gov.cn', srv2.url)).status).toBe(404);
  });
});

describe('rate limit per api_key', () => {
  it('the third POST within the hour → 429 with Retry-After, in the spec error shape', async () => {
    const form = new URLSearchParams({ api_key: 'demo-key', service_code: '0601', address_string: '天河路2号', description: '夜间施工噪音' });
    const postIt = () =>
      fetch(`${srv3.url}/open311/v2/requests.json`, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect((await postIt()).status).toBe(201);
    expect((await postIt()).status).toBe(201);
    const third = await postIt();
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(valid(schemas.errors, await third.json())).toBe(true);
    expect(intake.appeals).toHaveLength(2);
    expect(intake.appeals[0]).toMatchObject({ location: { address: '天河路2号' }, replyRoute: { channel: 'open311', address: 'app-1' } });
  });
});
