/**
 * TF-IDF vectoriser over the feature strings of tokenize.ts: sublinear tf (1 + ln tf), smoothed
 * idf as scikit-learn computes it, L2 normalisation. A fixed vocabulary (min document
 * frequency) keeps the shipped model small and makes every weight explainable by its term.
 */
import type { SparseVector } from './sparse.js';
import { tokenize, type TokenizerConfig } from './tokenize.js';

export interface VectorizerState {
  tokenizer: TokenizerConfig;
  terms: string[];
  idf: Float32Array;
}

export class Vectorizer {
  readonly index: Map<string, number>;
  constructor(readonly state: VectorizerState) {
    this.index = new Map(state.terms.map((t, i) => [t, i]));
  }

  get dimension(): number {
    return this.state.terms.length;
  }

  /** Learns the vocabulary and idf from tokenised documents. Terms are sorted so the result
   * does not depend on document order. */
  static fit(docs: string[][], tokenizer: TokenizerConfig, minDf: number): Vectorizer {
    const df = new Map<string, number>();
    for (const doc of docs) for (const term of new Set(doc)) df.set(term, (df.get(term) ?? 0) + 1);
    const terms = [...df.entries()].filter(([, n]) => n >= minDf).map(([t]) => t).sort();
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
    return this.transformTokens(tokenize(title, content, this.state.tokenizer));
  }
}
