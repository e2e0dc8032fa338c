/**
 * The category model as shipped: vocabulary + idf + one-vs-rest weights + a softmax temperature
 * fitted on out-of-fold scores, so `confidence` means "right this often" rather than a raw
 * SVM margin.
 *
 * File format: gzipped JSON; idf is base64 of little-endian Float32, weights are base64 Int16
 * with a scale per class (see packLinear). Chosen over a custom binary layout because it stays
 * inspectable with `zcat | jq` and loads in ~200 ms.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { LinearWeights } from './linear-svm.js';
import type { SparseVector } from './sparse.js';
import type { TokenizerConfig } from './tokenize.js';
import { Vectorizer } from './vectorizer.js';

export const FORMAT = 'rexian-category-model/2';

export interface CategoryModelData {
  format: typeof FORMAT;
  version: string;
  createdFrom: { rows: number; corrections: number; config: unknown };
  labels: string[];
  tokenizer: TokenizerConfig;
  terms: string[];
  idf: Float32Array;
  linear: LinearWeights;
  /** Softmax temperature multiplier applied to decision scores. */
  temperature: number;
  /** Appeal-type weights over the same vocabulary (one vectorisation serves both models). */
  appealType: { labels: string[]; linear: LinearWeights; trustRuleMargin: number };
}

export interface CategoryPrediction {
  category: string;
  confidence: number;
  /** Runner-up categories, best first (top-3 after the winner). */
  alternatives: { category: string; confidence: number }[];
  /** Terms that pushed the winning class up most, strongest first. */
  terms: string[];
}

export class CategoryModel {
  readonly vectorizer: Vectorizer;
  /** Category and type weights interleaved feature-major: the `stride` weights of one feature
   * sit in one cache line. Row-major rows are 0.5 MB apart, so scoring a 500-feature appeal
   * missed the cache 7 000 times; this layout made the pipeline ~2× faster. */
  private readonly packed: Float32Array;
  private readonly bias: Float64Array;
  private readonly stride: number;

  constructor(readonly data: CategoryModelData) {
    this.vectorizer = new Vectorizer({ tokenizer: data.tokenizer, terms: data.terms, idf: data.idf });
    const cat = data.linear;
    const typ = data.appealType.linear;
    if (cat.dim !== data.terms.length || typ.dim !== data.terms.length) throw new Error('model file is inconsistent: weight and vocabulary sizes differ');
    this.stride = cat.classes + typ.classes;
    this.packed = new Float32Array(cat.dim * this.stride);
    this.bias = new Float64Array(this.stride);
    [cat, typ].forEach((l, part) => {
      const offset = part === 0 ? 0 : cat.classes;
      for (let c = 0; c < l.classes; c++) {
        const row = c * (l.dim + 1);
        this.bias[offset + c] = l.weights[row + l.dim];
        for (let j = 0; j < l.dim; j++) this.packed[j * this.stride + offset + c] = l.weights[row + j];
      }
    });
  }

  /** Decision scores of all category classes followed by all appeal-type classes. Sums in the
   * same order as linear-svm.ts `scores`, so results are bit-identical to it. */
  scoreAll(x: SparseVector): Float64Array {
    if (this.stride === 14) return this.scoreAll14(x);
    const out = Float64Array.from(this.bias);
    const { stride, packed } = this;
    const { indices, values } = x;
    for (let k = 0; k < indices.length; k++) {
      const base = indices[k] * stride;
      const v = values[k];
      for (let c = 0; c < stride; c++) out[c] += packed[base + c] * v;
    }
    return out;
  }

  /** scoreAll for the shipped shape (7 categories + 7 appeal types): the 14 sums live in locals
   * (registers) instead of being loaded and stored per feature, which leaves the CPU free to
   * fetch more weight rows at once. The same additions in the same order as scoreAll. */
  private scoreAll14(x: SparseVector): Float64Array {
    const { packed, bias } = this;
    const { indices, values } = x;
    let s0 = bias[0],
      s1 = bias[1],
      s2 = bias[2],
      s3 = bias[3],
      s4 = bias[4],
      s5 = bias[5],
      s6 = bias[6],
      s7 = bias[7],
      s8 = bias[8],
      s9 = bias[9],
      s10 = bias[10],
      s11 = bias[11],
      s12 = bias[12],
      s13 = bias[13];
    for (let k = 0; k < indices.length; k++) {
      const b = indices[k] * 14;
      const v = values[k];
      s0 += packed[b + 0] * v;
      s1 += packed[b + 1] * v;
      s2 += packed[b + 2] * v;
      s3 += packed[b + 3] * v;
      s4 += packed[b + 4] * v;
      s5 += packed[b + 5] * v;
      s6 += packed[b + 6] * v;
      s7 += packed[b + 7] * v;
      s8 += packed[b + 8] * v;
      s9 += packed[b + 9] * v;
      s10 += packed[b + 10] * v;
      s11 += packed[b + 11] * v;
      s12 += packed[b + 12] * v;
      s13 += packed[b + 13] * v;
    }
    const out = new Float64Array(14);
    out[0] = s0;
    out[1] = s1;
    out[2] = s2;
    out[3] = s3;
    out[4] = s4;
    out[5] = s5;
    out[6] = s6;
    out[7] = s7;
    out[8] = s8;
    out[9] = s9;
    out[10] = s10;
    out[11] = s11;
    out[12] = s12;
    out[13] = s13;
    return out;
  }

  get version(): string {
    return this.data.version;
  }

  /** Overwrites the appeal-type columns of the interleaved weights with another type model's
   * (feature-major, one row of `typeClasses` weights per vocabulary term) and their biases.
   * The hand-label appeal-type model (appeal-type-classifier.ts) installs itself here so its
   * term scores come out of scoreAll at no extra cost: a second pass over the vector cost a
   * cache miss per feature and 25 % of intake throughput. */
  replaceTypeWeights(weights: Float32Array, bias: ArrayLike<number>): void {
    const offset = this.data.linear.classes;
    const classes = this.stride - offset;
    if (weights.length !== this.data.terms.length * classes || bias.length !== classes) throw new Error('appeal-type weights do not fit this category model');
    const { packed, stride } = this;
    for (let j = 0; j < this.data.terms.length; j++) for (let c = 0; c < classes; c++) packed[j * stride + offset + c] = weights[j * classes + c];
    for (let c = 0; c < classes; c++) this.bias[offset + c] = bias[c];
  }

  /** Calibrated class probabilities for a vectorised appeal. */
  probabilities(x: SparseVector, all = this.scoreAll(x)): Float64Array {
    return softmax(all.subarray(0, this.data.linear.classes), this.data.temperature);
  }

  /** `all`: scoreAll(x) when the caller already has it (the pipeline shares it with the type model). */
  predictVector(x: SparseVector, explainTerms = 5, all?: Float64Array): CategoryPrediction {
    const p = this.probabilities(x, all);
    // Classes by probability, best first, ties in class order (a stable insertion sort: 7 classes).
    const order: number[] = [];
    for (let c = 0; c < p.length; c++) {
      let at = order.length;
      while (at > 0 && p[order[at - 1]] < p[c]) at--;
      order.splice(at, 0, c);
    }
    const best = order[0];
    return {
      category: this.data.labels[best],
      confidence: p[best],
      alternatives: order.slice(1, 4).map((c) => ({ category: this.data.labels[c], confidence: p[c] })),
      terms: explainTerms > 0 ? this.topTerms(x, best, explainTerms) : [],
    };
  }

  predict(title: string | null | undefined, content: string | null | undefined, explainTerms = 5): CategoryPrediction {
    return this.predictVector(this.vectorizer.transform(title, content), explainTerms);
  }

  /** Terms whose weight × tf-idf contributed most to class `c`. Title copies ("t:…") are folded
   * into the plain term; masked codes ("某", digits) are skipped; single characters are used only
   * when too few longer terms pushed the decision, because "停车" explains a decision to an
   * agent and "停" does not. */
  private topTerms(x: SparseVector, c: number, n: number): string[] {
    const { terms } = this.data;
    // Keep the strongest few feature positions by insertion into a short sorted list (a full
    // sort of every positive contribution cost more than scoring); build strings only for those.
    const keep = n * 3;
    const top: number[] = [];
    const topValue: number[] = [];
    for (let k = 0; k < x.indices.length; k++) {
      const v = this.packed[x.indices[k] * this.stride + c] * x.values[k];
      if (v <= 0 || (top.length === keep && v <= topValue[keep - 1])) continue;
      let at = top.length === keep ? keep - 1 : top.length;
      while (at > 0 && topValue[at - 1] < v) {
        top[at] = top[at - 1];
        topValue[at] = topValue[at - 1];
        at--;
      }
      top[at] = k;
      topValue[at] = v;
    }
    const merged = new Map<string, number>();
    for (let i = 0; i < top.length; i++) {
      let term = terms[x.indices[top[i]]];
      if (term.startsWith('t:')) term = term.slice(2);
      if (term.startsWith('w:')) term = term.slice(2);
      if (term.includes('0') || term.includes('某')) continue;
      merged.set(term, (merged.get(term) ?? 0) + topValue[i]);
    }
    const ranked = [...merged.entries()].sort((a, b) => b[1] - a[1]).map(([t]) => t);
    const longer = ranked.filter((t) => t.length > 1);
    const pool = longer.length >= n ? longer : [...longer, ...ranked.filter((t) => t.length === 1)];
    return pool.slice(0, n);
  }

  serialize(): Buffer {
    const d = this.data;
    const json = JSON.stringify({
      ...d,
      terms: d.terms.join('\n'),
      idf: f32ToBase64(d.idf),
      linear: packLinear(d.linear),
      appealType: { ...d.appealType, linear: packLinear(d.appealType.linear) },
    });
    return gzipSync(json, { level: 9 });
  }

  static deserialize(buf: Buffer): CategoryModel {
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(gunzipSync(buf).toString('utf8'));
    } catch (e) {
      throw new Error(`not a category model file (${(e as Error).message})`, { cause: e });
    }
    if (raw.format !== FORMAT) throw new Error(`unsupported model format ${String(raw.format)}, expected ${FORMAT}`);
    const appealType = raw.appealType as { labels: string[]; linear: PackedLinear; trustRuleMargin: number };
    return new CategoryModel({
      ...(raw as unknown as CategoryModelData),
      terms: (raw.terms as string).split('\n'),
      idf: base64ToF32(raw.idf as string),
      linear: unpackLinear(raw.linear as PackedLinear),
      appealType: { ...appealType, linear: unpackLinear(appealType.linear) },
    });
  }
}

/** Content hash used in version names, so two trainings with the same inputs get the same
 * version and a different model never reuses a name. */
export function weightsHash(w: Float32Array, terms: string[], typeWeights: Float32Array): string {
  const h = createHash('sha256');
  for (const a of [w, typeWeights]) h.update(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  return h.update(terms.join('\n')).digest('hex').slice(0, 8);
}

export function softmax(s: Float64Array, temperature: number): Float64Array {
  let max = -Infinity;
  for (const v of s) if (v > max) max = v;
  const out = new Float64Array(s.length);
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += out[i] = Math.exp((s[i] - max) * temperature);
  for (let i = 0; i < s.length; i++) out[i] /= sum;
  return out;
}

/** Weights on disk: int16 per value with one float scale per class row. Halves the file (the
 * repository caps files at 5 MB) and changes no dev prediction: the rounding error is below
 * 1/65 000 of the row's largest weight. */
export interface PackedLinear {
  classes: number;
  dim: number;
  scales: number[];
  int16: string;
}
export function packLinear(l: LinearWeights): PackedLinear {
  const width = l.dim + 1;
  const q = new Int16Array(l.weights.length);
  const scales: number[] = [];
  for (let c = 0; c < l.classes; c++) {
    let max = 0;
    for (let j = 0; j < width; j++) max = Math.max(max, Math.abs(l.weights[c * width + j]));
    const scale = max > 0 ? max / 32767 : 1;
    scales.push(scale);
    for (let j = 0; j < width; j++) q[c * width + j] = Math.round(l.weights[c * width + j] / scale);
  }
  return { classes: l.classes, dim: l.dim, scales, int16: Buffer.from(q.buffer).toString('base64') };
}
export function unpackLinear(p: PackedLinear): LinearWeights {
  const b = Buffer.from(p.int16, 'base64');
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  const q = new Int16Array(copy.buffer);
  const width = p.dim + 1;
  if (q.length !== p.classes * width) throw new Error('model file is truncated: weight count does not match');
  const weights = new Float32Array(q.length);
  for (let c = 0; c < p.classes; c++) for (let j = 0; j < width; j++) weights[c * width + j] = q[c * width + j] * p.scales[c];
  return { classes: p.classes, dim: p.dim, weights };
}

function f32ToBase64(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}
function base64ToF32(s: string): Float32Array {
  const b = Buffer.from(s, 'base64');
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return new Float32Array(copy.buffer);
}
