import { hash, verify } from '@node-rs/argon2';
import { sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client';
import type { Logger } from '../platform/log/logger';
import { problem } from '../platform/http/problems';
import type { Role } from './tables';

/** ASVS 2.2.1: five wrong passwords lock the account for fifteen minutes. */
export const MAX_FAILED = 5;
export const LOCK_MINUTES = 15;

/**
 * Unknown users and locked accounts still pay one argon2id verify against this hash, so the
 * answer time does not tell an attacker which usernames exist (ASVS 2.2.1 / 3.x enumeration).
 */
let dummyHash: Promise<string> | null = null;
const dummy = () => (dummyHash ??= hash(`rexian-dummy-${Math.random()}`));

type LoginRow = { id: string; passwordHash: string; active: boolean; lockedUntil: Date | null; role: Role; mfaEnabled: boolean };

/**
 * Checks a username and password. Every refusal — unknown user, disabled, locked, wrong
 * password — is the one generic LOGIN_FAILED after the same argon2 work. A wrong password is
 * counted in ONE `UPDATE … RETURNING`, so twenty parallel guesses count twenty and lock the
 * account; reading the counter first and writing it back lost all but a few of them.
 */
export async function checkPassword(db: Db, log: Logger, username: string, password: string): Promise<LoginRow> {
  const [u] = (
    await db.execute<LoginRow>(sql`select id, password_hash as "passwordHash", active, locked_until as "lockedUntil", role,
    mfa_enabled_at is not null as "mfaEnabled"
    from users where username = ${username}`)
  ).rows;
  const locked = !!u?.lockedUntil && new Date(u.lockedUntil) > new Date();
  const ok = await verify(u && !locked ? u.passwordHash : await dummy(), password).catch((e: Error) => {
    log.error({ userId: u?.id, err: e.message }, 'stored password hash could not be verified');
    return false;
  });
  if (u && ok && u.active && !locked) return u;
  if (u && !locked) {
    const [after] = (
      await db.execute<{ failedLogins: number; lockedUntil: Date | null }>(sql`
      update users set
        failed_logins = case when failed_logins + 1 >= ${MAX_FAILED} then 0 else failed_logins + 1 end,
        locked_until = case when failed_logins + 1 >= ${MAX_FAILED} then now() + make_interval(mins => ${LOCK_MINUTES}) else locked_until end
      where id = ${u.id}
      returning failed_logins as "failedLogins", locked_until as "lockedUntil"`)
    ).rows;
    if (after?.lockedUntil && new Date(after.lockedUntil) > new Date()) log.warn({ userId: u.id }, 'account locked after failed logins');
  }
  throw problem('LOGIN_FAILED');
}

/** A successful login clears the failure count. */
export async function clearFailures(db: Db, userId: string) {
  await db.execute(sql`update users set failed_logins = 0, locked_until = null where id = ${userId} and (failed_logins > 0 or locked_until is not null)`);
}
