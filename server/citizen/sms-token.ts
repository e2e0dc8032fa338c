import { randomBytes } from 'node:crypto';
import type { Ctx } from '../platform/context';
import { problem } from '../platform/http/problems';

/** channels.md §4.3: what a verified SMS code is exchanged for, good for 15 minutes. */
export const SMS_TOKEN_TTL_SECONDS = 15 * 60;
export type SmsPurpose = 'submit' | 'track';

const SHAPE = /^st1\.(submit|track)\.(\d{10})\.([0-9a-f]{16})\.([0-9a-f]{32})$/;

/**
 * The `smsToken` of the public API: proof that whoever holds it read a code sent to `phone` for
 * `purpose` in the last 15 minutes. Stateless and keyed with the PII key (a MAC over phone,
 * purpose, expiry and a nonce), so every node checks it without Redis — tracking stays readable
 * while Redis is away — and a token for one phone or purpose proves nothing for another. It is
 * reusable until it expires: tracking, a supplement and a rating follow one another in one visit.
 */
export function issueSmsToken(ctx: Ctx, phone: string, purpose: SmsPurpose) {
  const exp = Math.floor(ctx.now().getTime() / 1000) + SMS_TOKEN_TTL_SECONDS;
  const nonce = randomBytes(8).toString('hex');
  const mac = ctx.svc.pii.token('sms-token', `${phone}|${purpose}|${exp}|${nonce}`);
  return { smsToken: `st1.${purpose}.${exp}.${nonce}.${mac}`, expiresInSeconds: SMS_TOKEN_TTL_SECONDS };
}

/** Throws CODE_INVALID (401) unless `token` was issued for this phone and one of `purposes` and has not expired. */
export function requireSmsToken(ctx: Ctx, phone: string, token: string, purposes: readonly SmsPurpose[]) {
  const m = SHAPE.exec(token);
  if (!m) throw problem('CODE_INVALID');
  const [, purpose, exp, nonce, mac] = m;
  if (!purposes.includes(purpose as SmsPurpose)) throw problem('CODE_INVALID');
  if (Number(exp) * 1000 <= ctx.now().getTime()) throw problem('CODE_INVALID');
  if (!ctx.svc.pii.tokenMatches('sms-token', `${phone}|${purpose}|${exp}|${nonce}`, mac)) throw problem('CODE_INVALID');
}
