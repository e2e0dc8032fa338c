import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { parse as parseCookie } from 'cookie';
import { and, eq, gt } from 'drizzle-orm';
import type { Db } from '../platform/db/client';
import { problem } from '../platform/http/problems';
import { handlingUnits } from '../dispatch/tables';
import { sessions, users, type Role } from './tables';

export const SESSION_COOKIE = 'rx_session';
import { env } from '../platform/config/env';

/** How a session token is stored: HMAC under SESSION_SECRET. */
export const tokenHash = (t: string) => createHmac('sha256', env.SESSION_SECRET).update(t).digest('hex');

export async function createSession(db: Db, userId: string, ttlHours: number) {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlHours * 3600_000);
  await db.insert(sessions).values({ tokenHash: tokenHash(token), userId, csrfToken, expiresAt });
  return { token, csrfToken, expiresAt };
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
  id: string; username: string; displayName: string; role: Role; unitId: string | null; unitName: string | null; csrfToken: string;
  phoneExtension: string | null;
}

/** Resolves a session token (cookie) to its user; expired sessions and disabled users resolve to nobody. */
export async function userForToken(db: Db, token: string): Promise<SessionUser | null> {
  const key = tokenHash(token);
  const hit = SESSION_CACHE.get(key);
  if (hit && hit.until > Date.now()) return hit.user;
  const [row] = await db
    .select({
      id: users.id, username: users.username, displayName: users.displayName, role: users.role, unitId: users.unitId,
      unitName: handlingUnits.name, csrfToken: sessions.csrfToken, phoneExtension: users.phoneExtension, expiresAt: sessions.expiresAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(handlingUnits, eq(handlingUnits.id, users.unitId))
    .where(and(eq(sessions.tokenHash, key), gt(sessions.expiresAt, new Date()), eq(users.active, true)));
  if (!row) return null;
  const user = { id: row.id, username: row.username, displayName: row.displayName, role: row.role, unitId: row.unitId,
    unitName: row.unitName, csrfToken: row.csrfToken, phoneExtension: row.phoneExtension };
  if (SESSION_CACHE.size > 10_000) SESSION_CACHE.clear();
  SESSION_CACHE.set(key, { user, until: Math.min(Date.now() + SESSION_CACHE_MS, row.expiresAt.getTime()) });
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
    req.ctx.actor = { kind: 'staff', id: user.id, role: user.role, unitId: user.unitId, displayName: user.displayName };
    req.ctx.log = req.ctx.log.child({ actorId: user.id });
    (req as unknown as { sessionUser: SessionUser }).sessionUser = user;
    next();
  };
}

export function requireStaff(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    const a = req.ctx.actor;
    if (a.kind !== 'staff') throw problem('UNAUTHENTICATED');
    if (roles.length && !roles.includes(a.role)) throw problem('FORBIDDEN');
    next();
  };
}
