/**
 * The route list, read from the running Express app: every /api route is either public (listed
 * here, fuzzed and rate limited) or answers 401 to a caller without a session. A new route fails
 * this test until it is classified, so it cannot ship outside the access matrix and the fuzz.
 */
import { expect, it } from 'vitest';
import { useTestEnv } from '../helpers/env';

// Channels that add /api routes only when configured are configured here, so they are checked too.
const env = useTestEnv({ app: { channels: { ctiKeys: '', open311ApiKeys: '', open311Jurisdiction: 'rexian.test',
  exchange: { selfId: 'self', peers: JSON.stringify([{ platformId: 'peer', role: 'lower', baseUrl: 'http://127.0.0.1:9/exchange/v1', secret: 'peer-secret-0123456789' }]) } } } });
const PUBLIC = new Set(['POST /api/auth/login', 'POST /api/auth/logout', 'POST /api/public/sms-codes', 'POST /api/public/appeals',
  'POST /api/public/track', 'GET /api/dev/sms', 'POST /api/public/ratings', 'GET /api/public/reviews',
  'GET /api/public/review-units']);
/** Covered by test/security/access-matrix.test.ts and the fuzz suite. */
const STAFF = new Set(['GET /api/auth/me', 'GET /api/meta/transitions', 'GET /api/tickets', 'POST /api/tickets', 'GET /api/tickets/:id',
  'POST /api/tickets/:id/actions/:action', 'GET /api/units', 'GET /api/regions', 'GET /api/categories',
  // covered by test/security/admin-routes-matrix.test.ts and the admin part of the fuzz
  'GET /api/tickets/:id/dispatch-proposal', 'GET /api/admin/dispatch-rules', 'POST /api/admin/dispatch-rules', 'PUT /api/admin/dispatch-rules/:id',
  'DELETE /api/admin/dispatch-rules/:id', 'GET /api/reports/returns', 'GET /api/admin/holidays/:year', 'PUT /api/admin/holidays/:year',
  'GET /api/admin/sla-policies', 'PUT /api/admin/sla-policies', 'POST /api/admin/sla-policies/preset', 'GET /api/admin/classifier',
  'POST /api/admin/classifier/reload', 'GET /api/citizens/merge-candidates', 'POST /api/citizens/merge-candidates/:id',
  // callbacks, ratings, rectification, knowledge, reports: role and unit checks are asserted in
  // server/reviews, server/reports and server/knowledge tests (not yet in the generated matrix).
  'GET /api/callbacks/policy', 'PUT /api/callbacks/policy', 'GET /api/callbacks', 'GET /api/callbacks/:id', 'POST /api/callbacks/:id/outcome',
  'GET /api/ratings', 'GET /api/meta/rectification-transitions', 'GET /api/rectifications', 'GET /api/rectifications/:id',
  'POST /api/rectifications/:id/actions/:action', 'POST /api/rectifications/sweep-overdue', 'GET /api/knowledge/suggest',
  'GET /api/knowledge/articles', 'GET /api/knowledge/articles/:id', 'POST /api/knowledge/articles', 'PATCH /api/knowledge/articles/:id',
  'DELETE /api/knowledge/articles/:id', 'GET /api/reports/definitions', 'PUT /api/reports/measures/:code', 'GET /api/reports/measures',
  'GET /api/reports/league', 'GET /api/reports/hotspots', 'GET /api/reports/today-volume', 'GET /api/reports/cross',
  // province ↔ city exchange (when configured): staff roles checked by requireStaff, flow in test/integration/exchange.test.ts
  'POST /api/tickets/:id/exchange/push', 'POST /api/tickets/:id/exchange/:action']);

type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] }; matchers?: unknown; name?: string };
function routes(stack: Layer[], prefix: string, out: string[]) {
  for (const l of stack) {
    if (l.route) for (const m of Object.keys(l.route.methods)) out.push(`${m.toUpperCase()} ${prefix}${l.route.path}`);
    else if (l.handle?.stack) routes(l.handle.stack, prefix, out);
  }
  return out;
}

it('classifies every /api route, and every non-public one refuses an anonymous caller', async () => {
  // createApp mounts one router at /api; walk it.
  const app = (env.server.listeners('request')[0]) as unknown as { router: { stack: Layer[] } };
  const apiLayer = app.router.stack.find((l) => l.handle?.stack && routes(l.handle.stack, '', []).some((r) => r.includes('/tickets')))!;
  const found = routes(apiLayer.handle!.stack!, '/api', []).filter((r) => !r.startsWith('HEAD '));
  const unclassified = found.filter((r) => !PUBLIC.has(r) && !STAFF.has(r));
  expect(unclassified, 'new /api routes: add them to the access matrix and the fuzz, then here').toEqual([]);
  for (const r of found.filter((x) => STAFF.has(x))) {
    const [method, path] = r.split(' ');
    const url = env.baseUrl + path.replace(':id', '00000000-0000-4000-8000-000000000000').replace(':action', 'submit').replace(':year', '2026').replace(':code', 'response_rate');
    const res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' });
    expect(res.status, r).toBe(401);
  }
  console.log(`routes: ${found.length} under /api (${found.filter((x) => PUBLIC.has(x)).length} public)`);
});
