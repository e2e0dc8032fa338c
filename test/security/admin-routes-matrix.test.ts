/**
 * Access matrix for the routes outside the ticket transition table (admin, reports, dispatch
 * proposals, citizen merges): every role × every route. The allowed roles below are written from
 * the product rules, not read from the code, so a route that opens to the wrong role fails here.
 * Writes carry invalid bodies: an allowed role gets a 4xx from validation, a refused one 403, and
 * the database does not change either way.
 */
import { beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { useTestEnv, makeUnit, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { makeTicket } from '../helpers/factories';
import { dbFingerprint } from '../helpers/db-fingerprint';
import type { Role } from '../../server/identity/tables';

const env = useTestEnv();
type Who = Role | 'anonymous';
const WHO: Who[] = ['agent', 'dispatcher', 'supervisor', 'admin', 'unit_clerk', 'anonymous'];
const CENTRE: Role[] = ['agent', 'dispatcher', 'supervisor'];
const STAFF: Role[] = ['agent', 'dispatcher', 'supervisor', 'admin', 'unit_clerk'];
const as = {} as Record<Who, ApiClient>;
let ticketId: string;
const NOPE = '00000000-0000-4000-8000-000000000000';

/** route → roles that may call it */
const ROUTES: { method: string; path: () => string; roles: Role[]; body?: unknown; succeeds?: boolean }[] = [
  { method: 'GET', path: () => `/api/tickets/${ticketId}/dispatch-proposal`, roles: CENTRE },
  { method: 'GET', path: () => '/api/admin/dispatch-rules', roles: ['admin', 'supervisor', 'dispatcher'] },
  { method: 'POST', path: () => '/api/admin/dispatch-rules', roles: ['admin'], body: { bogus: 1 } },
  { method: 'PUT', path: () => `/api/admin/dispatch-rules/${NOPE}`, roles: ['admin'], body: { bogus: 1 } },
  { method: 'DELETE', path: () => `/api/admin/dispatch-rules/${NOPE}`, roles: ['admin'] },
  { method: 'GET', path: () => '/api/reports/returns', roles: ['supervisor', 'admin', 'dispatcher'] },
  { method: 'GET', path: () => '/api/reports/today-volume', roles: ['supervisor', 'admin', 'dispatcher'] },
  { method: 'GET', path: () => '/api/admin/holidays/2026', roles: STAFF },
  { method: 'PUT', path: () => '/api/admin/holidays/2026', roles: ['admin'], body: { bogus: 1 } },
  { method: 'GET', path: () => '/api/admin/sla-policies', roles: STAFF },
  { method: 'PUT', path: () => '/api/admin/sla-policies', roles: ['admin'], body: { bogus: 1 } },
  { method: 'POST', path: () => '/api/admin/sla-policies/preset', roles: ['admin'], body: { bogus: 1 } },
  { method: 'GET', path: () => '/api/admin/classifier', roles: ['admin', 'supervisor'] },
  { method: 'POST', path: () => '/api/admin/classifier/reload', roles: ['admin'], succeeds: true },
  { method: 'GET', path: () => '/api/citizens/merge-candidates', roles: CENTRE },
  { method: 'POST', path: () => `/api/citizens/merge-candidates/${NOPE}`, roles: CENTRE, body: { bogus: 1 } },
];

beforeAll(async () => {
  const unit = await makeUnit(env);
  let agentActor;
  for (const w of WHO) {
    if (w === 'anonymous') {
      as[w] = new ApiClient(env.baseUrl);
      continue;
    }
    const u = await makeUser(env, w, w === 'unit_clerk' ? { unitId: unit.id } : {});
    if (w === 'agent') agentActor = u.actor;
    as[w] = await ApiClient.login(env.baseUrl, u.user.username);
  }
  ticketId = (await makeTicket(env, agentActor!)).ticketId;
  await env.rt.relay.drain();
});

it('allows each admin/report/merge route exactly to its roles; refused and invalid calls change nothing', async () => {
  const tables = (
    await env.rt.db.execute<{ t: string }>(sql`select tablename as t from pg_tables where schemaname = 'public' and tablename not in ('audit_log', 'outbox')`)
  ).rows.map((r) => r.t);
  const before = await dbFingerprint(env.rt.db, tables);
  const matrix: Record<string, Record<string, number>> = {};
  for (const r of ROUTES) {
    const key = `${r.method} ${r.path().replace(ticketId, ':id').replace(NOPE, ':id')}`;
    matrix[key] = {};
    for (const w of WHO) {
      const res = await as[w].request(r.method, r.path(), r.body);
      matrix[key][w] = res.status;
      const where = `${w} ${key} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
      if (w === 'anonymous') expect(res.status, where).toBe(401);
      else if (r.roles.includes(w)) {
        // reload answers 503 when no classifier is configured (as in tests): allowed, just nothing to reload
        if (!(r.succeeds && res.status === 503)) expect(res.status, where).toBeLessThan(500);
        expect([401, 403], where).not.toContain(res.status);
        if (r.method !== 'GET' && !r.succeeds) expect(res.status, where).toBeGreaterThanOrEqual(400); // the invalid body is refused
      } else expect(res.status, where).toBe(403);
    }
  }
  console.table(matrix);
  expect(await dbFingerprint(env.rt.db, tables)).toEqual(before);
});
