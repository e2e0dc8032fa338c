/**
 * Fuzz the channel endpoints mounted in main: WeChat (/channels/wechat), phone/CTI
 * (/channels/phone/*, HMAC-signed) and Open311 (/open311/v2/*). First requests that must be
 * refused (no or wrong signature / API key, malformed bodies): 4xx, never 5xx, no stack trace,
 * database unchanged. Then correctly authenticated requests with junk content: never 5xx, no stack.
 *   FUZZ_RUNS (total across the fuzz files' shares) as in http-fuzz.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { useTestEnv } from '../helpers/env';
import { dbFingerprint, settleOutbox } from '../helpers/db-fingerprint';
import { importCategoryTree } from '../../server/catalog/use-cases/import-category-tree';
import { wechatSignature } from '../../integrations/wechat/crypto';
import { signRequest } from '../../integrations/shared/hmac';

const TOTAL = Number(process.env.FUZZ_RUNS ?? 1200);
const T = 20 * 60_000;
const WECHAT = { WECHAT_APP_ID: 'wx1234567890abcdef', WECHAT_TOKEN: 'rexiantoken', WECHAT_MODE: 'plain', WECHAT_ORIGINAL_ID: 'gh' };
const env = useTestEnv({
  app: { channels: { wechat: WECHAT, ctiKeys: 'cti1:cti-secret-1', open311ApiKeys: 'app-1:open311-key', open311Jurisdiction: 'rexian.test' } },
});
const stats = { requests: 0, byStatus: {} as Record<string, number> };

beforeAll(async () => {
  await importCategoryTree(
    env.rt.db,
    [
      { code: '01', name: '城乡建设', parentCode: null, level: 1 },
      { code: '0101', name: '市政设施', parentCode: '01', level: 2 },
    ],
    'test',
    'test',
  );
});

const junk = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.constantFrom('', '\u0000', '%', '../../x', "'; drop table tickets; --", '<x>', ']]>', '{"a":', '__proto__', 'NaN', '-1', '1e999'),
  fc.integer({ min: 10_000, max: 400_000 }).map((n) => 'x'.repeat(n)),
);
const xmlJunk = fc.oneof(
  junk,
  fc.constant(
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
      '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>' +
      '<xml><MsgType>text</MsgType><Content>&lol4;</Content></xml>',
  ),
  fc.constant(
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><MsgType>text</MsgType><Content>&xxe;</Content><MsgId>1</MsgId></xml>',
  ),
  fc.integer({ min: 100, max: 50_000 }).map((n) => '<a>'.repeat(n) + '</a>'.repeat(n)),
  fc
    .tuple(
      fc.constantFrom('text', 'image', 'event', 'voice', 'location', 'bogus', ''),
      junk.map((s) => s.slice(0, 3000)),
      fc.string({ maxLength: 25 }),
    )
    .map(
      ([t, c, id]) =>
        `<xml><ToUserName>gh</ToUserName><FromUserName>o-1</FromUserName><CreateTime>${Date.now()}</CreateTime><MsgType>${t}</MsgType><Content><![CDATA[${c}]]></Content><MsgId>${id}</MsgId></xml>`,
    ),
);

type Req = { method: string; path: string; body?: string; headers?: Record<string, string> };
async function fire(r: Req) {
  const res = await fetch(env.baseUrl + r.path, { method: r.method, headers: r.headers, body: r.body, signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  stats.requests++;
  stats.byStatus[res.status] = (stats.byStatus[res.status] ?? 0) + 1;
  return { status: res.status, text };
}
async function run(arb: fc.Arbitrary<Req>, weight: number, mustRefuse: boolean) {
  let firstFailure: string | null = null;
  await fc
    .assert(
      fc.asyncProperty(arb, async (r) => {
        const { status, text } = await fire(r);
        const bad =
          status >= 500
            ? 'a 5xx'
            : /\bat [\w$.<>]+ \(|\.(ts|js):\d+:\d+|node_modules|\/work\//.test(text)
              ? 'a stack trace'
              : mustRefuse && status < 400
                ? `accepted (${status})`
                : null;
        if (bad) {
          firstFailure ??= `${r.method} ${r.path.slice(0, 150)} [${r.body?.slice(0, 200)}…] → ${status} ${bad}: ${text.slice(0, 300)}`;
          return false;
        }
        return true;
      }),
      { numRuns: Math.max(20, Math.round(TOTAL * weight)), endOnFailure: true, reporter: () => {} },
    )
    .catch(() => {});
  expect(firstFailure).toBeNull();
}

const ts = () => String(Math.floor(Date.now() / 1000));
const signedWechat = (q: Record<string, string> = {}) => {
  const t = ts();
  const nonce = randomBytes(6).toString('hex');
  return new URLSearchParams({ signature: wechatSignature(WECHAT.WECHAT_TOKEN, t, nonce), timestamp: t, nonce, openid: 'o-fuzz', ...q }).toString();
};
const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('fuzz: channel endpoints', () => {
  let before: Record<string, string>;
  it(
    'refuses unauthenticated or malformed channel requests: 4xx, no stack, database unchanged',
    async () => {
      await settleOutbox(env.rt.db, env.rt.relay);
      before = await dbFingerprint(env.rt.db);
      const req = fc.oneof(
        // WeChat without a valid signature
        fc
          .tuple(
            xmlJunk,
            fc.record({
              signature: junk.map((s) => s.slice(0, 60)),
              timestamp: fc.constantFrom(ts(), '0', '-1', 'abc', '99999999999'),
              nonce: junk.map((s) => s.slice(0, 40)),
            }),
          )
          .map(([body, q]) => ({ method: 'POST', path: `/channels/wechat?${new URLSearchParams(q)}`, body, headers: { 'content-type': 'text/xml' } })),
        fc
          .record({ signature: junk.map((s) => s.slice(0, 60)), echostr: junk.map((s) => s.slice(0, 100)) })
          .map((q) => ({ method: 'GET', path: `/channels/wechat/${encodeURIComponent('default')}?${new URLSearchParams(q)}` })),
        // CTI: unsigned, wrong key, replayed/stale or badly signed
        fc.tuple(junk, fc.constantFrom('none', 'wrong-key', 'stale', 'bad-sig')).map(([body, how]) => {
          const h =
            how === 'none'
              ? {}
              : signRequest({
                  keyId: how === 'wrong-key' ? 'nobody' : 'cti1',
                  secret: 'cti-secret-1',
                  method: 'POST',
                  path: '/channels/phone/events',
                  body,
                  timestamp: how === 'stale' ? 1_000_000_000 : undefined,
                });
          if (how === 'bad-sig') h['X-Rexian-Signature'] = 'deadbeef';
          return { method: 'POST', path: '/channels/phone/events', body, headers: { 'content-type': 'application/json', ...h } };
        }),
        fc.constantFrom('/channels/phone/callback-tasks', '/channels/phone/callback-tasks?limit=-1').map((p) => ({ method: 'GET', path: p })),
        // Open311 POST with no or a wrong API key, or a body that is not a form
        fc
          .tuple(
            fc.constantFrom('', 'wrong', 'open311-key '),
            fc.record({ service_code: junk.map((s) => s.slice(0, 40)), description: junk, phone: junk.map((s) => s.slice(0, 40)) }, { requiredKeys: [] }),
          )
          .map(([k, f]) => ({ method: 'POST', path: '/open311/v2/requests.json', body: form({ ...(k ? { api_key: k } : {}), ...f }), headers: FORM })),
        fc
          .tuple(fc.constantFrom('json', 'xml'), junk)
          .map(([fmt, b]) => ({ method: 'POST', path: `/open311/v2/requests.${fmt}`, body: b, headers: { 'content-type': 'application/json' } })),
        // Open311 with the right key but an unknown service or junk fields that cannot make a request
        fc
          .tuple(
            junk.map((s) => s.slice(0, 40)).filter((s) => s !== '01' && s !== '0101'),
            junk,
          )
          .map(([code, d]) => ({
            method: 'POST',
            path: '/open311/v2/requests.json',
            body: form({ api_key: 'open311-key', service_code: code, description: d }),
            headers: FORM,
          })),
      );
      await run(req, 0.12, true);
      await settleOutbox(env.rt.db, env.rt.relay);
      expect(await dbFingerprint(env.rt.db)).toEqual(before);
    },
    T,
  );

  it(
    'survives authenticated requests with junk content and junk reads (no 5xx, no stack)',
    async () => {
      const req = fc.oneof(
        xmlJunk.map((body) => ({ method: 'POST', path: `/channels/wechat?${signedWechat()}`, body, headers: { 'content-type': 'text/xml' } })),
        junk.map((e) => ({ method: 'GET', path: `/channels/wechat?${signedWechat({ echostr: e.slice(0, 200) })}` })),
        fc
          .oneof(
            junk,
            fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
            fc
              .array(fc.dictionary(fc.constantFrom('type', 'callId', 'from', 'to', 'at', 'ext', 'x'), fc.jsonValue(), { maxKeys: 5 }), { maxLength: 5 })
              .map((v) => JSON.stringify(v)),
          )
          .map((body) => ({
            method: 'POST',
            path: '/channels/phone/events',
            body,
            headers: {
              'content-type': 'application/json',
              ...signRequest({ keyId: 'cti1', secret: 'cti-secret-1', method: 'POST', path: '/channels/phone/events', body }),
            },
          })),
        fc
          .tuple(
            fc.constantFrom('services', 'requests', 'discovery', 'tokens', 'bogus'),
            fc.option(junk.map((s) => encodeURIComponent(s.slice(0, 100)))),
            fc.constantFrom('json', 'xml', 'html'),
            fc.dictionary(
              fc.constantFrom('jurisdiction_id', 'service_request_id', 'start_date', 'end_date', 'status', 'service_code', 'page'),
              junk.map((s) => s.slice(0, 200)),
              { maxKeys: 3 },
            ),
          )
          .map(([res, id, fmt, q]) => ({ method: 'GET', path: `/open311/v2/${res}${id ? `/${id}` : ''}.${fmt}?${new URLSearchParams(q)}` })),
        fc
          .record(
            {
              lat: junk.map((s) => s.slice(0, 30)),
              long: junk.map((s) => s.slice(0, 30)),
              email: junk.map((s) => s.slice(0, 100)),
              phone: junk.map((s) => s.slice(0, 30)),
              address_string: junk.map((s) => s.slice(0, 600)),
              media_url: junk.map((s) => s.slice(0, 300)),
              description: junk,
            },
            { requiredKeys: ['description'] },
          )
          .map((f) => ({
            method: 'POST',
            path: '/open311/v2/requests.json',
            body: form({ api_key: 'open311-key', service_code: '0101', ...f }),
            headers: FORM,
          })),
      );
      await run(req, 0.12, false);
      console.log(`channels fuzz: ${stats.requests} requests; statuses ${JSON.stringify(stats.byStatus)}`);
    },
    T,
  );
});
