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
