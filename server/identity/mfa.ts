import { createHmac, randomBytes } from 'node:crypto';
import { writeAudit } from '../platform/events/audit';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { generateSecret, generateURI, verify as verifyTotp } from 'otplib';
import type { Ctx } from '../platform/context';
import { problem } from '../platform/http/problems';
import { env } from '../platform/config/env';
import { mfaRecoveryCodes, users, type Role } from './tables';

/** Two-step verification (TOTP, RFC 6238) is for the roles that can change the centre's rules and see the whole city. */
export const MFA_ROLES: readonly Role[] = ['supervisor', 'admin'];
const ISSUER = 'Rexian 12345';
const RECOVERY_CODES = 10;
/** One 30 s step either side for phone clocks, no more (RFC 6238 §5.2 allows a small window). */
const TOLERANCE_SECONDS = 30;

/** otplib's result union covers HOTP too; a TOTP match carries its time step. */
const stepOf = (r: object) => (r as { timeStep: number }).timeStep;

const recoveryHash = (userId: string, code: string) =>
  createHmac('sha256', env.SESSION_SECRET)
    .update(`mfa-recovery:${userId}:${code.replace(/[\s-]/g, '').toLowerCase()}`)
    .digest('hex');

function audit(ctx: Ctx, userId: string, action: string, data: Record<string, unknown> = {}) {
  return writeAudit(ctx.db, ctx, {
    action,
    entityType: 'user',
    entityId: userId,
    data,
    actor: { id: userId, role: ctx.actor.kind === 'staff' ? ctx.actor.role : ctx.actor.kind },
  });
}

/** Starts (or restarts) enrolment: a new secret, kept encrypted and pending until a code confirms it. */
export async function beginMfaEnrolment(ctx: Ctx, userId: string, username: string) {
  const secret = generateSecret();
  await ctx.db
    .update(users)
    .set({ mfaPendingSecretEnc: ctx.svc.pii.encrypt(secret) })
    .where(eq(users.id, userId));
  return { secret, otpauthUri: generateURI({ issuer: ISSUER, label: username, secret }) };
}

/**
 * Confirms enrolment with a first code from the authenticator; returns the recovery codes, shown
 * this once and stored only as keyed hashes. Replaces any earlier secret and codes.
 */
export async function confirmMfaEnrolment(ctx: Ctx, userId: string, code: string) {
  return ctx.db.transaction(async (tx) => {
    const [u] = await tx.select({ pending: users.mfaPendingSecretEnc }).from(users).where(eq(users.id, userId)).for('update');
    if (!u?.pending) throw problem('MFA_NOT_PENDING');
    const secret = ctx.svc.pii.decrypt(u.pending);
    const r = await verifyTotp({ secret, token: code, epochTolerance: TOLERANCE_SECONDS });
    if (!r.valid) throw problem('MFA_CODE_INVALID');
    const codes = Array.from({ length: RECOVERY_CODES }, () => {
      const c = randomBytes(5).toString('hex');
      return `${c.slice(0, 5)}-${c.slice(5)}`;
    });
    await tx
      .update(users)
      .set({ mfaSecretEnc: u.pending, mfaPendingSecretEnc: null, mfaEnabledAt: ctx.now(), mfaLastStep: stepOf(r) })
      .where(eq(users.id, userId));
    await tx.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId));
    await tx.insert(mfaRecoveryCodes).values(codes.map((c) => ({ userId, codeHash: recoveryHash(userId, c) })));
    await writeAudit(tx, ctx, {
      action: 'user.mfa_enrolled',
      entityType: 'user',
      entityId: userId,
      actor: { id: userId, role: ctx.actor.kind === 'staff' ? ctx.actor.role : null },
    });
    return { recoveryCodes: codes };
  });
}

/**
 * The second step of a login: a TOTP code (each time step accepted once: the step is moved
 * forward in one conditional UPDATE, so a code seen over someone's shoulder or replayed in
 * parallel is refused) or an unused recovery code (consumed in one UPDATE).
 */
export async function verifySecondFactor(ctx: Ctx, userId: string, code: string): Promise<'totp' | 'recovery'> {
  const [u] = await ctx.db.select({ secret: users.mfaSecretEnc, last: users.mfaLastStep }).from(users).where(eq(users.id, userId));
  if (!u?.secret) throw problem('MFA_CODE_INVALID');
  if (/^\d{6}$/.test(code)) {
    const r = await verifyTotp({
      secret: ctx.svc.pii.decrypt(u.secret),
      token: code,
      epochTolerance: TOLERANCE_SECONDS,
      ...(u.last != null ? { afterTimeStep: u.last } : {}),
    });
    if (r.valid) {
      const moved = await ctx.db
        .update(users)
        .set({ mfaLastStep: stepOf(r) })
        .where(and(eq(users.id, userId), sql`coalesce(${users.mfaLastStep}, -1) < ${stepOf(r)}`))
        .returning({ id: users.id });
      if (moved.length === 1) return 'totp';
    }
    throw problem('MFA_CODE_INVALID');
  }
  const used = await ctx.db
    .update(mfaRecoveryCodes)
    .set({ usedAt: ctx.now() })
    .where(and(eq(mfaRecoveryCodes.userId, userId), eq(mfaRecoveryCodes.codeHash, recoveryHash(userId, code)), isNull(mfaRecoveryCodes.usedAt)))
    .returning({ id: mfaRecoveryCodes.id });
  if (used.length !== 1) throw problem('MFA_CODE_INVALID');
  await audit(ctx, userId, 'user.mfa_recovery_code_used', { left: await unusedRecoveryCodes(ctx, userId) });
  return 'recovery';
}

export async function unusedRecoveryCodes(ctx: Ctx, userId: string) {
  const [r] = await ctx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(mfaRecoveryCodes)
    .where(and(eq(mfaRecoveryCodes.userId, userId), isNull(mfaRecoveryCodes.usedAt)));
  return r?.n ?? 0;
}
