/**
 * Our own webhook signature (channels.md §0.3, our rule), used by the CTI adapter and the
 * province↔city exchange:
 *   X-Rexian-Signature = hex(HMAC-SHA256(secret,
 *       METHOD \n path \n timestamp \n nonce \n hex(SHA-256(rawBody))))
 * `path` is the request target as sent on the wire: path plus query string, e.g.
 * "/channels/phone/events" or "/exchange/v1/orders?x=1" (Express: req.originalUrl).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NonceStore } from './ports';

export const HEADER_KEY_ID = 'x-rexian-key-id';
export const HEADER_TIMESTAMP = 'x-rexian-timestamp';
export const HEADER_NONCE = 'x-rexian-nonce';
export const HEADER_SIGNATURE = 'x-rexian-signature';

export function sha256Hex(body: Buffer | string): string {
  return createHash('sha256').update(body).digest('hex');
}

export function stringToSign(method: string, path: string, timestamp: string, nonce: string, body: Buffer | string) {
  return [method.toUpperCase(), path, timestamp, nonce, sha256Hex(body)].join('\n');
}

export function hmacSignature(secret: string, method: string, path: string, timestamp: string, nonce: string, body: Buffer | string): string {
  return createHmac('sha256', secret)
    .update(stringToSign(method, path, timestamp, nonce, body))
    .digest('hex');
}

/** Headers for an outgoing signed request. `timestamp`/`nonce` are injectable for tests. */
export function signRequest(input: {
  keyId: string;
  secret: string;
  method: string;
  path: string;
  body: Buffer | string;
  timestamp?: number;
  nonce?: string;
}): Record<string, string> {
  const ts = String(input.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = input.nonce ?? randomBytes(16).toString('hex');
  return {
    'X-Rexian-Key-Id': input.keyId,
    'X-Rexian-Timestamp': ts,
    'X-Rexian-Nonce': nonce,
    'X-Rexian-Signature': hmacSignature(input.secret, input.method, input.path, ts, nonce, input.body),
  };
}

/** Secrets currently valid for a key id: up to two during rotation (§0.3). Empty = unknown key. */
export type HmacKeyLookup = (keyId: string) => Promise<string[]> | string[];

export type HmacFailure = 'MISSING_AUTH' | 'UNKNOWN_KEY' | 'STALE_REQUEST' | 'REPLAYED' | 'BAD_SIGNATURE';
export type HmacResult = { ok: true; keyId: string } | { ok: false; code: HmacFailure; status: 401 };

export interface VerifyOptions {
  keys: HmacKeyLookup;
  nonces: NonceStore;
  now?: () => Date;
  /** |now − timestamp| above this is STALE_REQUEST. Default 300 s. */
  maxSkewSeconds?: number;
}

const fail = (code: HmacFailure): HmacResult => ({ ok: false, code, status: 401 });

/** Constant-time compare of two hex strings; different lengths are simply unequal. */
export function safeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  if (x.length !== y.length) return false;
  return timingSafeEqual(x, y);
}

/**
 * Verifies a signed request. Order: headers → clock → signature → nonce. The nonce is only
 * recorded after the signature matched, so forged requests cannot burn a peer's nonces.
 */
export async function verifyRequest(
  req: { method: string; path: string; headers: Record<string, string | string[] | undefined>; body: Buffer },
  opts: VerifyOptions,
): Promise<HmacResult> {
  const h = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const keyId = h(HEADER_KEY_ID);
  const ts = h(HEADER_TIMESTAMP);
  const nonce = h(HEADER_NONCE);
  const sig = h(HEADER_SIGNATURE);
  if (!keyId || !ts || !nonce || !sig || nonce.length < 16 || nonce.length > 128 || !/^\d{1,12}$/.test(ts)) {
    return fail('MISSING_AUTH');
  }
  const maxSkew = opts.maxSkewSeconds ?? 300;
  const nowS = Math.floor((opts.now?.() ?? new Date()).getTime() / 1000);
  if (Math.abs(nowS - Number(ts)) > maxSkew) return fail('STALE_REQUEST');

  const secrets = await opts.keys(keyId);
  if (secrets.length === 0) return fail('UNKNOWN_KEY');
  const given = sig.toLowerCase();
  // Check every active secret (no early exit) so timing does not reveal which one matched.
  let matched = false;
  for (const secret of secrets) {
    if (safeEqualHex(hmacSignature(secret, req.method, req.path, ts, nonce, req.body), given)) matched = true;
  }
  if (!matched) return fail('BAD_SIGNATURE');

  // The nonce must stay remembered for as long as its timestamp is acceptable: 2 × window.
  if (await opts.nonces.seen(`hmac:${keyId}:${nonce}`, maxSkew * 2 + 1)) return fail('REPLAYED');
  return { ok: true, keyId };
}
