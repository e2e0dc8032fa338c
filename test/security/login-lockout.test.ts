/**
 * Attack: guess a staff password in parallel so every request reads "failed_logins < 5" before
 * any writes (the lockout race), and tell real usernames from unknown ones by the answer or its
 * timing. The account must lock, one generic LOGIN_FAILED must answer all, and a per-account
 * limit must hold across many source addresses.
 */
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { useTestEnv, makeUser, TEST_PASSWORD } from '../helpers/env';
import { users } from '../../server/identity/tables';

const env = useTestEnv();
let ip = 0;
const login = async (username: string, password: string, from = `198.51.100.${++ip % 250}`) => {
  const t0 = performance.now();
  const r = await fetch(`${env.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-language': 'en', 'x-forwarded-for': from },
    body: JSON.stringify({ username, password }),
  });
  return { status: r.status, body: await r.json(), ms: performance.now() - t0 };
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe('login lockout', () => {
  it('20 parallel wrong passwords lock the account; the right password is then refused', async () => {
    const u = await makeUser(env, 'agent');
    const answers = await Promise.all(Array.from({ length: 20 }, () => login(u.user.username, 'wrong-password', '198.51.100.250')));
    expect(answers.every((a) => a.status === 401 || a.status === 429)).toBe(true);
    const [row] = await env.rt.db.select().from(users).where(eq(users.id, u.user.id));
    expect(row.lockedUntil!.getTime()).toBeGreaterThan(Date.now() + 10 * 60_000);
    // Refused either by the lock (LOGIN_FAILED) or by the spent per-account budget (RATE_LIMITED); never a session.
    const right = await login(u.user.username, TEST_PASSWORD);
    expect(['LOGIN_FAILED', 'RATE_LIMITED']).toContain(right.body.code);
  });

  it('a locked account, a wrong password and an unknown user get the same answer', async () => {
    const u = await makeUser(env, 'agent');
    const locked = await makeUser(env, 'agent', { lockedUntil: new Date(Date.now() + 600_000) });
    const a = await login(u.user.username, 'wrong-password');
    const b = await login(`nobody-${u.user.username}`, 'wrong-password');
    const c = await login(locked.user.username, TEST_PASSWORD);
    for (const r of [a, b, c]) {
      expect(r.status).toBe(401);
      expect({ code: r.body.code, title: r.body.title }).toEqual({ code: a.body.code, title: a.body.title });
    }
    expect(a.body.code).toBe('LOGIN_FAILED');
  });

  it('an unknown username costs an argon2 verify too, so timing does not tell it apart', async () => {
    const u = await makeUser(env, 'agent');
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 4; i++) {
      known.push((await login(u.user.username, `wrong-${i}`)).ms);
      unknown.push((await login(`ghost-${i}-${u.user.username}`, `wrong-${i}`)).ms);
    }
    // Without the dummy verify an unknown user answers in ~1 ms against tens of ms for argon2id.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.4);
  });

  it('a per-account limit stops slow guessing from many addresses (429 for a known and an unknown name alike)', async () => {
    const u = await makeUser(env, 'agent');
    const ghost = `ghost-${u.user.username}`;
    for (const name of [u.user.username, ghost]) {
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await login(name, `guess-${i}`, `192.0.2.${i + (name === ghost ? 100 : 1)}`)).status);
      expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
      expect(statuses.slice(10)).toEqual([429, 429]);
    }
  });
});
