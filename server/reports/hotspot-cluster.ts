/**
 * 热点 clustering, pure: character 3-shingles → MinHash (64 hashes) → LSH (32 bands × 2 rows)
 * → candidate pairs kept when the estimated Jaccard similarity ≥ threshold → union-find.
 * Chinese needs no word segmenter for this: near-identical complaints about one place share
 * most 3-character runs. Each cluster is ranked by growth against the previous period.
 */
import { autoTitle } from '../tickets/auto-title';

export interface Message {
  id: string;
  place: string;
  text: string;
  title: string;
  /** true: in the period asked for; false: in the previous period of the same length. */
  current: boolean;
}

export interface Cluster {
  place: string;
  count: number;
  previousCount: number;
  growth: number;
  terms: string[];
  representatives: { id: string; title: string }[];
}

const K = 3;
const HASHES = 64;
const BANDS = 32;
const ROWS = HASHES / BANDS;

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Keeps CJK, letters and digits; drops punctuation, spaces and boilerplate that every appeal shares. */
export function normalise(text: string): string {
  return text.replace(/您好|你好|请问|谢谢|希望|领导|有关部门|相关部门|尽快|解决|反映|问题/g, '').replace(/[^\p{Script=Han}A-Za-z0-9]/gu, '');
}

export function shingles(text: string, k = K): Set<number> {
  const s = normalise(text);
  const out = new Set<number>();
  for (let i = 0; i + k <= s.length; i++) out.add(fnv1a(s.slice(i, i + k)));
  return out;
}

// Fixed coefficients (seeded LCG) so the same input always clusters the same way.
const CA = new Int32Array(HASHES);
const CB = new Int32Array(HASHES);
{
  let x = 20260101;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  for (let i = 0; i < HASHES; i++) {
    CA[i] = next() | 1;
    CB[i] = next();
  }
}

export function minhash(sh: Set<number>): Uint32Array {
  const sig = new Uint32Array(HASHES).fill(0xffffffff);
  const vals = Int32Array.from(sh);
  for (let i = 0; i < HASHES; i++) {
    const a = CA[i],
      b = CB[i];
    let min = 0xffffffff;
    for (let k = 0; k < vals.length; k++) {
      // A cheap universal-style hash: multiply, add, then a murmur finaliser to spread the bits.
      let h = (Math.imul(vals[k], a) + b) | 0;
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      const u = h >>> 0;
      if (u < min) min = u;
    }
    sig[i] = min;
  }
  return sig;
}

function similarity(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < HASHES; i++) if (a[i] === b[i]) same++;
  return same / HASHES;
}

export function clusterMessages(msgs: Message[], o: { threshold?: number; minSize?: number; top?: number } = {}): Cluster[] {
  const threshold = o.threshold ?? 0.3;
  const minSize = o.minSize ?? 3;
  const sh = msgs.map((m) => shingles(`${m.title} ${m.text.slice(0, 300)}`));
  const sigs = sh.map((s) => minhash(s));
  const parent = msgs.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  for (let b = 0; b < BANDS; b++) {
    const buckets = new Map<string, number[]>();
    msgs.forEach((m, i) => {
      if (sh[i].size < 4) return;
      const key = `${m.place}|${Array.from(sigs[i].subarray(b * ROWS, (b + 1) * ROWS)).join(',')}`;
      const list = buckets.get(key);
      if (list) list.push(i);
      else buckets.set(key, [i]);
    });
    for (const list of buckets.values()) {
      if (list.length < 2 || list.length > 500) continue;
      for (let x = 1; x < list.length; x++) {
        const i = list[0],
          j = list[x];
        if (find(i) !== find(j) && similarity(sigs[i], sigs[j]) >= threshold) parent[find(j)] = find(i);
      }
    }
  }
  const groups = new Map<number, number[]>();
  msgs.forEach((_, i) => {
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(i);
    else groups.set(r, [i]);
  });
  const docFreq = bigramDocFreq(msgs);
  const clusters: Cluster[] = [];
  for (const members of groups.values()) {
    const cur = members.filter((i) => msgs[i].current);
    if (cur.length < minSize) continue;
    const prev = members.length - cur.length;
    // Representatives: the current members most similar to the rest of the cluster.
    const scored = cur
      .map((i) => ({ i, s: cur.reduce((acc, j) => acc + (i === j ? 0 : similarity(sigs[i], sigs[j])), 0) }))
      .sort((a, b) => b.s - a.s)
      .slice(0, 3);
    clusters.push({
      place: msgs[cur[0]].place,
      count: cur.length,
      previousCount: prev,
      growth: Math.round(((cur.length - prev) / Math.max(prev, 1)) * 100) / 100,
      terms: topTerms(
        cur.map((i) => msgs[i]),
        docFreq,
        msgs.length,
      ),
      representatives: scored.map(({ i }) => ({ id: msgs[i].id, title: msgs[i].title || autoTitle(msgs[i].text) })),
    });
  }
  return clusters.sort((a, b) => b.growth - a.growth || b.count - a.count).slice(0, o.top ?? 20);
}

function bigrams(text: string): Set<string> {
  const s = normalise(text).replace(/[A-Za-z0-9]/g, '');
  const out = new Set<string>();
  for (let i = 0; i + 2 <= s.length; i++) out.add(s.slice(i, i + 2));
  return out;
}

function bigramDocFreq(msgs: Message[]): Map<string, number> {
  const df = new Map<string, number>();
  for (const m of msgs) for (const g of bigrams(`${m.title} ${m.text.slice(0, 300)}`)) df.set(g, (df.get(g) ?? 0) + 1);
  return df;
}

/** The cluster's most characteristic bigrams (TF-IDF over the cluster vs. all messages). */
function topTerms(members: Message[], df: Map<string, number>, n: number): string[] {
  const tf = new Map<string, number>();
  for (const m of members) for (const g of bigrams(`${m.title} ${m.text.slice(0, 300)}`)) tf.set(g, (tf.get(g) ?? 0) + 1);
  return [...tf.entries()]
    .filter(([, c]) => c >= Math.max(2, members.length / 2))
    .map(([g, c]) => [g, c * Math.log(n / (df.get(g) ?? 1))] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([g]) => g);
}
