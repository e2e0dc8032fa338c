/**
 * The route list, read from the running Express app: every /api route is either public (fuzzed and
 * rate limited) or answers 401 to a caller without a session. A new route fails this test until it is
 * classified in route-classification.ts, which is also what the generated access matrix reads, so it
 * cannot ship outside the matrix and the fuzz.
 */
import { expect, it } from 'vitest';
import { useTestEnv } from '../helpers/env';
import { apiRoutes, PUBLIC_ROUTES, STAFF_ROUTES } from './route-classification';

// Channels that add /api routes only when configured are configured here, so they are checked too.
const env = useTestEnv({
  app: {
    channels: {
      ctiKeys: '',
      open311ApiKeys: '',
      open311Jurisdiction: 'rexian.test',
      exchange: {
        selfId: 'self',
        peers: JSON.stringify([{ platformId: 'peer', role: 'lower', baseUrl: 'http://127.0.0.1:9/exchange/v1', secret: 'peer-secret-0123456789' }]),
      },
    },
  },
});
const PUBLIC = PUBLIC_ROUTES;
const STAFF = new Set(Object.keys(STAFF_ROUTES));

it('classifies every /api route, and every non-public one refuses an anonymous caller', async () => {
  const found = apiRoutes(env.server);
  const unclassified = found.filter((r) => !PUBLIC.has(r) && !STAFF.has(r));
  expect(unclassified, 'new /api routes: classify them in test/security/route-classification.ts (the generated matrix picks them up)').toEqual([]);
  for (const r of found.filter((x) => STAFF.has(x))) {
    const [method, path] = r.split(' ');
    const url =
      env.baseUrl +
      path.replace(':id', '00000000-0000-4000-8000-000000000000').replace(':action', 'submit').replace(':year', '2026').replace(':code', 'response_rate');
    const res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' });
    expect(res.status, r).toBe(401);
  }
  console.log(`routes: ${found.length} under /api (${found.filter((x) => PUBLIC.has(x)).length} public)`);
});
