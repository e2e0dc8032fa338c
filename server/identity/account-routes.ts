import { Router, type Request } from 'express';
import { writeAudit } from '../platform/events/audit';
import { z } from 'zod';
import { sql } from 'drizzle-orm';
import type Redis from 'ioredis';
import { validate } from '../platform/http/middleware';
import { problem } from '../platform/http/problems';
import { createLimit } from '../platform/http/limits';
import type { Logger } from '../platform/log/logger';
import type { Ctx } from '../platform/context';
import { env } from '../platform/config/env';
import { forgetCachedSessions, requireStaff, sessionToken, setSessionMfaState, type SessionUser } from './sessions';
import { beginMfaEnrolment, confirmMfaEnrolment, unusedRecoveryCodes, verifySecondFactor } from './mfa';

const CodeInput = z.strictObject({ code: z.string().trim().min(6).max(20) });
const Empty = z.strictObject({});
const SessionParams = z.object({ id: z.uuid() });

const sessionUser = (req: Request) => (req as unknown as { sessionUser: SessionUser }).sessionUser;
const tokenOf = (req: Request) => sessionToken(req.headers.cookie)!;

/**
 * Two-step verification (TOTP) and the user's and the admin's view of live sessions.
 * The login itself (password step) is in routes.ts.
 */
export function accountRoutes(deps: { redis: Redis; prefix: string; log: Logger }) {
  const r = Router();
  // Six-digit codes: 5 wrong ones in 15 minutes per user, then wait (1 in 200,000 chances, not a million tries).
  const codeTries = createLimit(deps.redis, deps.prefix, { name: 'mfa-code', points: 5, durationSeconds: 15 * 60 }, deps.log);

  r.post('/auth/mfa/verify', requireStaff(), validate({ body: CodeInput }), async (req, res) => {
    const u = sessionUser(req);
    if (u.mfaState !== 'mfa_pending') throw problem('MFA_NOT_PENDING');
    if (!(await codeTries.consume(u.id))) throw problem('RATE_LIMITED');
    const how = await verifySecondFactor(req.ctx, u.id, req.body.code);
    await codeTries.reset(u.id);
    await setSessionMfaState(req.ctx.db, tokenOf(req), 'ok');
    res.json({ data: { mfa: 'ok', method: how, recoveryCodesLeft: await unusedRecoveryCodes(req.ctx, u.id) } });
  });

  // Enrolment needs a fully signed-in session or one the role sends to enrolment; never one whose
  // second factor is still due (else a stolen password could replace the authenticator).
  r.post('/auth/mfa/enrol', requireStaff(), validate({ body: Empty }), async (req, res) => {
    const u = sessionUser(req);
    if (u.mfaState === 'mfa_pending') throw problem('MFA_REQUIRED');
    res.json({ data: await beginMfaEnrolment(req.ctx, u.id, u.username) });
  });

  r.post('/auth/mfa/enrol/confirm', requireStaff(), validate({ body: CodeInput }), async (req, res) => {
    const u = sessionUser(req);
    if (u.mfaState === 'mfa_pending') throw problem('MFA_REQUIRED');
    if (!(await codeTries.consume(u.id))) throw problem('RATE_LIMITED');
    const out = await confirmMfaEnrolment(req.ctx, u.id, req.body.code);
    await codeTries.reset(u.id);
    await setSessionMfaState(req.ctx.db, tokenOf(req), 'ok');
    res.json({ data: out });
  });

  r.get('/auth/sessions', requireStaff(), async (req, res) => {
    const u = sessionUser(req);
    res.json({ data: (await listSessions(req.ctx, u.id)).map((s) => ({ ...s, current: s.id === u.sessionId })) });
  });

  r.post('/auth/sessions/:id/revoke', requireStaff(), validate({ params: SessionParams, body: Empty }), async (req, res) => {
    await revokeSession(req.ctx, String(req.params.id), sessionUser(req).id);
    res.status(204).end();
  });

  r.get('/admin/sessions', requireStaff('admin'), async (req, res) => {
    res.json({ data: await listSessions(req.ctx, null) });
  });

  r.post('/admin/sessions/:id/revoke', requireStaff('admin'), validate({ params: SessionParams, body: Empty }), async (req, res) => {
    await revokeSession(req.ctx, String(req.params.id), null);
    res.status(204).end();
  });

  return r;
}

type SessionRow = {
  id: string;
  userId: string;
  username: string;
  displayName: string;
  role: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  userAgent: string | null;
  mfaState: string;
};

/** Live sessions (not expired, not idle past the limit) of one user, or of everyone for the admin. */
async function listSessions(ctx: Ctx, userId: string | null) {
  return (
    await ctx.db.execute<SessionRow>(sql`select s.id, s.user_id as "userId", u.username, u.display_name as "displayName", u.role,
      s.created_at as "createdAt", s.last_seen_at as "lastSeenAt", s.expires_at as "expiresAt", s.user_agent as "userAgent", s.mfa_state as "mfaState"
    from sessions s join users u on u.id = s.user_id
    where s.expires_at > now() and s.last_seen_at > now() - make_interval(mins => ${env.SESSION_IDLE_MINUTES})
      ${userId ? sql`and s.user_id = ${userId}` : sql``}
    order by s.last_seen_at desc limit 500`)
  ).rows;
}

/** Ends a session now (this node at once; other nodes within their 5 s cache), with an audit row. */
async function revokeSession(ctx: Ctx, id: string, ownerId: string | null) {
  await ctx.db.transaction(async (tx) => {
    const gone = (
      await tx.execute<{ tokenHash: string; userId: string }>(sql`delete from sessions where id = ${id}
      ${ownerId ? sql`and user_id = ${ownerId}` : sql``} returning token_hash as "tokenHash", user_id as "userId"`)
    ).rows;
    if (gone.length === 0) throw problem('SESSION_NOT_FOUND');
    forgetCachedSessions(gone.map((g) => g.tokenHash));
    await writeAudit(tx, ctx, {
      action: 'session.revoked',
      entityType: 'user',
      entityId: gone[0].userId,
      data: { sessionId: id, by: ownerId ? 'self' : 'admin' },
    });
  });
}
