import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import svgCaptcha from 'svg-captcha';
import { problem } from '../platform/http/problems';

/** channels.md §3: a captcha lives 2 minutes and answers once. */
export const CAPTCHA_TTL_SECONDS = 120;

/**
 * The built-in image captcha of the public API (GET /api/v1/captcha) on `svg-captcha` (maintained,
 * no native canvas): four characters without the look-alikes (0/o, 1/l/i), answered case-insensitively.
 * The answer waits in Redis under a random id; it is taken out on the first try, right or wrong, so
 * one picture cannot be guessed at twice. Redis away → 503 (anonymous writes fail closed).
 */
export function captchaStore(redis: Redis, prefix: string) {
  const key = (id: string) => `${prefix}:captcha:${id}`;
  return {
    async create() {
      const c = svgCaptcha.create({ size: 4, noise: 2, ignoreChars: '0oO1lIi', color: false, background: '#ffffff' });
      const captchaId = randomUUID();
      await ready(redis);
      await redis.set(key(captchaId), c.text.toLowerCase(), 'EX', CAPTCHA_TTL_SECONDS);
      return { captchaId, svg: c.data, expiresInSeconds: CAPTCHA_TTL_SECONDS };
    },
    /** Throws CAPTCHA_INVALID (401) unless `answer` is the live answer of `captchaId`; consumes it either way. */
    async check(captchaId: string | undefined, answer: string | undefined) {
      if (!captchaId || !answer) throw problem('CAPTCHA_INVALID');
      await ready(redis);
      const [[, stored]] = (await redis.multi().get(key(captchaId)).del(key(captchaId)).exec()) as [[Error | null, string | null]];
      if (!stored || stored !== answer.trim().toLowerCase()) throw problem('CAPTCHA_INVALID');
    },
    /** Demo and tests only (the dev endpoints): the answer, without consuming it. */
    peek: (captchaId: string) => redis.get(key(captchaId)),
  };
}
export type CaptchaStore = ReturnType<typeof captchaStore>;

function ready(redis: Redis) {
  if (redis.status !== 'ready') throw problem('SERVICE_UNAVAILABLE', 'the captcha store is unavailable');
}
