/**
 * TF-IDF vectoriser over the feature strings of tokenize.ts: sublinear tf (1 + ln tf), smoothed
 * idf as scikit-learn computes it, L2 normalisation. A fixed vocabulary (min document
 * frequency) keeps the shipped model small and makes every weight explainable by its term.
 */
import type { SparseVector } from './sparse.js';
import { isSeparator, prepare, separatorTable, tokenizePrepared, type TokenizerConfig } from './tokenize.js';

/**
 * Open-addressing hash table from character 1–2-grams to feature index, keyed by two int32s:
 * a = first code point + 1 (0 for a unigram), b = last code point, plus bit 22 for the title
 * namespace. Building a string per n-gram and hashing it in a Map dominated intake time; this
 * table does the same lookup with integer arithmetic only.
 */
class NgramTable {
  // Slots of three int32s [a, b, feature index] side by side, so a probe touches one cache line.
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(terms: string[]) {
    let capacity = 1;
    while (capacity < terms.length * 2) capacity <<= 1;
    this.slots = new Int32Array(capacity * 3);
    for (let i = 2; i < this.slots.length; i += 3) this.slots[i] = -1;
    this.mask = capacity - 1;
    terms.forEach((term, i) => {
      let ns = 0;
      if (term.startsWith('t:')) {
        ns = TITLE_BIT;
        term = term.slice(2);
      }
      const cps = Array.from(term, (c) => c.codePointAt(0)!);
      if (cps.length === 1) this.insert(0, cps[0] | ns, i);
      else if (cps.length === 2) this.insert(cps[0] + 1, cps[1] | ns, i);
    });
  }

  private slot(a: number, b: number): number {
    return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)) & this.mask;
  }

  private insert(a: number, b: number, index: number): void {
    let s = this.slot(a, b);
    while (this.slots[s * 3 + 2] !== -1) s = (s + 1) & this.mask;
    this.slots[s * 3] = a;
    this.slots[s * 3 + 1] = b;
    this.slots[s * 3 + 2] = index;
  }

  get(a: number, b: number): number {
    const slots = this.slots;
    let s = this.slot(a, b);
    for (;;) {
      const at = s * 3;
      const v = slots[at + 2];
      if (v === -1) return -1;
      if (slots[at] === a && slots[at + 1] === b) return v;
      s = (s + 1) & this.mask;
    }
  }
}
const TITLE_BIT = 1 << 22;
// 1 + ln(tf) for small term counts (the same doubles Math.log returns, computed once).
const LOG_TABLE = Float64Array.from({ length: 64 }, (_, i) => (i === 0 ? 0 : 1 + Math.log(i)));

export interface VectorizerState {
  tokenizer: TokenizerConfig;
  terms: string[];
  idf: Float32Array;
}

export class Vectorizer {
  private termIndex: Map<string, number> | null = null;
  /** Term → feature index. Built on first use (training and word-feature models): the shipped
   * character model never needs it at prediction time, and building it costs ~60 ms of load. */
  get index(): Map<string, number> {
    if (!this.termIndex) this.termIndex = new Map(this.state.terms.map((t, i) => [t, i]));
    return this.termIndex;
  }
  /** Set when the tokenizer is character 1–2-grams only (see NgramTable). */
  private readonly ngrams: NgramTable | null;
  // Scratch buffers reused across calls (single-threaded): counts per feature and touched list.
  private readonly counts: Uint16Array; // ≤ 20 000 characters per text, so no overflow
  private touched: Int32Array;

  constructor(readonly state: VectorizerState) {
    const cfg = state.tokenizer;
    const fast = !cfg.words && cfg.charMax <= 2 && cfg.charMax >= 1;
    this.ngrams = fast ? new NgramTable(state.terms) : null;
    this.counts = new Uint16Array(state.terms.length);
    this.touched = new Int32Array(1024);
  }

  get dimension(): number {
    return this.state.terms.length;
  }

  /** Learns the vocabulary and idf from tokenised documents. Terms are sorted so the result
   * does not depend on document order. */
  static fit(docs: string[][], tokenizer: TokenizerConfig, minDf: number): Vectorizer {
    const df = new Map<string, number>();
    for (const doc of docs) for (const term of new Set(doc)) df.set(term, (df.get(term) ?? 0) + 1);
    const terms = [...df.entries()]
      .filter(([, n]) => n >= minDf)
      .map(([t]) => t)
      .sort();
    const n = docs.length;
    const idf = new Float32Array(terms.length);
    terms.forEach((t, i) => (idf[i] = Math.log((1 + n) / (1 + (df.get(t) ?? 0))) + 1));
    return new Vectorizer({ tokenizer, terms, idf });
  }

  transformTokens(tokens: string[]): SparseVector {
    const counts = new Map<number, number>();
    for (const t of tokens) {
      const i = this.index.get(t);
      if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
    }
    const indices = Int32Array.from([...counts.keys()].sort((a, b) => a - b));
    const values = new Float32Array(indices.length);
    let norm = 0;
    for (let k = 0; k < indices.length; k++) {
      const v = (1 + Math.log(counts.get(indices[k])!)) * this.state.idf[indices[k]];
      values[k] = v;
      norm += v * v;
    }
    if (norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (let k = 0; k < values.length; k++) values[k] *= inv;
    }
    return { indices, values };
  }

  transform(title: string | null | undefined, content: string | null | undefined): SparseVector {
    return this.transformPrepared(prepare(title, content));
  }

  /** Counts the 1–2-grams of `text` into this.counts, listing first-seen features in
   * this.touched from position `n`; returns the new length. One pass over UTF-16 code units
   * (surrogate pairs joined) with no allocation per character; separators end a chunk so bigrams
   * never span punctuation, exactly as tokenize.ts. A method rather than a closure: V8 keeps a
   * closure's mutated captured variables in a heap context, which made this loop 2× slower. */
  private scan(table: NgramTable, text: string, ns: number, n: number): number {
    const cfg = this.state.tokenizer;
    const unigrams = cfg.charMin <= 1;
    const bigrams = cfg.charMax >= 2;
    const counts = this.counts;
    let touched = this.touched;
    let prev = -1;
    const len = text.length;
    for (let pos = 0; pos < len; pos++) {
      let cp = text.charCodeAt(pos);
      let sep: boolean;
      if (cp >= 0xd800 && cp <= 0xdbff && pos + 1 < len) {
        cp = text.codePointAt(pos)!;
        sep = isSeparator(String.fromCodePoint(cp));
        pos++;
      } else {
        const cached = separatorTable[cp];
        sep = cached ? cached === 1 : isSeparator(text[pos]);
      }
      if (sep) {
        prev = -1;
        continue;
      }
      const key = cp | ns;
      let i = unigrams ? table.get(0, key) : -1;
      for (let g = 0; g < 2; g++) {
        if (g === 1) {
          if (!bigrams || prev < 0) break;
          i = table.get(prev + 1, key);
        }
        if (i < 0) continue;
        if (counts[i] === 0) {
          if (n === touched.length) {
            const bigger = new Int32Array(n * 2);
            bigger.set(touched);
            touched = this.touched = bigger;
          }
          touched[n++] = i;
        }
        counts[i]++;
      }
      prev = cp;
    }
    return n;
  }

  /** Vector of text already passed through prepare()/prepareNormalized(). */
  transformPrepared(p: { title: string; content: string }): SparseVector {
    const table = this.ngrams;
    if (!table) return this.transformTokens(tokenizePrepared(p, this.state.tokenizer));
    const cfg = this.state.tokenizer;
    let n = 0;
    if (p.title) {
      n = this.scan(table, p.title, 0, n);
      if (cfg.titleNamespace) n = this.scan(table, p.title, TITLE_BIT, n);
    }
    if (p.content) n = this.scan(table, p.content, 0, n);
    const counts = this.counts;
    const touched = this.touched;
    const indices = touched.slice(0, n).sort();
    const values = new Float32Array(n);
    let norm = 0;
    for (let k = 0; k < n; k++) {
      const count = counts[indices[k]];
      const v = (count < LOG_TABLE.length ? LOG_TABLE[count] : 1 + Math.log(count)) * this.state.idf[indices[k]];
      values[k] = v;
      norm += v * v;
      counts[indices[k]] = 0;
    }
    if (norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (let k = 0; k < values.length; k++) values[k] *= inv;
    }
    return { indices, values };
  }
}
