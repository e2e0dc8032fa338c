import type { Logger } from '../platform/log/logger';

/**
 * The portal's CAPTCHA hook (anti-automation, ASVS 11.1.x): after a number of SMS-code requests
 * from one address an hour the request must carry a solved CAPTCHA. Pluggable and off unless
 * configured (SMS_CAPTCHA_AFTER + SMS_CAPTCHA_VERIFY_URL); a built-in image CAPTCHA is not here yet.
 */
export interface CaptchaVerifier {
  verify(token: string, ip: string): Promise<boolean>;
}

/**
 * The "siteverify" shape that reCAPTCHA, hCaptcha, Turnstile and comparable domestic services
 * share: a form POST of secret + response (+ remoteip) answered with JSON `{ success: boolean }`.
 * A verifier that cannot be reached refuses (fail closed) and logs why.
 */
export function httpCaptchaVerifier(o: { url: string; secret: string; log: Logger; timeoutMs?: number }): CaptchaVerifier {
  return {
    async verify(token, ip) {
      try {
        const r = await fetch(o.url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ secret: o.secret, response: token, remoteip: ip }).toString(),
          signal: AbortSignal.timeout(o.timeoutMs ?? 5000),
        });
        if (!r.ok) {
          o.log.warn({ status: r.status }, 'captcha verifier answered an error');
          return false;
        }
        return ((await r.json()) as { success?: unknown }).success === true;
      } catch (e) {
        o.log.warn({ err: (e as Error).message }, 'captcha verifier unreachable');
        return false;
      }
    },
  };
}
