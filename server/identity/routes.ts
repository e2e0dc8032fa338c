import { Router } from 'express';
import { z } from 'zod';
import { eq } from 'drizzle-orm';
import { verify } from '@node-rs/argon2';
import { validate } from '../platform/http/middleware';
import { problem } from '../platform/http/problems';
import type { RateLimiter } from '../platform/http/rate-limit';
import type { Db } from '../platform/db/client';
import { users } from './tables';
import { sql } from 'drizzle-orm';
import { decideCitizenMerge, DecideMergeInput } from './use-cases/merge-citizens';
import { maskPhone } from './checks';
import { createSession, destroySession, requireStaff, SESSION_COOKIE, sessionToken, userForToken, type SessionUser } from './sessions';

const LoginInput = z.strictObject({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(200) });
const MAX_FAILED = 5;
const LOCK_MINUTES = 15;

export function identityRoutes(deps: { db: Db; limiter: RateLimiter; sessionTtlHours: number; secureCookies: boolean }) {
  const r = Router();

  r.post('/auth/login', validate({ body: LoginInput }), async (req, res) => {
    const { username, password } = req.body as z.infer<typeof LoginInput>;
    if (!(await deps.limiter.hit(`login:${req.ip}`, 30, 60))) throw problem('RATE_LIMITED');
    const [u] = await deps.db.select().from(users).where(eq(users.username, username));
    if (u?.lockedUntil && u.lockedUntil > new Date()) throw problem('ACCOUNT_LOCKED');
    const ok = !!u && u.active && (await verify(u.passwordHash, password).catch((err) => {
      // A stored hash argon2 cannot read: a failed login (as a wrong password), but an operator must see it.
      req.ctx.log.error({ userId: u.id, err: (err as Error).message }, 'login: stored password hash unreadable');
      return false;
    }));
    if (!ok) {
      if (u) {
        const failed = u.failedLogins + 1;
        await deps.db.update(users).set({
          failedLogins: failed >= MAX_FAILED ? 0 : failed,
          lockedUntil: failed >= MAX_FAILED ? new Date(Date.now() + LOCK_MINUTES * 60_000) : null,
        }).where(eq(users.id, u.id));
      }
      throw problem('LOGIN_FAILED');
    }
    await deps.db.update(users).set({ failedLogins: 0, lockedUntil: null }).where(eq(users.id, u.id));
    const s = await createSession(deps.db, u.id, deps.sessionTtlHours);
    res.cookie(SESSION_COOKIE, s.token, {
      httpOnly: true, sameSite: 'lax', secure: deps.secureCookies, expires: s.expiresAt, path: '/',
    });
    const full = (await userForToken(deps.db, s.token))!;
    res.json({ data: { user: presentUser(full), csrfToken: s.csrfToken } });
  });

  r.post('/auth/logout', async (req, res) => {
    const token = sessionToken(req.headers.cookie);
    if (token) await destroySession(deps.db, token);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  r.get('/auth/me', requireStaff(), (req, res) => {
    const u = (req as unknown as { sessionUser: SessionUser }).sessionUser;
    res.json({ data: { user: presentUser(u), csrfToken: u.csrfToken } });
  });

  /** Open merge candidates, with masked contact points so the agent can judge without a data dump. */
  r.get('/citizens/merge-candidates', requireStaff('agent', 'dispatcher', 'supervisor'), async (req, res) => {
    const rows = (await req.ctx.db.execute<{ id: string; citizenId: string; otherCitizenId: string; reason: string; createdAt: string }>(sql`
      select id, citizen_id as "citizenId", other_citizen_id as "otherCitizenId", reason, created_at as "createdAt"
      from citizen_merge_candidates where status = 'open' order by created_at limit 200`)).rows;
    const contacts = async (id: string) => (await req.ctx.db.execute<{ kind: string; valueEnc: string }>(sql`select kind, value_enc as "valueEnc"
      from citizen_contacts where citizen_id = ${id}`)).rows.map((c) => {
      const v = req.ctx.svc.pii.decrypt(c.valueEnc);
      return { kind: c.kind, value: c.kind === 'phone' ? maskPhone(v) : `${v.slice(0, 3)}***` };
    });
    res.json({ data: await Promise.all(rows.map(async (r) => ({ ...r, contacts: await contacts(r.citizenId), otherContacts: await contacts(r.otherCitizenId) }))) });
  });

  r.post('/citizens/merge-candidates/:id', requireStaff('agent', 'dispatcher', 'supervisor'), validate({ body: DecideMergeInput }), async (req, res) => {
    const id = String(req.params.id);
    if (!z.uuid().safeParse(id).success) throw problem('NOT_FOUND');
    res.json({ data: await decideCitizenMerge(req.ctx, id, req.body as z.infer<typeof DecideMergeInput>) });
  });

  return r;
}

function presentUser(u: Pick<SessionUser, 'id' | 'username' | 'displayName' | 'role' | 'unitId' | 'unitName'>) {
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, unitId: u.unitId, unitName: u.unitName };
}
