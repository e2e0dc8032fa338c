import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { parse as parseCookie } from 'cookie';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client';
import { problem } from '../platform/http/problems';
import { sessions, type Role } from './tables';

export const SESSION_COOKIE = 'rx_session';
import { env } from '../platform/config/env';

/** How a session token is stored: HMAC under SESSION_SECRET. */
export const tokenHash = (t: string) => createHmac('sha256', env.SESSION_SECRET).update(t).digest('hex');

export type MfaState = 'ok' | 'mfa_pending' | 'mfa_enrol';

export async function createSession(db: Db, userId: string, ttlHours: number, o: { mfaState?: MfaState; userAgent?: string } = {}) {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlHours * 3600_000);
  await db
    .insert(sessions)
    .values({ tokenHash: tokenHash(token), userId, csrfToken, expiresAt, mfaState: o.mfaState ?? 'ok', userAgent: o.userAgent?.slice(0, 300) ?? null });
  return { token, csrfToken, expiresAt };
}

/** After the second factor (or enrolment) the session may do what the role allows. */
export async function setSessionMfaState(db: Db, token: string, state: MfaState) {
  SESSION_CACHE.delete(tokenHash(token));
  await db
    .update(sessions)
    .set({ mfaState: state })
    .where(eq(sessions.tokenHash, tokenHash(token)));
}

/** Forgets cached resolutions of these stored hashes on this node (revocation). */
export function forgetCachedSessions(hashes: string[]) {
  for (const h of hashes) SESSION_CACHE.delete(h);
}

export async function destroySession(db: Db, token: string) {
  SESSION_CACHE.delete(tokenHash(token));
  await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash(token)));
}

/**
 * Resolved sessions are kept in this process for a few seconds, so a busy agent's requests do
 * not each pay a session query. Logout clears this node's entry at once; another node may honour
 * a logged-out token for at most SESSION_CACHE_MS, which we accept for the saved round trip.
 */
const SESSION_CACHE_MS = 5_000;
const SESSION_CACHE = new Map<string, { user: SessionUser; until: number }>();

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  unitId: string | null;
  unitName: string | null;
  csrfToken: string;
  phoneExtension: string | null;
  sessionId: string;
  mfaState: MfaState;
  mfaEnabled: boolean;
}

/**
 * Resolves a session token (cookie) to its user; expired, idle (no request for
 * SESSION_IDLE_MINUTES) and revoked sessions and disabled users resolve to nobody. Reading the
 * session also moves its idle clock, in the same statement.
 */
export async function userForToken(db: Db, token: string): Promise<SessionUser | null> {
  const key = tokenHash(token);
  const hit = SESSION_CACHE.get(key);
  if (hit && hit.until > Date.now()) return hit.user;
  const [row] = (
    await db.execute<Omit<SessionUser, 'mfaEnabled'> & { mfaEnabled: boolean; expiresAt: Date }>(sql`
    with s as (
      update sessions set last_seen_at = now()
      where token_hash = ${key} and expires_at > now() and last_seen_at > now() - make_interval(mins => ${env.SESSION_IDLE_MINUTES})
      returning id, user_id, csrf_token, expires_at, mfa_state)
    select u.id, u.username, u.display_name as "displayName", u.role, u.unit_id as "unitId", h.name as "unitName",
      s.csrf_token as "csrfToken", u.phone_extension as "phoneExtension", s.expires_at as "expiresAt", s.id as "sessionId",
      s.mfa_state as "mfaState", u.mfa_enabled_at is not null as "mfaEnabled"
    from s join users u on u.id = s.user_id left join handling_units h on h.id = u.unit_id
    where u.active`)
  ).rows;
  if (!row) return null;
  const user: SessionUser = {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    role: row.role,
    unitId: row.unitId,
    unitName: row.unitName,
    csrfToken: row.csrfToken,
    phoneExtension: row.phoneExtension,
    sessionId: row.sessionId,
    mfaState: row.mfaState,
    mfaEnabled: row.mfaEnabled,
  };
  if (SESSION_CACHE.size > 10_000) SESSION_CACHE.clear();
  SESSION_CACHE.set(key, { user, until: Math.min(Date.now() + SESSION_CACHE_MS, new Date(row.expiresAt).getTime()) });
  return user;
}

export function sessionToken(cookieHeader: string | undefined): string | null {
  if (!cookieHeader) return null;
  return parseCookie(cookieHeader)[SESSION_COOKIE] ?? null;
}

/**
 * Names the actor from the session cookie. Cookie sessions need the CSRF token on every
 * write (double submit against the value stored with the session), so a forged form post fails.
 */
export function sessionMiddleware(db: Db): RequestHandler {
  return async (req, _res, next) => {
    const token = sessionToken(req.headers.cookie);
    if (!token) return next();
    const user = await userForToken(db, token);
    if (!user) return next();
    if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method)) {
      const sent = String(req.headers['x-csrf-token'] ?? '');
      const a = Buffer.from(sent);
      const b = Buffer.from(user.csrfToken);
      if (a.length !== b.length || !timingSafeEqual(a, b)) throw problem('CSRF_FAILED');
    }
    // Password right but the second factor (or the enrolment the role requires) still due: only
    // the sign-in steps are open to this session.
    if (user.mfaState !== 'ok' && !MFA_STEP_PATHS.has(req.path)) throw problem('MFA_REQUIRED');
    req.ctx.actor = { kind: 'staff', id: user.id, role: user.role, unitId: user.unitId, displayName: user.displayName };
    req.ctx.log = req.ctx.log.child({ actorId: user.id });
    (req as unknown as { sessionUser: SessionUser }).sessionUser = user;
    next();
  };
}

const MFA_STEP_PATHS = new Set(['/auth/me', '/auth/logout', '/auth/mfa/verify', '/auth/mfa/enrol', '/auth/mfa/enrol/confirm']);

export function requireStaff(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    const a = req.ctx.actor;
    if (a.kind !== 'staff') throw problem('UNAUTHENTICATED');
    if (roles.length && !roles.includes(a.role)) throw problem('FORBIDDEN');
    next();
  };
}
