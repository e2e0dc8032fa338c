/**
 * The tracking code (查询码) printed with a ticket number, short enough to read over the phone:
 * 10 characters of Crockford base32 (no I, L, O or U), shown as "7K2M9-QXD4R". 50 bits of a keyed
 * hash of the ticket number: with the number known, guessing one takes ~10^15 tries, against 120
 * tracking requests an hour per address (routes.ts). Read back leniently: any case, spaces or
 * hyphens, and the letters people confuse with digits (O→0, I/L→1) are taken as Crockford decodes them.
 * Codes printed before (32 hex characters) stay valid.
 */
import type { Ctx } from '../platform/context';
import { problem } from '../platform/http/problems';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const LENGTH = 10;
const LEGACY = /^[0-9a-f]{32}$/;

/** 50 bits of a keyed hash (hex, maybe with a key-version prefix) → 10 base32 characters. */
function encode(hash: string): string {
  const hex = hash.slice(hash.indexOf('.') + 1);
  let bits = BigInt(`0x${hex.slice(0, 13)}`) >> 2n; // 52 bits → the top 50
  let out = '';
  for (let i = 0; i < LENGTH; i++) {
    out = ALPHABET[Number(bits & 31n)] + out;
    bits >>= 5n;
  }
  return out;
}

/** The code as printed (with a hyphen in the middle, to read it in two halves). */
export function trackCodeFor(ctx: Pick<Ctx, 'svc'>, number: string): string {
  const c = encode(ctx.svc.pii.hash('track-code', number));
  return `${c.slice(0, 5)}-${c.slice(5)}`;
}

/** What the citizen typed, canonical; null when it cannot be a code (too short, a letter outside the alphabet). */
export function normalizeTrackCode(typed: string): string | null {
  const s = typed.trim();
  if (LEGACY.test(s.toLowerCase())) return s.toLowerCase();
  const c = s.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return c.length === LENGTH && [...c].every((ch) => ALPHABET.includes(ch)) ? c : null;
}

/** Refuses a malformed code in words (TRACK_CODE_MALFORMED); a well-formed one is checked against every configured key. */
export function trackCodeMatches(ctx: Ctx, number: string, typed: string): boolean {
  const c = normalizeTrackCode(typed);
  if (!c) throw problem('TRACK_CODE_MALFORMED');
  if (c.length === 32) return ctx.svc.pii.tokenMatches('track', number, c);
  return ctx.svc.pii.hashes('track-code', number).some((h) => encode(h) === c);
}
