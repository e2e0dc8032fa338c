/**
 * Fuzz every public endpoint and the staff endpoints (with a valid session) with generated bad
 * input: wrong types, unknown fields, huge strings, unicode junk, prototype-pollution keys, deep
 * nesting, malformed JSON, wrong content types, junk paths, queries and headers.
 * Properties: no 5xx, no stack trace or file path in any response, no hang, no write accepted,
 * and the database is byte-for-byte unchanged (row counts + md5 of every written table).
 *
 *   npm test                   reduced (FUZZ_RUNS defaults to 1,200 requests)
 *   npm run test:fuzz          FUZZ_RUNS=12,000 requests
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { useTestEnv, makeUnit, makeUser, TEST_PASSWORD } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { makeTicket } from '../helpers/factories';
import { dbFingerprint, settleOutbox } from '../helpers/db-fingerprint';
import { RegisterByAgentInput } from '../../server/tickets/routes';
import { ACTION_HANDLERS } from '../../server/tickets/actions';
import { TICKET_ACTIONS } from '../../server/tickets/states';

const TOTAL = Number(process.env.FUZZ_RUNS ?? 1200);
const T = 20 * 60_000; // per-test timeout: the full run is minutes
const env = useTestEnv();
let agent: ApiClient;
let clerk: ApiClient;
let admin: ApiClient;
let supervisor: ApiClient;
let ids: { received: string; dispatched: string };
let before: Record<string, string>;
const stats = { requests: 0, byStatus: {} as Record<string, number> };

beforeAll(async () => {
  const unit = await makeUnit(env);
  const a = await makeUser(env, 'agent');
  const c = await makeUser(env, 'unit_clerk', { unitId: unit.id });
  const d = await makeUser(env, 'dispatcher');
  agent = await ApiClient.login(env.baseUrl, a.user.username);
  clerk = await ApiClient.login(env.baseUrl, c.user.username);
  const disp = await ApiClient.login(env.baseUrl, d.user.username);
  admin = await ApiClient.login(env.baseUrl, (await makeUser(env, 'admin')).user.username);
  supervisor = await ApiClient.login(env.baseUrl, (await makeUser(env, 'supervisor')).user.username);
  const t1 = await makeTicket(env, a.actor);
  const t2 = await makeTicket(env, a.actor);
  await disp.action(t2.ticketId, 'submit');
  expect((await disp.action(t2.ticketId, 'dispatch', { leadUnitId: unit.id })).status).toBe(200);
  ids = { received: t1.ticketId, dispatched: t2.ticketId };
  await settleOutbox(env.rt.db, env.rt.relay);
  before = await dbFingerprint(env.rt.db);
});

// ---------- generators ----------
const junkString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\uFEFF',
    '\u202E',
    '𠀀𪚥',
    '%00',
    '../../etc/passwd',
    "' or 1=1 --",
    '<script>alert(1)</script>',
    '${7*7}',
    '{{7*7}}',
    'NaN',
    '-1',
    '1e309',
    '13800138000\n',
    '11010519491231002X',
    'null',
    'true',
    '__proto__',
  ),
  fc.integer({ min: 20_000, max: 300_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 1000, max: 30_000 }).map((n) => '中'.repeat(n)),
);
const wrongValue = fc.oneof(
  junkString.map((s) => s as unknown),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.jsonValue(), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue(), { maxKeys: 5 }),
  fc.integer({ min: 20, max: 200 }).map(deepNest),
);
const dangerousKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  '__defineGetter__',
  'hasOwnProperty',
  'toString',
  'isAdmin',
  'role',
  '$where',
  '',
);

function deepNest(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? { a: v } : [v];
  return v;
}

/** Boolean fields of the public schemas (not exported): a boolean there is not a wrong type. */
const BOOLEAN_FIELDS = new Set(['anonymousToUnits']);

/**
 * A valid-looking body made invalid by one change that must get it rejected. With the route's zod
 * schema at hand, a generated body the schema accepts is dropped (it would not be bad input).
 */
function corrupted(valid: Record<string, unknown>, fields: string[], schema?: { safeParse(v: unknown): { success: boolean } }) {
  return fc
    .oneof(
      // a known field with a value of the wrong type (null and [] are legal for some optional fields, so not those)
      fc
        .tuple(
          fc.constantFrom(...fields),
          wrongValue.filter((v) => typeof v !== 'string' && v !== null && !(Array.isArray(v) && v.length === 0)),
        )
        .filter(([k, v]) => !(BOOLEAN_FIELDS.has(k) && typeof v === 'boolean'))
        .map(([k, v]) => ({ ...valid, [k]: v })),
      // a known string field far over its limit (or a required field blanked out with junk)
      fc.tuple(fc.constantFrom(...fields), fc.integer({ min: 20_001, max: 300_000 })).map(([k, n]) => ({ ...valid, [k]: 'x'.repeat(n) })),
      // an unknown field (the API rejects unknown fields)
      fc
        .tuple(
          fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !fields.includes(k)),
          wrongValue,
        )
        .map(([k, v]) => ({ ...valid, [k]: v })),
      // prototype pollution keys, as real own keys of the JSON text
      fc.tuple(dangerousKey, fc.jsonValue()).map(([k, v]) => rawJson(valid, k, v)),
      // not an object at all
      wrongValue.filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)).map((v) => v),
    )
    .filter((b) => !schema || b instanceof RawBody || !schema.safeParse(b).success);
}
const rawJson = (obj: Record<string, unknown>, k: string, v: unknown) =>
  new RawBody(JSON.stringify(obj).replace(/^\{/, `{${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}${Object.keys(obj).length ? ',' : ''}`));

class RawBody {
  constructor(
    readonly text: string,
    readonly contentType = 'application/json',
  ) {}
}
const rawBodies = fc.oneof(
  fc
    .constantFrom('{', '{"a":', '[1,2', '{"content": "x"} trailing', '\u0000', 'undefined', "{'single':'quotes'}", '{"a":1,"a":2,}', 'NaN')
    .map((t) => new RawBody(t)),
  fc.integer({ min: 1000, max: 60_000 }).map((n) => new RawBody('['.repeat(n) + ']'.repeat(n))),
  fc.integer({ min: 1000, max: 30_000 }).map((n) => new RawBody('{"a":'.repeat(n) + '1' + '}'.repeat(n))),
  fc.constant(new RawBody(`{"content":"${'x'.repeat(300_000)}"}`)),
  // deep nesting inside a known field (the objects-in-memory variant stays shallower: fast-check prints it on failure)
  fc
    .tuple(fc.constantFrom('content', 'phone', 'username', 'leadUnitId', 'callerPhone', 'number'), fc.integer({ min: 500, max: 20_000 }))
    .map(([k, n]) => new RawBody(`{"${k}":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`)),
  fc
    .tuple(
      fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=zz',
        'application/xml',
        'application/json; charset=latin1',
        'application/json; charset=utf-7',
        'application/octet-stream',
        '',
      ),
      fc.jsonValue(),
    )
    .map(([ct, v]) => new RawBody(typeof v === 'string' ? v : (JSON.stringify(v) ?? 'x'), ct)),
);
const junkHeaders = fc.record(
  {
    'accept-language': fc.constantFrom('en', 'zh-CN', '*', 'xx;q=abc', 'en'.repeat(200)),
    'x-request-id': fc.string({ unit: fc.constantFrom(...'abc-_%$#\\/<>'.split('')), maxLength: 300 }),
  },
  { requiredKeys: [] },
);

// ---------- firing ----------
type Req = {
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  client?: 'agent' | 'clerk' | 'admin' | 'supervisor' | 'anon' | 'forged';
};

async function fire(r: Req) {
  const c = r.client === 'agent' ? agent : r.client === 'clerk' ? clerk : r.client === 'admin' ? admin : r.client === 'supervisor' ? supervisor : null;
  const headers: Record<string, string> = { ...(r.headers ?? {}) };
  if (c) {
    headers.cookie = c.cookie;
    if (r.method !== 'GET') headers['x-csrf-token'] = c.csrf;
  }
  if (r.client === 'forged') headers.cookie = 'rx_session=%E0%A4%A; rx_session=../../x';
  let body: string | undefined;
  if (r.body instanceof RawBody) {
    body = r.body.text;
    if (r.body.contentType) headers['content-type'] = r.body.contentType;
  } else if (r.body !== undefined) {
    body = JSON.stringify(r.body) ?? 'null';
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(env.baseUrl + r.path, { method: r.method, headers, body, signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  stats.requests++;
  stats.byStatus[res.status] = (stats.byStatus[res.status] ?? 0) + 1;
  const where = `${r.method} ${r.path.slice(0, 120)} → ${res.status} ${text.slice(0, 300)}`;
  expect(res.status, where).toBeLessThan(500);
  expect(text, where).not.toMatch(/\bat [\w$.<>]+ \(|\.(ts|js):\d+:\d+|node_modules|\/work\/|Error: /);
  return { status: res.status, text };
}

const share = (w: number) => Math.max(20, Math.round(TOTAL * w));
/** Runs the property; a failure is reported as the short request line, not fast-check's dump of a huge input. */
async function run(arb: fc.Arbitrary<Req>, weight: number, check?: (status: number) => void) {
  let firstFailure: string | null = null;
  await fc
    .assert(
      fc.asyncProperty(arb, async (r) => {
        try {
          const { status, text } = await fire(r);
          try {
            check?.(status);
          } catch {
            throw new Error(`unexpected ${status}: ${text.slice(0, 200)}`);
          }
        } catch (e) {
          firstFailure ??= `${r.method} ${r.path.slice(0, 120)} body=${describeBody(r.body)}: ${(e as Error).message.slice(0, 600)}`;
          return false;
        }
        return true;
      }),
      { numRuns: share(weight), endOnFailure: true, reporter: () => {} },
    )
    .catch(() => {});
  expect(firstFailure).toBeNull();
}
const describeBody = (b: unknown) => {
  const t = b instanceof RawBody ? `[${b.contentType}] ${b.text}` : (JSON.stringify(b) ?? String(b));
  return t.length > 300 ? `${t.slice(0, 300)}…(${t.length} chars)` : t;
};
const rejected = (status: number) => expect(status).toBeGreaterThanOrEqual(400);

const sample = { phone: '13800138000', code: '123456', content: '小区楼下噪音扰民，晚上十点后仍在施工', number: '2025010100001', trackToken: 'a'.repeat(32) };

describe('fuzz: public endpoints', () => {
  it(
    'POST /api/public/sms-codes, /appeals, /track, /ratings reject junk without 5xx',
    async () => {
      const bodies = fc.oneof(
        fc.tuple(fc.constant('/api/public/sms-codes'), corrupted({ phone: sample.phone, purpose: 'submit' }, ['phone', 'purpose'])),
        fc.tuple(
          fc.constant('/api/public/appeals'),
          corrupted({ phone: sample.phone, code: sample.code, content: sample.content, name: '张三' }, [
            'phone',
            'code',
            'content',
            'name',
            'title',
            'categoryHint',
            'address',
            'anonymousToUnits',
          ]),
        ),
        fc.tuple(
          fc.constant('/api/public/track'),
          corrupted({ number: sample.number, phone: sample.phone, code: sample.code }, ['number', 'phone', 'code', 'trackToken']),
        ),
        fc.tuple(
          fc.constant('/api/public/ratings'),
          corrupted({ number: sample.number, trackToken: sample.trackToken, score: 5 }, [
            'number',
            'trackToken',
            'score',
            'result',
            'comment',
            'callbackId',
            'token',
          ]),
        ),
        fc.tuple(
          fc.constant('/api/public/ratings'),
          corrupted({ number: sample.number, phone: sample.phone, code: sample.code, score: 2 }, [
            'number',
            'phone',
            'code',
            'score',
            'result',
            'comment',
            'trackToken',
          ]),
        ),
        fc.tuple(fc.constantFrom('/api/public/sms-codes', '/api/public/appeals', '/api/public/track', '/api/public/ratings'), rawBodies),
      );
      await run(
        fc.tuple(bodies, junkHeaders).map(([[path, body], headers]) => ({ method: 'POST', path, body, headers })),
        0.2,
        rejected,
      );
    },
    T,
  );

  it(
    'POST /api/auth/login and friends reject junk without 5xx',
    async () => {
      const bodies = fc.oneof(corrupted({ username: 'agent-x', password: TEST_PASSWORD }, ['username', 'password']), rawBodies);
      await run(
        fc
          .tuple(fc.constantFrom('/api/auth/login', '/api/auth/logout'), bodies, fc.constantFrom<'anon' | 'forged'>('anon', 'forged'), junkHeaders)
          .map(([path, body, client, headers]) => ({ method: 'POST', path, body, headers, client })),
        0.12,
        (s) => expect([204, 400, 401, 403, 413, 415, 423, 429]).toContain(s),
      );
    },
    T,
  );
});

describe('fuzz: staff endpoints with a valid session', () => {
  it(
    'POST /api/tickets rejects corrupted intake bodies (fields from the zod schema)',
    async () => {
      const fields = Object.keys(RegisterByAgentInput.shape);
      const valid = { channel: 'phone', callerPhone: '13800138000', content: sample.content, appealType: 'complaint' };
      await run(
        fc
          .tuple(fc.oneof(corrupted(valid, fields, RegisterByAgentInput), rawBodies), junkHeaders)
          .map(([body, headers]) => ({ method: 'POST', path: '/api/tickets', body, headers, client: 'agent' as const })),
        0.2,
        rejected,
      );
    },
    T,
  );

  it(
    'POST /api/tickets/:id/actions/:action rejects corrupted bodies, junk ids and junk actions',
    async () => {
      const action = fc.constantFrom(...TICKET_ACTIONS);
      const body = action.chain((a) => {
        const shape = (ACTION_HANDLERS[a].input as unknown as { shape?: Record<string, unknown> }).shape ?? {};
        const fields = Object.keys(shape);
        return fc.tuple(fc.constant(a), corrupted({}, fields.length ? fields : ['x'], ACTION_HANDLERS[a].input));
      });
      const id = fc.oneof(
        fc.constantFrom(ids.received, ids.dispatched),
        junkString.map((s) => encodeURIComponent(s.slice(0, 200))),
        fc.uuid(),
        fc.constantFrom('..%2F..%2Fadmin', '%00', '00000000-0000-0000-0000-000000000000', "1'%3Bdrop%20table%20tickets--"),
      );
      const req = fc.oneof(
        fc
          .tuple(id, body, fc.constantFrom<'agent' | 'clerk'>('agent', 'clerk'))
          .map(([i, [a, b], client]) => ({ method: 'POST', path: `/api/tickets/${i}/actions/${a}`, body: b, client })),
        fc
          .tuple(
            fc.constantFrom(ids.received, ids.dispatched),
            junkString.map((s) => encodeURIComponent(s.slice(0, 100))),
            rawBodies,
          )
          .map(([i, a, b]) => ({ method: 'POST', path: `/api/tickets/${i}/actions/${a}`, body: b, client: 'agent' as const })),
      );
      await run(req, 0.25, rejected);
    },
    T,
  );

  it(
    'GET endpoints survive junk queries, ids, methods and headers',
    async () => {
      const q = fc
        .dictionary(
          fc.constantFrom(
            'status',
            'q',
            'number',
            'unitId',
            'overdue',
            'mine',
            'page',
            'pageSize',
            'parentCode',
            'all',
            'x',
            '__proto__',
            'status[]',
            'q[$ne]',
          ),
          fc.oneof(
            junkString.map((s) => s.slice(0, 3000)),
            fc.constantFrom('-1', '0', '1e9', '99999999999999999999', 'received,closed,bogus', 'true,false'),
          ),
          { maxKeys: 4 },
        )
        .map((d) => new URLSearchParams(Object.entries(d)).toString() + '&status=a&status=b'.repeat(0));
      const req = fc.oneof(
        fc
          .tuple(
            fc.constantFrom(
              '/api/tickets',
              '/api/categories',
              '/api/units',
              '/api/meta/transitions',
              '/api/regions',
              '/api/auth/me',
              '/api/dev/sms',
              '/api/public/review-units',
              '/api/rectifications',
            ),
            q,
            fc.constantFrom<'agent' | 'clerk' | 'anon' | 'forged'>('agent', 'clerk', 'anon', 'forged'),
          )
          .map(([p, qs, client]) => ({ method: 'GET', path: `${p}?${qs}`, client })),
        fc
          .tuple(
            fc.oneof(
              junkString.map((s) => encodeURIComponent(s.slice(0, 300))),
              fc.uuid(),
              fc.constant(ids.received),
            ),
            fc.constantFrom<'agent' | 'clerk'>('agent', 'clerk'),
          )
          .map(([i, client]) => ({ method: 'GET', path: `/api/tickets/${i}`, client })),
        fc
          .tuple(
            fc.constantFrom('PUT', 'PATCH', 'DELETE', 'OPTIONS'),
            fc.constantFrom('/api/tickets', `/api/tickets/${'x'}`, '/api/public/appeals', '/api/auth/login'),
            rawBodies,
          )
          .map(([m, p, b]) => ({ method: m, path: p, body: b, client: 'agent' as const })),
        junkString.map((s) => ({ method: 'GET', path: `/${encodeURIComponent(s.slice(0, 500))}`, client: 'anon' as const })),
        fc
          .constantFrom(
            '/api/%',
            '/api/tickets/%E0%A4%A',
            '/%2e%2e/%2e%2e/etc/passwd',
            '/api/tickets?page=%',
            '/socket.io/?EIO=4&transport=polling',
            '/channels/',
            '/open311/v2/requests.json',
          )
          .map((p) => ({ method: 'GET', path: p, client: 'agent' as const })),
      );
      await run(req, 0.23);
    },
    T,
  );
});

describe('fuzz: admin, report, dispatch-proposal and citizen-merge routes (merged from main)', () => {
  it(
    'reject corrupted bodies and junk params from the roles allowed to call them',
    async () => {
      const id = fc.oneof(
        fc.uuid(),
        junkString.map((s) => encodeURIComponent(s.slice(0, 100))),
        fc.constant(ids.received),
      );
      const year = fc.oneof(
        fc.integer({ min: -5, max: 100_000 }).map(String),
        junkString.map((s) => encodeURIComponent(s.slice(0, 40))),
      );
      const body = fc.oneof(
        corrupted({}, ['rules', 'code', 'name', 'unitId', 'categoryCode', 'regionCode', 'priority', 'days', 'policies', 'preset', 'decision', 'note', 'year']),
        rawBodies,
      );
      const req = fc.oneof(
        fc
          .tuple(fc.constantFrom('POST', 'PUT'), body, fc.constantFrom<'admin'>('admin'))
          .map(([m, b, client]) => ({ method: m, path: m === 'POST' ? '/api/admin/dispatch-rules' : '/api/admin/sla-policies', body: b, client })),
        fc.tuple(id, body).map(([i, b]) => ({ method: 'PUT', path: `/api/admin/dispatch-rules/${i}`, body: b, client: 'admin' as const })),
        id.map((i) => ({ method: 'DELETE', path: `/api/admin/dispatch-rules/${i}`, client: 'admin' as const })),
        fc.tuple(year, body).map(([y, b]) => ({ method: 'PUT', path: `/api/admin/holidays/${y}`, body: b, client: 'admin' as const })),
        year.map((y) => ({ method: 'GET', path: `/api/admin/holidays/${y}`, client: 'agent' as const })),
        body.map((b) => ({ method: 'POST', path: '/api/admin/sla-policies/preset', body: b, client: 'admin' as const })),
        fc.tuple(id, body).map(([i, b]) => ({ method: 'POST', path: `/api/citizens/merge-candidates/${i}`, body: b, client: 'agent' as const })),
        id.map((i) => ({ method: 'GET', path: `/api/tickets/${i}/dispatch-proposal`, client: 'agent' as const })),
        fc
          .constantFrom(
            '/api/reports/returns',
            '/api/admin/classifier',
            '/api/admin/dispatch-rules',
            '/api/citizens/merge-candidates',
            '/api/admin/sla-policies',
          )
          .chain((p) => junkString.map((q) => ({ method: 'GET', path: `${p}?x=${encodeURIComponent(q.slice(0, 200))}`, client: 'supervisor' as const }))),
      );
      await run(req, 0.1, (status) => expect(status === 200 || status >= 400).toBe(true));
    },
    T,
  );
});

describe('fuzz: the database after', () => {
  it(
    'is unchanged by every rejected request',
    async () => {
      await settleOutbox(env.rt.db, env.rt.relay);
      expect(await dbFingerprint(env.rt.db)).toEqual(before);
      console.log(`fuzz: ${stats.requests} requests; statuses ${JSON.stringify(stats.byStatus)}`);
      expect(stats.requests).toBeGreaterThanOrEqual(Math.min(TOTAL, 10_000) * 0.95);
    },
    T,
  );
});

// After the database check: these valid-shaped requests may legitimately register tickets.
describe('fuzz: valid shapes, junk text (may be accepted: only no 5xx / no stack)', () => {
  it(
    'POST /api/tickets and public track with unicode junk, NUL and control characters inside otherwise valid fields',
    async () => {
      const text = fc.string({
        unit: fc.oneof(
          fc.constantFrom('\u0000', '\u0001', '\u001f', '\u007f', '\ud800', '\uffff', '\u202e', '\n', '𠀀'),
          fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
        ),
        minLength: 1,
        maxLength: 200,
      });
      const req = fc.oneof(
        fc
          .record(
            { content: text, callerName: text.map((t) => t.slice(0, 60)), address: text, title: text.map((t) => t.slice(0, 150)) },
            { requiredKeys: ['content'] },
          )
          .map((f) => ({
            method: 'POST',
            path: '/api/tickets',
            body: { callerPhone: '13800138000', appealType: 'complaint', ...f },
            client: 'agent' as const,
          })),
        text.map((q) => ({ method: 'GET', path: `/api/tickets?q=${encodeURIComponent(q.slice(0, 90))}`, client: 'agent' as const })),
      );
      await run(req, 0.05);
    },
    T,
  );
});
