import { createHmac, randomInt } from 'node:crypto';
import { and, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Ctx } from '../platform/context';
import { problem } from '../platform/http/problems';
import { smsCodes } from '../identity/tables';
import type { SmsSender } from './sms-sender';

const TTL_SECONDS = 300;
const MAX_ATTEMPTS = 5;

/** 短信验证码: six digits, five minutes, five tries; stored as a keyed hash only. */
export async function issueSmsCode(ctx: Ctx, sender: SmsSender, phone: string, purpose: string) {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const phoneHash = ctx.svc.pii.hash('phone', phone);
  await ctx.db.insert(smsCodes).values({
    phoneHash,
    purpose,
    codeHash: codeHash(ctx, phoneHash, code),
    expiresAt: new Date(ctx.now().getTime() + TTL_SECONDS * 1000),
  });
  await sender.send(phone, 'verification_code', { code, minutes: String(TTL_SECONDS / 60) });
  return { expiresInSeconds: TTL_SECONDS };
}

/**
 * Consumes the newest live code on a match. Every try claims one of the five attempts first, in
 * one UPDATE, so parallel guesses cannot all read "0 attempts so far" and be compared (race found
 * by test/security/hardening.test.ts); a code is consumed once even if two right answers race.
 */
export async function verifySmsCode(ctx: Ctx, phone: string, purpose: string, code: string) {
  const phoneHash = ctx.svc.pii.hash('phone', phone);
  const [row] = await ctx.db
    .select()
    .from(smsCodes)
    .where(and(eq(smsCodes.phoneHash, phoneHash), eq(smsCodes.purpose, purpose), isNull(smsCodes.usedAt), gt(smsCodes.expiresAt, ctx.now())))
    .orderBy(desc(smsCodes.createdAt))
    .limit(1);
  if (!row) throw problem('SMS_CODE_INVALID');
  const claimed = await ctx.db
    .update(smsCodes)
    .set({ attempts: sql`${smsCodes.attempts} + 1` })
    .where(and(eq(smsCodes.id, row.id), lt(smsCodes.attempts, MAX_ATTEMPTS), isNull(smsCodes.usedAt)))
    .returning({ id: smsCodes.id });
  if (claimed.length === 0 || row.codeHash !== codeHash(ctx, phoneHash, code)) throw problem('SMS_CODE_INVALID');
  const used = await ctx.db
    .update(smsCodes)
    .set({ usedAt: ctx.now() })
    .where(and(eq(smsCodes.id, row.id), isNull(smsCodes.usedAt)))
    .returning({ id: smsCodes.id });
  if (used.length === 0) throw problem('SMS_CODE_INVALID');
}

function codeHash(ctx: Ctx, phoneHash: string, code: string) {
  return createHmac('sha256', ctx.svc.pii.hash('sms', phoneHash)).update(code).digest('hex');
}
