import type Redis from 'ioredis';
import { createLimit } from '../platform/http/limits';
import type { Logger } from '../platform/log/logger';
import { problem } from '../platform/http/problems';
import type { CaptchaVerifier } from './captcha';

/**
 * Who may have an SMS code sent (短信验证码), in this order, each an atomic Redis counter:
 *  1. the caller's address: 30 an hour (checked first, so an address that is over its budget never
 *     charges a victim's phone — it cannot lock a citizen out of the portal);
 *  2. after `captcha.after` requests an hour from one address, a solved CAPTCHA (when configured);
 *  3. the phone: 1 a minute and 10 a day (what an SMS bomb against one number can cost us).
 * rate-limiter-flexible does each consume in one Lua script, so parallel requests cannot all see
 * "under the limit" (the hand-written INCR-then-EXPIRE limiter this replaces let 20 parallel
 * requests read one count and charged the phone before the address).
 */
export const SMS_LIMITS = { ipPerHour: 30, phonePerMinute: 1, phonePerDay: 10 } as const;

export interface SmsCaptchaConfig {
  after: number;
  verifier: CaptchaVerifier;
}

export function smsCodeLimits(redis: Redis, prefix: string, log: Logger, captcha?: SmsCaptchaConfig) {
  const ip = createLimit(redis, prefix, { name: 'sms-ip', points: SMS_LIMITS.ipPerHour, durationSeconds: 3600 }, log);
  const ipSeen = createLimit(redis, prefix, { name: 'sms-ip-seen', points: Number.MAX_SAFE_INTEGER, durationSeconds: 3600 }, log);
  const minute = createLimit(redis, prefix, { name: 'sms-phone-minute', points: SMS_LIMITS.phonePerMinute, durationSeconds: 60 }, log);
  const day = createLimit(redis, prefix, { name: 'sms-phone-day', points: SMS_LIMITS.phonePerDay, durationSeconds: 86_400 }, log);

  return {
    /** Throws RATE_LIMITED or CAPTCHA_REQUIRED; returns only when a code may be sent to `phoneHash`. */
    /** `captchaSolved`: the caller already passed the built-in image captcha of /api/v1 (svg-captcha.ts). */
    async admit(o: { ip: string; phoneHash: string; captchaToken?: string; captchaSolved?: boolean }) {
      if (!(await ip.consume(o.ip))) throw problem('RATE_LIMITED');
      if (captcha && captcha.after > 0) {
        await ipSeen.consume(o.ip);
        if ((await ipSeen.used(o.ip)) > captcha.after && !o.captchaSolved) {
          if (!o.captchaToken) throw problem('CAPTCHA_REQUIRED');
          if (!(await captcha.verifier.verify(o.captchaToken, o.ip))) throw problem('CAPTCHA_FAILED');
        }
      }
      if (!(await minute.consume(o.phoneHash))) throw problem('RATE_LIMITED');
      if (!(await day.consume(o.phoneHash))) throw problem('RATE_LIMITED');
    },
  };
}
