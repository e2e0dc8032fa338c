/**
 * Same-matter detection (并单): an in-memory MinHash + LSH index over character shingles.
 *
 * Why MinHash/LSH: a new appeal must be compared with every open ticket (up to ~1 M) at
 * intake. MinHash turns each text into 64 numbers whose agreement rate estimates the Jaccard
 * similarity of the shingle sets; banding (16 bands × 4 rows) sends only texts that agree on a
 * whole band to the exact comparison, so a query touches a handful of candidates, not 1 M.
 * A pair with Jaccard J becomes a candidate with probability 1 − (1 − J⁴)¹⁶: 0.64 at J = 0.5,
 * 0.89 at 0.6, 0.99 at 0.7, and 0.0016 at 0.1 (unrelated appeals). Texts are not stored, only
 * their signatures, so the index holds no personal data beyond ids and the caller's opaque keys.
 */
import { normalizeText } from './text/normalize.js';

export interface DuplicateMeta {
  /** Opaque key of the citizen (e.g. a hash of the phone number); same key = same person. */
  citizenKey?: string;
  /** Opaque key of the place (e.g. a geohash or address id). */
  placeKey?: string;
  /** When the appeal arrived. */
  at: Date | number;
}

export interface DuplicateQueryOptions {
  /** Only tickets within this many days of `meta.at` (either side). Default 30. */
  windowDays?: number;
  /** At most this many results, best first. Default 5. */
  limit?: number;
  /** Minimum estimated similarity to report. Default 0.4 (precision 1.000, recall 0.968 on the data's repeats, see README). */
  minScore?: number;
}

export interface DuplicateMatch {
  id: string;
  /** Estimated Jaccard similarity of the character shingles, 0..1. */
  score: number;
  sameCitizen: boolean;
  samePlace: boolean;
}

const HASHES = 64;
const BANDS = 16;
const ROWS = HASHES / BANDS;
const SHINGLE = 3;
const DAY_MS = 86_400_000;

// Fixed random odd multipliers and offsets for the 64 universal hash functions (seeded so two
// processes build identical signatures and an index can be rebuilt deterministically).
const MULT = new Uint32Array(HASHES);
const ADD = new Uint32Array(HASHES);
{
  let s = 0x9e3779b9;
  const next = () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x297a2d39) >>> 0), s);
  for (let i = 0; i < HASHES; i++) {
    MULT[i] = next() | 1;
    ADD[i] = next();
  }
}

function fnv1a(s: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** MinHash signature of a text: punctuation, spaces and digits-vs-letters case are removed
 * first, so a re-post with different punctuation or spacing hashes the same. */
export function signature(text: string): Uint32Array | null {
  const t = normalizeText(text).replace(/[\s\p{P}\p{S}]+/gu, '');
  if (t.length < SHINGLE) return null;
  const sig = new Uint32Array(HASHES).fill(0xffffffff);
  for (let i = 0; i + SHINGLE <= t.length; i++) {
    const base = fnv1a(t, i, i + SHINGLE);
    for (let k = 0; k < HASHES; k++) {
      const h = (Math.imul(base, MULT[k]) + ADD[k]) >>> 0;
      if (h < sig[k]) sig[k] = h;
    }
  }
  return sig;
}

function bandKey(sig: Uint32Array, band: number): number {
  let h = band * 0x9e3779b1;
  for (let r = band * ROWS; r < (band + 1) * ROWS; r++) h = Math.imul(h ^ sig[r], 0x85ebca6b) >>> 0;
  return h >>> 0;
}

// The database index bands more finely than the in-memory one (21 bands × 3 rows of the 64 hashes):
// a pair with Jaccard J meets in some band with probability 1 − (1 − J³)²¹: 0.94 at J = 0.5, 0.75 at
// 0.4, 0.15 at 0.2, and 1.7e-4 at 0.02 (unrelated appeals: ~170 rows of 1 M to score). Short desk
// texts re-told in other words land at J = 0.4–0.6, where 16 × 4 found them only about half the time.
const DB_BANDS = 21;
const DB_ROWS = 3;

/**
 * The signature's 21 band keys as signed 32-bit integers (PostgreSQL `integer[]`), for an index
 * kept in the database instead of in memory: two texts are LSH candidates when their key arrays
 * overlap (`&&`). Each key is seeded with its band number, so a key can only meet the same band.
 */
export function bandKeys(sig: Uint32Array): number[] {
  const keys = new Array<number>(DB_BANDS);
  for (let b = 0; b < DB_BANDS; b++) {
    let h = (b + 1) * 0x27d4eb2f;
    for (let r = b * DB_ROWS; r < (b + 1) * DB_ROWS; r++) h = Math.imul(h ^ sig[r], 0x85ebca6b) >>> 0;
    keys[b] = h | 0;
  }
  return keys;
}

/** Estimated Jaccard similarity of two signatures: the share of the 64 hashes that agree. */
export function signatureSimilarity(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let k = 0; k < HASHES; k++) if (a[k] === b[k]) same++;
  return same / HASHES;
}

/** A signature as 256 bytes (little-endian), to store beside the band keys. */
export function signatureToBytes(sig: Uint32Array): Buffer {
  return Buffer.from(sig.buffer, sig.byteOffset, sig.byteLength);
}

/** The inverse of signatureToBytes; null when the bytes are not a signature. */
export function signatureFromBytes(bytes: Uint8Array): Uint32Array | null {
  if (bytes.byteLength !== HASHES * 4) return null;
  const copy = new Uint8Array(bytes); // aligned copy
  return new Uint32Array(copy.buffer);
}

/** Why a ticket is offered as the same matter (并单 candidate); the desk shows each as a tag. */
export type SameMatterReason = 'similarText' | 'relatedText' | 'sameCitizen' | 'samePlace';

/** Below this estimated similarity two texts are different matters unless citizen or place agree. */
export const SAME_MATTER_MIN_SCORE = 0.4;
/** With the same citizen or the same place, a reworded text down to this similarity is still offered. */
export const SAME_MATTER_RELATED_SCORE = 0.06;

/**
 * The one rule that decides whether a ticket is offered as the same matter and how it ranks:
 * similar text on its own (score ≥ 0.4: precision 1.0 on the data's re-posts), or related text from
 * the same citizen or at the same place (score ≥ 0.06: a caller describing the same pothole again in
 * other words). Same citizen and same place lift the rank; neither alone makes a candidate, since
 * one caller can have several matters and one street many. Measured on data/same-matter-pairs.jsonl.
 */
export function judgeSameMatter(e: { score: number; sameCitizen: boolean; samePlace: boolean }): { show: boolean; rank: number; reasons: SameMatterReason[] } {
  const reasons: SameMatterReason[] = [];
  if (e.score >= SAME_MATTER_MIN_SCORE) reasons.push('similarText');
  else if (e.score >= SAME_MATTER_RELATED_SCORE && (e.sameCitizen || e.samePlace)) reasons.push('relatedText');
  if (e.sameCitizen) reasons.push('sameCitizen');
  if (e.samePlace) reasons.push('samePlace');
  const show = reasons[0] === 'similarText' || reasons[0] === 'relatedText';
  return { show, rank: e.score + (e.sameCitizen ? 0.15 : 0) + (e.samePlace ? 0.1 : 0), reasons };
}

interface Entry {
  sig: Uint32Array;
  at: number;
  citizenKey?: string;
  placeKey?: string;
}

/** The index. Not thread-safe; one per process (the server keeps it beside its ticket cache). */
export class DuplicateIndex {
  private readonly entries = new Map<string, Entry>();
  // One bucket map per band: band hash → ids. A bucket usually holds one id, so it is stored
  // as a string until a second id arrives (saves ~40 % memory at 1 M tickets).
  private readonly bands: Map<number, string | string[]>[] = Array.from({ length: BANDS }, () => new Map());

  get size(): number {
    return this.entries.size;
  }

  /** Adds or replaces a ticket. Text too short to shingle (< 3 characters) is not indexed and
   * `false` is returned. */
  add(id: string, text: string, meta: DuplicateMeta): boolean {
    if (this.entries.has(id)) this.remove(id);
    const sig = signature(text);
    if (!sig) return false;
    this.entries.set(id, { sig, at: +meta.at, citizenKey: meta.citizenKey, placeKey: meta.placeKey });
    for (let b = 0; b < BANDS; b++) {
      const key = bandKey(sig, b);
      const bucket = this.bands[b].get(key);
      if (bucket === undefined) this.bands[b].set(key, id);
      else if (typeof bucket === 'string') this.bands[b].set(key, [bucket, id]);
      else bucket.push(id);
    }
    return true;
  }

  /** Removes a ticket (closed or merged); unknown ids are ignored. */
  remove(id: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    for (let b = 0; b < BANDS; b++) {
      const key = bandKey(e.sig, b);
      const bucket = this.bands[b].get(key);
      if (bucket === id) this.bands[b].delete(key);
      else if (Array.isArray(bucket)) {
        const rest = bucket.filter((x) => x !== id);
        this.bands[b].set(key, rest.length === 1 ? rest[0] : rest);
      }
    }
  }

  /** Tickets that look like the same matter, best first. Among equal scores the same citizen
   * and then the same place rank first. */
  query(text: string, meta: DuplicateMeta, opts: DuplicateQueryOptions = {}): DuplicateMatch[] {
    const { windowDays = 30, limit = 5, minScore = 0.4 } = opts;
    const sig = signature(text);
    if (!sig) return [];
    const candidates = new Set<string>();
    for (let b = 0; b < BANDS; b++) {
      const bucket = this.bands[b].get(bandKey(sig, b));
      if (bucket === undefined) continue;
      if (typeof bucket === 'string') candidates.add(bucket);
      else for (const id of bucket) candidates.add(id);
    }
    const at = +meta.at;
    const window = windowDays * DAY_MS;
    const out: DuplicateMatch[] = [];
    for (const id of candidates) {
      const e = this.entries.get(id)!;
      if (Math.abs(e.at - at) > window) continue;
      let same = 0;
      for (let k = 0; k < HASHES; k++) if (e.sig[k] === sig[k]) same++;
      const score = same / HASHES;
      if (score < minScore) continue;
      out.push({
        id,
        score,
        sameCitizen: !!meta.citizenKey && e.citizenKey === meta.citizenKey,
        samePlace: !!meta.placeKey && e.placeKey === meta.placeKey,
      });
    }
    out.sort((a, b) => b.score - a.score || +b.sameCitizen - +a.sameCitizen || +b.samePlace - +a.samePlace || (a.id < b.id ? -1 : 1));
    return out.slice(0, limit);
  }
}

export function createDuplicateIndex(): DuplicateIndex {
  return new DuplicateIndex();
}
