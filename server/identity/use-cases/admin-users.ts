import { randomInt } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import { z } from 'zod';
import { and, asc, eq, ne, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import { problem } from '../../platform/http/problems';
import { recordAdminChange } from '../../platform/events/admin-change';
import { inTransaction } from '../../platform/transaction';
import { env } from '../../platform/config/env';
import { handlingUnits } from '../../dispatch/tables';
import { forgetCachedSessions } from '../sessions';
import { mfaRecoveryCodes, ROLES, users } from '../tables';

/**
 * Staff accounts as the administrator keeps them (docs/SECURITY.md). What is deliberately NOT here:
 * the administrator never chooses or sees a user's password except the one-time password this
 * code generates (shown once, never stored in clear, never logged or audited); a reset does not
 * unlock a locked account or switch off two-step verification (each is its own audited action);
 * and every change that takes something away (disable, role change, reset, MFA reset) ends the
 * user's live sessions at once.
 */
const Fields = {
  displayName: z.string().trim().min(1).max(40),
  role: z.enum(ROLES),
  unitId: z.uuid().nullable().default(null),
  phoneExtension: z
    .string()
    .trim()
    .regex(/^\d{3,8}$/)
    .nullable()
    .default(null),
};
export const CreateUserInput = z.strictObject({
  username: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z][a-z0-9._-]{2,31}$/),
  ...Fields,
});
export const UpdateUserInput = z.strictObject({ ...Fields, active: z.boolean() });
export type CreateUserInput = z.infer<typeof CreateUserInput>;
export type UpdateUserInput = z.infer<typeof UpdateUserInput>;

// No 0/O, 1/l/I: read aloud or copied from a screen to a new colleague without mistakes.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789';
/** 16 characters from 55: about 92 bits, far beyond any online guessing the lockout allows. */
export function oneTimePassword(): string {
  let s = '';
  for (let i = 0; i < 16; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

export async function listUsersForAdmin(ctx: Ctx) {
  const rows = await ctx.db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      role: users.role,
      unitId: users.unitId,
      unitName: handlingUnits.name,
      phoneExtension: users.phoneExtension,
      active: users.active,
      failedLogins: users.failedLogins,
      lockedUntil: users.lockedUntil,
      mfaEnabledAt: users.mfaEnabledAt,
      createdAt: users.createdAt,
      recoveryCodesLeft: sql<number>`(select count(*)::int from mfa_recovery_codes c where c.user_id = ${users.id} and c.used_at is null)`,
      sessions: sql<number>`(select count(*)::int from sessions s where s.user_id = ${users.id} and s.expires_at > now()
      and s.last_seen_at > now() - make_interval(mins => ${env.SESSION_IDLE_MINUTES}))`,
    })
    .from(users)
    .leftJoin(handlingUnits, eq(handlingUnits.id, users.unitId))
    .orderBy(asc(users.username));
  const now = ctx.now();
  return rows.map((u) => ({
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    unitId: u.unitId,
    unitName: u.unitName,
    phoneExtension: u.phoneExtension,
    active: u.active,
    failedLogins: u.failedLogins,
    lockedUntil: u.lockedUntil && u.lockedUntil > now ? u.lockedUntil.toISOString() : null,
    mfa: { enabled: !!u.mfaEnabledAt, enabledAt: u.mfaEnabledAt?.toISOString() ?? null, recoveryCodesLeft: u.recoveryCodesLeft },
    liveSessions: u.sessions,
    createdAt: u.createdAt.toISOString(),
  }));
}

async function checkFields(tx: Tx, id: string | null, f: z.infer<z.ZodObject<typeof Fields>>) {
  if (f.role === 'unit_clerk' && !f.unitId) throw problem('USER_UNIT_REQUIRED');
  if (f.unitId) {
    const [u] = await tx
      .select({ id: handlingUnits.id })
      .from(handlingUnits)
      .where(and(eq(handlingUnits.id, f.unitId), eq(handlingUnits.active, true)));
    if (!u) throw problem('UNIT_NOT_FOUND', f.unitId);
  }
  if (f.phoneExtension) {
    const [other] = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.phoneExtension, f.phoneExtension), id ? ne(users.id, id) : sql`true`));
    if (other) throw problem('EXTENSION_TAKEN', f.phoneExtension);
  }
}

/** Ends every session of the user (this node at once; others within their 5 s cache). */
async function endSessions(tx: Tx, userId: string): Promise<number> {
  const gone = (await tx.execute<{ tokenHash: string }>(sql`delete from sessions where user_id = ${userId} returning token_hash as "tokenHash"`)).rows;
  forgetCachedSessions(gone.map((g) => g.tokenHash));
  return gone.length;
}

/** What an account change event shows of the account: never its password hash or second-factor secrets. */
const account = (u: { username: string; displayName: string; role: string; unitId: string | null; phoneExtension?: string | null; active: boolean }) => ({
  username: u.username,
  displayName: u.displayName,
  role: u.role,
  unitId: u.unitId,
  phoneExtension: u.phoneExtension ?? null,
  active: u.active,
});

async function lockUser(tx: Tx, id: string) {
  const [u] = await tx.select().from(users).where(eq(users.id, id)).for('update');
  if (!u) throw problem('USER_NOT_FOUND');
  return u;
}

export async function createUser(ctx: Ctx, input: CreateUserInput) {
  const password = oneTimePassword();
  const passwordHash = await hash(password);
  return inTransaction(ctx, async (tx) => {
    await checkFields(tx, null, input);
    const [row] = await tx
      .insert(users)
      .values({ ...input, passwordHash })
      .onConflictDoNothing({ target: users.username })
      .returning({ id: users.id });
    if (!row) throw problem('USERNAME_TAKEN', input.username);
    await recordAdminChange(tx, ctx, { entity: 'user', id: row.id, action: 'created', after: { ...input }, audit: { ...input } });
    return { id: row.id, oneTimePassword: password };
  });
}

export async function updateUser(ctx: Ctx, id: string, input: UpdateUserInput) {
  return inTransaction(ctx, async (tx) => {
    const before = await lockUser(tx, id);
    const self = ctx.actor.kind === 'staff' && ctx.actor.id === id;
    // The administrator cannot lock themselves out (and the centre out of its administration).
    if (self && (!input.active || input.role !== before.role)) throw problem('CANNOT_CHANGE_SELF');
    await checkFields(tx, id, input);
    await tx.update(users).set(input).where(eq(users.id, id));
    const changed = Object.fromEntries(Object.entries(input).filter(([k, v]) => before[k as keyof typeof before] !== v));
    const reduced = (before.active && !input.active) || before.role !== input.role || before.unitId !== input.unitId;
    const ended = reduced ? await endSessions(tx, id) : 0;
    await recordAdminChange(tx, ctx, {
      entity: 'user',
      id,
      action: before.active && !input.active ? 'disabled' : !before.active && input.active ? 'enabled' : 'updated',
      before: account(before),
      after: account({ ...before, ...input }),
      audit: { changed, sessionsEnded: ended },
    });
    return { id };
  });
}

/**
 * A new one-time password for a user who forgot theirs. The old one stops working, live sessions
 * end; the lock and two-step verification stay as they were.
 */
export async function resetPassword(ctx: Ctx, id: string) {
  const password = oneTimePassword();
  const passwordHash = await hash(password);
  return inTransaction(ctx, async (tx) => {
    await lockUser(tx, id);
    await tx.update(users).set({ passwordHash }).where(eq(users.id, id));
    const ended = await endSessions(tx, id);
    await recordAdminChange(tx, ctx, { entity: 'user', id, action: 'password_reset', audit: { sessionsEnded: ended } });
    return { id, oneTimePassword: password };
  });
}

/** Lifts the 15-minute lock after five wrong passwords (login.ts) once the person is known to be who they say. */
export async function unlockUser(ctx: Ctx, id: string) {
  return inTransaction(ctx, async (tx) => {
    const u = await lockUser(tx, id);
    await tx.update(users).set({ failedLogins: 0, lockedUntil: null }).where(eq(users.id, id));
    const was = { failedLogins: u.failedLogins, lockedUntil: u.lockedUntil?.toISOString() ?? null };
    await recordAdminChange(tx, ctx, { entity: 'user', id, action: 'unlocked', before: was, after: { failedLogins: 0, lockedUntil: null }, audit: was });
    return { id };
  });
}

/**
 * A lost authenticator (ASVS 2.8.6): the secret and the recovery codes are removed and sessions end.
 * Where MFA_REQUIRED is on, a supervisor or administrator must enrol a new authenticator at the next
 * login before anything else opens (sessions.ts), so nothing is left without a second factor.
 */
export async function resetMfa(ctx: Ctx, id: string) {
  return inTransaction(ctx, async (tx) => {
    const u = await lockUser(tx, id);
    await tx.update(users).set({ mfaSecretEnc: null, mfaPendingSecretEnc: null, mfaEnabledAt: null, mfaLastStep: null }).where(eq(users.id, id));
    await tx.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, id));
    const ended = await endSessions(tx, id);
    await recordAdminChange(tx, ctx, {
      entity: 'user',
      id,
      action: 'mfa_reset',
      before: { mfaEnabled: !!u.mfaEnabledAt },
      after: { mfaEnabled: false },
      audit: { wasEnabled: !!u.mfaEnabledAt, sessionsEnded: ended },
    });
    return { id };
  });
}
