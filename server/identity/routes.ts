import { Router } from 'express';
import { z } from 'zod';
import { validate } from '../platform/http/middleware';
import { problem } from '../platform/http/problems';
import type Redis from 'ioredis';
import type { Db } from '../platform/db/client';
import { createLimit } from '../platform/http/limits';
import type { Logger } from '../platform/log/logger';
import { checkPassword, clearFailures } from './login';
import { MFA_ROLES } from './mfa';
import { sql } from 'drizzle-orm';
import { decideCitizenMerge, DecideMergeInput } from './use-cases/merge-citizens';
import { maskPhone } from './checks';
import { presenceSignOff } from '../platform/realtime/presence';
import { createSession, destroySession, requireStaff, SESSION_COOKIE, sessionToken, userForToken, type SessionUser } from './sessions';

const LoginInput = z.strictObject({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(200) });

export function identityRoutes(deps: {
  db: Db;
  redis: Redis;
  prefix: string;
  log: Logger;
  sessionTtlHours: number;
  secureCookies: boolean;
  mfaRequired: boolean;
}) {
  const r = Router();
  const signOff = presenceSignOff(deps.redis, deps.prefix, deps.log);
  const perIp = createLimit(deps.redis, deps.prefix, { name: 'login-ip', points: 30, durationSeconds: 60 }, deps.log);
  // Per account name, known or not (so a 429 says nothing about existence): slow guessing from many addresses.
  const perAccount = createLimit(deps.redis, deps.prefix, { name: 'login-account', points: 10, durationSeconds: 15 * 60 }, deps.log);

  r.post('/auth/login', validate({ body: LoginInput }), async (req, res) => {
    const { username, password } = req.body;
    if (!(await perIp.consume(String(req.ip)))) throw problem('RATE_LIMITED');
    if (!(await perAccount.consume(username.toLowerCase()))) throw problem('RATE_LIMITED');
    const u = await checkPassword(deps.db, req.ctx.log, username, password);
    await clearFailures(deps.db, u.id);
    await perAccount.reset(username.toLowerCase());
    // Enrolled users give a code next; supervisors and admins without one must enrol first where MFA is required.
    const mfaState = u.mfaEnabled ? 'mfa_pending' : deps.mfaRequired && MFA_ROLES.includes(u.role) ? 'mfa_enrol' : 'ok';
    const s = await createSession(deps.db, u.id, deps.sessionTtlHours, { mfaState, userAgent: req.headers['user-agent'] });
    res.cookie(SESSION_COOKIE, s.token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.secureCookies,
      expires: s.expiresAt,
      path: '/',
    });
    const full = (await userForToken(deps.db, s.token))!;
    res.json({ data: { user: presentUser(full), csrfToken: s.csrfToken } });
  });

  r.post('/auth/logout', async (req, res) => {
    const token = sessionToken(req.headers.cookie);
    const leaving = token ? await userForToken(deps.db, token) : null;
    if (token) await destroySession(deps.db, token);
    if (leaving) await signOff(leaving.id);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  r.get('/auth/me', requireStaff(), (req, res) => {
    const u = (req as unknown as { sessionUser: SessionUser }).sessionUser;
    res.json({ data: { user: presentUser(u), csrfToken: u.csrfToken } });
  });

  /** Open merge candidates, with masked contact points so the agent can judge without a data dump. */
  r.get('/citizens/merge-candidates', requireStaff('agent', 'dispatcher', 'supervisor'), async (req, res) => {
    const rows = (
      await req.ctx.db.execute<{ id: string; citizenId: string; otherCitizenId: string; reason: string; createdAt: string }>(sql`
      select id, citizen_id as "citizenId", other_citizen_id as "otherCitizenId", reason, created_at as "createdAt"
      from citizen_merge_candidates where status = 'open' order by created_at limit 200`)
    ).rows;
    const contacts = async (id: string) =>
      (
        await req.ctx.db.execute<{ kind: string; valueEnc: string }>(sql`select kind, value_enc as "valueEnc"
      from citizen_contacts where citizen_id = ${id}`)
      ).rows.map((c) => {
        const v = req.ctx.svc.pii.decrypt(c.valueEnc);
        return { kind: c.kind, value: c.kind === 'phone' ? maskPhone(v) : `${v.slice(0, 3)}***` };
      });
    res.json({
      data: await Promise.all(rows.map(async (r) => ({ ...r, contacts: await contacts(r.citizenId), otherContacts: await contacts(r.otherCitizenId) }))),
    });
  });

  r.post('/citizens/merge-candidates/:id', requireStaff('agent', 'dispatcher', 'supervisor'), validate({ body: DecideMergeInput }), async (req, res) => {
    const id = String(req.params.id);
    if (!z.uuid().safeParse(id).success) throw problem('NOT_FOUND');
    res.json({ data: await decideCitizenMerge(req.ctx, id, req.body) });
  });

  return r;
}

function presentUser(u: Pick<SessionUser, 'id' | 'username' | 'displayName' | 'role' | 'unitId' | 'unitName' | 'mfaState' | 'mfaEnabled'>) {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    unitId: u.unitId,
    unitName: u.unitName,
    mfa: { state: u.mfaState, enabled: u.mfaEnabled },
  };
}
