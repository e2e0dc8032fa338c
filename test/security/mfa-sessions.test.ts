/**
 * Attacks on staff accounts beyond the password: a stolen supervisor password used alone, a
 * TOTP code replayed, an enrolment replaced by whoever has the password, a session left open on
 * a shared desk (idle timeout), and a session that outlives a lost laptop (revocation).
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { generate } from 'otplib';
import { useTestEnv, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { tokenHash } from '../../server/identity/sessions';

const env = useTestEnv({ app: { mfaRequired: true } });
const at = (secret: string, offsetSeconds = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSeconds });
async function passwordOnly(username: string) {
  const c = new ApiClient(env.baseUrl);
  const r = await c.post('/api/auth/login', { username, password: 'Test-passw0rd!' });
  expect(r.status).toBe(200);
  c.csrf = r.body.data.csrfToken;
  return { c, state: r.body.data.user.mfa.state as string };
}

describe('TOTP for supervisors and admins', () => {
  let secret = '';
  let recovery: string[] = [];
  let username = '';

  it('a supervisor without TOTP can do nothing but enrol; enrolment needs a right code and yields 10 recovery codes', async () => {
    username = (await makeUser(env, 'supervisor')).user.username;
    const { c, state } = await passwordOnly(username);
    expect(state).toBe('mfa_enrol');
    expect((await c.get('/api/tickets')).body.code).toBe('MFA_REQUIRED');
    const e = await c.post('/api/auth/mfa/enrol', {});
    expect(e.status).toBe(200);
    secret = e.body.data.secret;
    expect(e.body.data.otpauthUri).toMatch(/^otpauth:\/\/totp\/.*secret=/);
    expect((await c.post('/api/auth/mfa/enrol/confirm', { code: '000000' })).body.code).toBe('MFA_CODE_INVALID');
    const ok = await c.post('/api/auth/mfa/enrol/confirm', { code: await at(secret) });
    expect(ok.status).toBe(200);
    recovery = ok.body.data.recoveryCodes;
    expect(recovery).toHaveLength(10);
    expect((await c.get('/api/tickets')).status).toBe(200);
    const stored = (await env.rt.db.execute<{ h: string }>(sql`select code_hash as h from mfa_recovery_codes`)).rows.map((r) => r.h);
    expect(stored.join()).not.toContain(recovery[0]);
  });

  it('the password alone opens nothing; a replayed code and re-enrolment are refused; the next code works', async () => {
    const { c, state } = await passwordOnly(username);
    expect(state).toBe('mfa_pending');
    expect((await c.get('/api/tickets')).body.code).toBe('MFA_REQUIRED');
    expect((await c.get('/api/auth/sessions')).body.code).toBe('MFA_REQUIRED');
    expect((await c.post('/api/auth/mfa/enrol', {})).body.code).toBe('MFA_REQUIRED');
    // The code used at enrolment (same time step) does not count twice.
    expect((await c.post('/api/auth/mfa/verify', { code: await at(secret) })).body.code).toBe('MFA_CODE_INVALID');
    const v = await c.post('/api/auth/mfa/verify', { code: await at(secret, 30) });
    expect(v.status).toBe(200);
    expect((await c.get('/api/tickets')).status).toBe(200);
  });

  it('a recovery code works once', async () => {
    const a = await passwordOnly(username);
    expect((await a.c.post('/api/auth/mfa/verify', { code: recovery[0] })).status).toBe(200);
    const b = await passwordOnly(username);
    expect((await b.c.post('/api/auth/mfa/verify', { code: recovery[0] })).body.code).toBe('MFA_CODE_INVALID');
    expect((await b.c.get('/api/tickets')).status).toBe(401);
  });

  it('an agent is not asked for TOTP', async () => {
    const { c, state } = await passwordOnly((await makeUser(env, 'agent')).user.username);
    expect(state).toBe('ok');
    expect((await c.get('/api/tickets')).status).toBe(200);
  });
});

describe('sessions', () => {
  it('ends after SESSION_IDLE_MINUTES without a request, beside the absolute expiry', async () => {
    const c = await ApiClient.login(env.baseUrl, (await makeUser(env, 'agent')).user.username);
    expect((await c.get('/api/auth/me')).status).toBe(200);
    await env.rt.db.execute(sql`update sessions set last_seen_at = now() - interval '31 minutes' where token_hash = ${tokenHash(c.cookie.split('=')[1])}`);
    await new Promise((r) => setTimeout(r, 5200)); // past this node's 5 s session cache
    expect((await c.get('/api/auth/me')).status).toBe(401);
  }, 20_000);

  it('a user lists and revokes their own sessions; nobody else’s; the admin sees and revokes any', async () => {
    const agent = (await makeUser(env, 'agent')).user.username;
    const desk = await ApiClient.login(env.baseUrl, agent);
    const laptop = await ApiClient.login(env.baseUrl, agent);
    const mine = (await desk.get('/api/auth/sessions')).body.data as { id: string; current: boolean }[];
    expect(mine).toHaveLength(2);
    const lost = mine.find((s) => !s.current)!;
    const other = await ApiClient.login(env.baseUrl, (await makeUser(env, 'agent')).user.username);
    expect((await other.post(`/api/auth/sessions/${lost.id}/revoke`, {})).status).toBe(404);
    expect((await laptop.get('/api/auth/me')).status).toBe(200);
    expect((await desk.post(`/api/auth/sessions/${lost.id}/revoke`, {})).status).toBe(204);
    expect((await laptop.get('/api/auth/me')).status).toBe(401);

    const adminUser = (await makeUser(env, 'admin')).user.username;
    const admin = (await passwordOnly(adminUser)).c;
    const secret = (await admin.post('/api/auth/mfa/enrol', {})).body.data.secret;
    expect((await admin.post('/api/auth/mfa/enrol/confirm', { code: await at(secret) })).status).toBe(200);
    const all = (await admin.get('/api/admin/sessions')).body.data as { id: string; username: string }[];
    const deskId = mine.find((s) => s.current)!.id;
    expect(all.map((s) => s.id)).toContain(deskId);
    expect((await desk.get('/api/admin/sessions')).status).toBe(403);
    expect((await admin.post(`/api/admin/sessions/${deskId}/revoke`, {})).status).toBe(204);
    expect((await desk.get('/api/auth/me')).status).toBe(401);
    const audits = (await env.rt.db.execute<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'session.revoked'`)).rows[0].n;
    expect(audits).toBe(2);
  });
});
