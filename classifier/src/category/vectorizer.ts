/**
 * TF-IDF vectoriser over the feature strings of tokenize.ts: sublinear tf (1 + ln tf), smoothed
 * idf as scikit-learn computes it, L2 normalisation. A fixed vocabulary (min document
 * frequency) keeps the shipped model small and makes every weight explainable by its term.
 */
import type { SparseVector } from './sparse.js';
import { prepare, tokenizePrepared, type TokenizerConfig } from './tokenize.js';

/**
 * Lookup of character 1–2-grams to feature index without building strings. Every character of a
 * vocabulary term gets a small id (a 128 KB array indexed by UTF-16 code); unigrams are then an
 * array index and bigrams one probe of an open-addressing table keyed by one int32
 * (first id × width + second id, times 2 for the title namespace). A character without an id is
 * in no term, so it also breaks bigrams, like a separator: separators need no test of their own.
 * Replaced a table keyed by two code points (6 MB, a cache miss per lookup) and a second pass over
 * the title for its namespace.
 */
class CharNgramIndex {
  /** UTF-16 code → character id (1…), 0 = in no term. */
  readonly charId: Uint16Array;
  /** Per unigram slot (id × 2 + namespace): feature index (or -1), count in the current text, idf. */
  readonly unigram: Int32Array;
  readonly unigramCount: Int32Array;
  readonly unigramIdf: Float32Array;
  /** Bigram key multiplier: the number of ids + 1. */
  readonly width: number;
  /** Slots of four 32-bit words [key, feature index, count in the current text, idf as float32]
   * side by side (16 bytes), so finding a bigram, counting it and reading its idf touch one cache
   * line; key -1 = empty. `slotIdf` is the float32 view of the same memory. */
  readonly slots: Int32Array;
  readonly slotIdf: Float32Array;
  private readonly mask: number;

  private constructor(chars: Map<number, number>, terms: string[], idf: Float32Array) {
    this.charId = new Uint16Array(0x10000);
    for (const [code, id] of chars) this.charId[code] = id;
    this.width = chars.size + 1;
    this.unigram = new Int32Array(this.width * 2).fill(-1);
    this.unigramCount = new Int32Array(this.width * 2);
    this.unigramIdf = new Float32Array(this.width * 2);
    let bigrams = 0;
    for (const term of terms) if (term.length - (term.startsWith('t:') ? 2 : 0) === 2) bigrams++;
    let capacity = 16;
    while (capacity < bigrams * 2) capacity <<= 1;
    this.slots = new Int32Array(capacity * 4);
    this.slotIdf = new Float32Array(this.slots.buffer);
    for (let s = 0; s < capacity; s++) this.slots[s * 4] = -1;
    this.mask = capacity - 1;
    terms.forEach((term, i) => {
      const ns = term.startsWith('t:') ? 1 : 0;
      const text = ns ? term.slice(2) : term;
      const a = chars.get(text.charCodeAt(0))!;
      if (text.length === 1) {
        this.unigram[a * 2 + ns] = i;
        this.unigramIdf[a * 2 + ns] = idf[i];
      } else this.insert((a * this.width + chars.get(text.charCodeAt(1))!) * 2 + ns, i, idf[i]);
    });
  }

  /** The index for a 1–2-gram vocabulary, or null when some term has a character outside the
   * Basic Multilingual Plane (or a lone surrogate) or there are too many characters for int32
   * keys; the vectoriser then tokenises with strings, which gives the same vectors. */
  static build(terms: string[], idf: Float32Array): CharNgramIndex | null {
    const chars = new Map<number, number>();
    for (const term of terms) {
      const text = term.startsWith('t:') ? term.slice(2) : term;
      if (text.length < 1 || text.length > 2) return null;
      for (let k = 0; k < text.length; k++) {
        const code = text.charCodeAt(k);
        if (code >= 0xd800 && code <= 0xdfff) return null;
        if (!chars.has(code)) chars.set(code, chars.size + 1);
      }
    }
    if (chars.size >= 30_000) return null;
    return new CharNgramIndex(chars, terms, idf);
  }

  private insert(key: number, index: number, idf: number): void {
    let s = hashKey(key) & this.mask;
    while (this.slots[s * 4] !== -1) s = (s + 1) & this.mask;
    this.slots[s * 4] = key;
    this.slots[s * 4 + 1] = index;
    this.slotIdf[s * 4 + 3] = idf;
  }

  /** The slot of a bigram key, or -1. */
  bigram(key: number): number {
    const slots = this.slots;
    const mask = this.mask;
    let s = hashKey(key) & mask;
    for (;;) {
      const k = slots[s * 4];
      if (k === key) return s;
      if (k === -1) return -1;
      s = (s + 1) & mask;
    }
  }
}
function hashKey(key: number): number {
  const h = Math.imul(key, 0x9e3779b1);
  return h ^ (h >>> 15);
}
/** Sort keys pack feature index << KEY_BITS | position: up to 8,192 distinct n-grams per appeal
 * and 262,144 features (the shipped model has 142 k); beyond either, a comparator sort is used. */
const KEY_BITS = 13;
const KEY_POSITIONS = 1 << KEY_BITS;
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
  /** Set when the tokenizer is character 1–2-grams only (see CharNgramIndex). */
  private readonly ngrams: CharNgramIndex | null;
  // Scratch buffers reused across calls (single-threaded): the n-grams seen in the current text,
  // as bigram slots (≥ 0) or unigram slots (-1 - slot), their tf-idf weights, and sort keys.
  private touched: Int32Array;
  private weights = new Float64Array(1024);
  private keys = new Int32Array(1024);

  constructor(readonly state: VectorizerState) {
    const cfg = state.tokenizer;
    const fast = !cfg.words && cfg.charMax <= 2 && cfg.charMax >= 1;
    this.ngrams = fast ? CharNgramIndex.build(state.terms, state.idf) : null;
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

  /** Counts the 1–2-grams of `text` in the index's slots, listing first-seen slots in
   * this.touched from position `n`; returns the new length. With `title`, the title-namespace
   * copies are counted in the same pass. One pass over UTF-16 code units with no allocation per
   * character; a character in no term (separators included) ends a chunk, so bigrams never span
   * punctuation, exactly as tokenize.ts. A high surrogate and the unit after it are one character
   * outside the vocabulary. A method rather than a closure: V8 keeps a closure's mutated
   * captured variables in a heap context, which made this loop 2× slower. */
  private scan(index: CharNgramIndex, text: string, title: boolean, n: number): number {
    const cfg = this.state.tokenizer;
    const unigrams = cfg.charMin <= 1;
    const bigrams = cfg.charMax >= 2;
    const { charId, unigram, unigramCount, width, slots } = index;
    let prev = 0;
    const len = text.length;
    for (let pos = 0; pos < len; pos++) {
      const code = text.charCodeAt(pos);
      if (code >= 0xd800 && code <= 0xdbff && pos + 1 < len) {
        pos++;
        prev = 0;
        continue;
      }
      const id = charId[code];
      if (id === 0) {
        prev = 0;
        continue;
      }
      if (unigrams) {
        const u = id * 2;
        if (unigram[u] >= 0 && unigramCount[u]++ === 0) n = this.seen(-1 - u, n);
        if (title && unigram[u + 1] >= 0 && unigramCount[u + 1]++ === 0) n = this.seen(-2 - u, n);
      }
      if (bigrams && prev !== 0) {
        const key = (prev * width + id) * 2;
        let s = index.bigram(key);
        if (s >= 0 && slots[s * 4 + 2]++ === 0) n = this.seen(s, n);
        if (title) {
          s = index.bigram(key + 1);
          if (s >= 0 && slots[s * 4 + 2]++ === 0) n = this.seen(s, n);
        }
      }
      prev = id;
    }
    return n;
  }

  /** Lists a slot counted for the first time in this text in this.touched at position n. */
  private seen(slot: number, n: number): number {
    if (n === this.touched.length) {
      const bigger = new Int32Array(n * 2);
      bigger.set(this.touched);
      this.touched = bigger;
    }
    this.touched[n] = slot;
    return n + 1;
  }

  /** Vector of text already passed through prepare()/prepareNormalized(). */
  transformPrepared(p: { title: string; content: string }): SparseVector {
    const table = this.ngrams;
    if (!table) return this.transformTokens(tokenizePrepared(p, this.state.tokenizer));
    const cfg = this.state.tokenizer;
    let n = 0;
    if (p.title) n = this.scan(table, p.title, cfg.titleNamespace, n);
    if (p.content) n = this.scan(table, p.content, false, n);
    const touched = this.touched;
    if (this.weights.length < n) {
      this.weights = new Float64Array(n * 2);
      this.keys = new Int32Array(n * 2);
    }
    // Read each n-gram's feature, count and idf from its slot (and zero the count for the next
    // text), then sort by feature index: the order the other vectoriser path gives and the order
    // CategoryModel.scoreAll sums in, for bit-identical results.
    const { slots, slotIdf, unigram, unigramCount, unigramIdf } = table;
    const weights = this.weights;
    const keys = this.keys;
    const packedKeys = n <= KEY_POSITIONS && this.state.terms.length <= 2 ** (31 - KEY_BITS);
    const features = packedKeys ? null : new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const slot = touched[k];
      let feature: number;
      let count: number;
      let idf: number;
      if (slot >= 0) {
        feature = slots[slot * 4 + 1];
        count = slots[slot * 4 + 2];
        idf = slotIdf[slot * 4 + 3];
        slots[slot * 4 + 2] = 0;
      } else {
        const u = -1 - slot;
        feature = unigram[u];
        count = unigramCount[u];
        idf = unigramIdf[u];
        unigramCount[u] = 0;
      }
      weights[k] = (count < LOG_TABLE.length ? LOG_TABLE[count] : 1 + Math.log(count)) * idf;
      if (features) features[k] = feature;
      else keys[k] = (feature << KEY_BITS) | k;
    }
    const order = features ? Int32Array.from(features.keys()).sort((x, y) => features[x] - features[y]) : keys.subarray(0, n).sort();
    const indices = new Int32Array(n);
    const values = new Float32Array(n);
    let norm = 0;
    for (let j = 0; j < n; j++) {
      const k = features ? order[j] : order[j] & (KEY_POSITIONS - 1);
      indices[j] = features ? features[k] : order[j] >>> KEY_BITS;
      const v = weights[k];
      values[j] = v;
      norm += v * v;
    }
    if (norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (let k = 0; k < values.length; k++) values[k] *= inv;
    }
    return { indices, values };
  }
}
