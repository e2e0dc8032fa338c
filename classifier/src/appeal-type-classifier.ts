/**
 * Appeal-type model (诉求类型) trained on hand labels (classifier/data/appeal-type-labels.jsonl,
 * labelled with classifier/docs/appeal-type-guide.md): a one-vs-rest linear SVM over the category
 * model's TF-IDF vector of the appeal plus the dense features of appeal-type-features.ts, with a
 * softmax temperature fitted on out-of-fold scores so `typeConfidence` is calibrated.
 *
 * Why it reuses the category vector instead of its own n-grams: vectorising is the largest cost
 * of intake, and a second pass over the text would take throughput below 5,000 appeals/s. The
 * model lives in its own file (models/appeal-type-<version>.json.gz, pointer APPEAL_TYPE_LATEST)
 * and names its features by term string, not by index, so retraining the category model does not
 * break it: at load time the terms are matched against whatever vocabulary the category model
 * has (terms it lacks just stop contributing) and `npm run classifier:train-appeal-type`
 * realigns it in seconds.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DENSE_FEATURES, denseTypeFeatures } from './appeal-type-features.js';
import { DEFAULT_SVM, scores as svmScores, trainOneVsRest, type LinearWeights, type SvmOptions } from './category/linear-svm.js';
import { packLinear, softmax, unpackLinear, type CategoryModel, type PackedLinear } from './category/model.js';
import type { SparseVector } from './category/sparse.js';
import { prepareNormalized } from './category/tokenize.js';
import { fitTemperature } from './category/train.js';
import { MODELS_DIR } from './model-store.js';
import { APPEAL_TYPES, scoreAppealType, type AppealType, type TypeScores } from './rules/appeal-type.js';
import { normalizeText } from './text/normalize.js';

export const APPEAL_TYPE_FORMAT = 'rexian-appeal-type-model/1';
export const APPEAL_TYPE_POINTER = 'APPEAL_TYPE_LATEST';

export interface AppealTypeModelData {
  format: typeof APPEAL_TYPE_FORMAT;
  version: string;
  trainedWith: { categoryModel: string; rows: number; config: AppealTypeTrainConfig };
  labels: string[];
  /** Category-vocabulary terms the model has weights for (sorted). */
  terms: string[];
  dense: string[];
  /** classes × (terms + dense + 1); the last column is the bias. */
  linear: LinearWeights;
  temperature: number;
}

export interface AppealTypeTrainConfig {
  svm: SvmOptions;
  /** Multiplies each row's C by (n / (classes × n_class))^balance: 0 = unweighted, 1 = fully balanced. */
  classBalance: number;
  /** Folds for the out-of-fold temperature; 0 keeps temperature 1. */
  calibrationFolds: number;
}

/** Chosen by 5-fold cross-validation on the training split (scripts/train-appeal-type.ts --grid):
 * the best mean of accuracy and mean per-type recall, because a hand-picked test set need not
 * follow the traffic's proportions and 求助/表扬/其他 are rare in the data (see README). */
export const DEFAULT_APPEAL_TYPE_CONFIG: AppealTypeTrainConfig = {
  svm: { ...DEFAULT_SVM, c: 1, seed: 17 },
  classBalance: 1,
  calibrationFolds: 5,
};

export interface LabelledTypeText {
  title: string | null;
  content: string;
  type: string;
}

/** One appeal as the type model sees it: the category TF-IDF vector plus dense features. */
export interface TypeInput {
  x: SparseVector;
  dense: Float32Array;
}

export interface AppealTypePrediction {
  type: AppealType;
  confidence: number;
  /** Every type's probability, in APPEAL_TYPES order. */
  probabilities: Float64Array;
  /** Rule cues for the predicted type (shown to the agent as evidence). */
  cues: string[];
}

export class AppealTypeModel {
  /** Weights for the bound category vocabulary, feature-major (stride = classes). */
  private termWeights: Float32Array = new Float32Array(0);
  private boundTo: string[] | null = null;
  private readonly denseWeights: Float32Array;
  private readonly bias: Float64Array;
  private readonly classes: number;

  constructor(readonly data: AppealTypeModelData) {
    const { linear, terms, dense } = data;
    if (linear.dim !== terms.length + dense.length) throw new Error('appeal-type model file is inconsistent: weight and feature counts differ');
    if (dense.join() !== DENSE_FEATURES.join()) throw new Error('appeal-type model was trained with other dense features; retrain it');
    this.classes = linear.classes;
    const width = linear.dim + 1;
    this.bias = Float64Array.from({ length: this.classes }, (_, c) => linear.weights[c * width + linear.dim]);
    this.denseWeights = new Float32Array(dense.length * this.classes);
    for (let c = 0; c < this.classes; c++)
      for (let j = 0; j < dense.length; j++) this.denseWeights[j * this.classes + c] = linear.weights[c * width + terms.length + j];
  }

  get version(): string {
    return this.data.version;
  }

  /** Aligns the term weights with a category vocabulary (done once per category model). */
  bind(categoryTerms: string[]): this {
    if (this.boundTo === categoryTerms) return this;
    const { linear, terms } = this.data;
    const width = linear.dim + 1;
    const own = new Map(terms.map((t, i) => [t, i]));
    const packed = new Float32Array(categoryTerms.length * this.classes);
    for (let j = 0; j < categoryTerms.length; j++) {
      const i = own.get(categoryTerms[j]);
      if (i === undefined) continue;
      for (let c = 0; c < this.classes; c++) packed[j * this.classes + c] = linear.weights[c * width + i];
    }
    this.termWeights = packed;
    this.boundTo = categoryTerms;
    return this;
  }

  /** Decision scores for a vector over the bound vocabulary. */
  scores(input: TypeInput): Float64Array {
    if (!this.boundTo) throw new Error('appeal-type model is not bound to a category vocabulary');
    const out = Float64Array.from(this.bias);
    const { classes, termWeights, denseWeights } = this;
    const { indices, values } = input.x;
    for (let k = 0; k < indices.length; k++) {
      const base = indices[k] * classes;
      const v = values[k];
      for (let c = 0; c < classes; c++) out[c] += termWeights[base + c] * v;
    }
    for (let j = 0; j < input.dense.length; j++) {
      const v = input.dense[j];
      if (v === 0) continue;
      for (let c = 0; c < classes; c++) out[c] += denseWeights[j * classes + c] * v;
    }
    return out;
  }

  /** Writes this model's term weights and biases into the category model's interleaved weights
   * (CategoryModel.replaceTypeWeights), so `scoreAll` yields its term scores in the same pass as
   * the category's; predict() then only adds the dense features. Binds first. */
  installInto(category: CategoryModel): this {
    this.bind(category.data.terms);
    category.replaceTypeWeights(this.termWeights, this.bias);
    return this;
  }

  /** `title`/`content` normalised (normalizeText); `x` the category model's vector of them;
   * `rule` scoreAppealType of them when the caller has it; `termScores` the type part of
   * CategoryModel.scoreAll when this model is installed in it (bias included). */
  predict(
    title: string,
    content: string,
    x: SparseVector,
    rule: TypeScores = scoreAppealType(title, content),
    termScores?: Float64Array,
  ): AppealTypePrediction {
    const dense = denseTypeFeatures(title, content, rule.scores);
    let s: Float64Array;
    if (termScores) {
      s = Float64Array.from(termScores);
      for (let j = 0; j < dense.length; j++) {
        if (dense[j] === 0) continue;
        for (let c = 0; c < this.classes; c++) s[c] += this.denseWeights[j * this.classes + c] * dense[j];
      }
    } else s = this.scores({ x, dense });
    const p = softmax(s, this.data.temperature);
    let best = 0;
    for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
    const type = this.data.labels[best] as AppealType;
    return { type, confidence: p[best], probabilities: p, cues: rule.cues.filter((c) => c.type === type).map((c) => c.text) };
  }

  serialize(): Buffer {
    const d = this.data;
    return gzipSync(JSON.stringify({ ...d, terms: d.terms.join('\n'), linear: packLinear(d.linear) }), { level: 9 });
  }

  static deserialize(buf: Buffer): AppealTypeModel {
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(gunzipSync(buf).toString('utf8'));
    } catch (e) {
      throw new Error(`not an appeal-type model file (${(e as Error).message})`, { cause: e });
    }
    if (raw.format !== APPEAL_TYPE_FORMAT) throw new Error(`unsupported appeal-type model format ${String(raw.format)}, expected ${APPEAL_TYPE_FORMAT}`);
    return new AppealTypeModel({
      ...(raw as unknown as AppealTypeModelData),
      terms: raw.terms ? (raw.terms as string).split('\n') : [],
      linear: unpackLinear(raw.linear as PackedLinear),
    });
  }
}

/** The model's input for one appeal, computed exactly as the intake pipeline does. */
export function typeInput(category: CategoryModel, title: string | null, content: string): TypeInput {
  const t = normalizeText(title ?? '');
  const c = normalizeText(content ?? '');
  return { x: category.vectorizer.transformPrepared(prepareNormalized(t, c)), dense: denseTypeFeatures(t, c) };
}

/** Appends the dense features after the vocabulary (indices dim, dim + 1, …) for training. */
function joinFeatures(input: TypeInput, dim: number): SparseVector {
  const extra: number[] = [];
  for (let j = 0; j < input.dense.length; j++) if (input.dense[j] !== 0) extra.push(j);
  const indices = new Int32Array(input.x.indices.length + extra.length);
  const values = new Float32Array(indices.length);
  indices.set(input.x.indices);
  values.set(input.x.values);
  extra.forEach((j, k) => {
    indices[input.x.indices.length + k] = dim + j;
    values[input.x.indices.length + k] = input.dense[j];
  });
  return { indices, values };
}

/** Row weights that give rare types more say (see AppealTypeTrainConfig.classBalance). */
function balanceWeights(y: Int32Array, classes: number, balance: number): Float32Array | undefined {
  if (!balance) return undefined;
  const counts = new Array(classes).fill(0);
  for (const v of y) counts[v]++;
  return Float32Array.from(y, (v) => Math.pow(y.length / (classes * counts[v]), balance));
}

/** Trains the one-vs-rest SVM on prepared inputs; returns raw weights over vocabulary + dense. */
export function trainTypeLinear(inputs: TypeInput[], y: Int32Array, dim: number, config: AppealTypeTrainConfig): LinearWeights {
  const rows = inputs.map((i) => joinFeatures(i, dim));
  // Inputs carry DENSE_FEATURES; experiments (train-appeal-type --cues) append more.
  return trainOneVsRest(rows, y, APPEAL_TYPES.length, dim + (inputs[0]?.dense.length ?? DENSE_FEATURES.length), {
    ...config.svm,
    rowWeights: balanceWeights(y, APPEAL_TYPES.length, config.classBalance),
  });
}

/** Scores of a prepared input under raw (unbound) weights, for cross-validation. */
export function linearTypeScores(w: LinearWeights, input: TypeInput, dim: number): Float64Array {
  return svmScores(w, joinFeatures(input, dim));
}

/** Trains the shipped model: weights on all rows, temperature on out-of-fold scores. Rows with a
 * type outside APPEAL_TYPES are rejected. Deterministic for a given config and row order. */
export function trainAppealTypeModel(
  rows: LabelledTypeText[],
  category: CategoryModel,
  config = DEFAULT_APPEAL_TYPE_CONFIG,
  versionPrefix = 't1',
): AppealTypeModel {
  const y = Int32Array.from(rows, (r) => {
    const k = APPEAL_TYPES.indexOf(r.type as AppealType);
    if (k < 0) throw new Error(`unknown appeal type "${r.type}"`);
    return k;
  });
  const inputs = rows.map((r) => typeInput(category, r.title, r.content));
  const dim = category.data.terms.length;
  let temperature = 1;
  if (config.calibrationFolds > 1) {
    const oof: { s: Float64Array; y: number }[] = [];
    for (let f = 0; f < config.calibrationFolds; f++) {
      const tr = inputs.map((_, i) => i).filter((i) => i % config.calibrationFolds !== f);
      const w = trainTypeLinear(
        tr.map((i) => inputs[i]),
        Int32Array.from(tr, (i) => y[i]),
        dim,
        config,
      );
      inputs.forEach((inp, i) => {
        if (i % config.calibrationFolds === f) oof.push({ s: linearTypeScores(w, inp, dim), y: y[i] });
      });
    }
    temperature = fitTemperature(oof);
  }
  const full = trainTypeLinear(inputs, y, dim, config);
  // Keep only terms that carry weight: the SVM never touches a term absent from every training
  // row, so those columns are exactly zero and would only bloat the file.
  const width = full.dim + 1;
  const keep: number[] = [];
  for (let j = 0; j < dim; j++) {
    let any = false;
    for (let c = 0; c < full.classes && !any; c++) any = full.weights[c * width + j] !== 0;
    if (any) keep.push(j);
  }
  const newDim = keep.length + DENSE_FEATURES.length;
  const weights = new Float32Array(full.classes * (newDim + 1));
  for (let c = 0; c < full.classes; c++) {
    const src = c * width;
    const dst = c * (newDim + 1);
    keep.forEach((j, k) => (weights[dst + k] = full.weights[src + j]));
    for (let j = 0; j < DENSE_FEATURES.length; j++) weights[dst + keep.length + j] = full.weights[src + dim + j];
    weights[dst + newDim] = full.weights[src + full.dim];
  }
  const terms = keep.map((j) => category.data.terms[j]);
  const hash = createHash('sha256').update(Buffer.from(weights.buffer)).update(terms.join('\n')).digest('hex').slice(0, 8);
  const model = new AppealTypeModel({
    format: APPEAL_TYPE_FORMAT,
    version: `${versionPrefix}-${hash}`,
    trainedWith: { categoryModel: category.version, rows: rows.length, config },
    labels: [...APPEAL_TYPES],
    terms,
    dense: [...DENSE_FEATURES],
    linear: { classes: full.classes, dim: newDim, weights },
    temperature,
  });
  // Round-trip through the file format so the caller predicts exactly as the shipped file will.
  return AppealTypeModel.deserialize(model.serialize()).bind(category.data.terms);
}

/** Path of the current appeal-type model file, or null when none has been trained. */
export function latestAppealTypePath(dir = MODELS_DIR): string | null {
  const pointer = join(dir, APPEAL_TYPE_POINTER);
  if (!existsSync(pointer)) return null;
  return join(dir, readFileSync(pointer, 'utf8').trim());
}

export function readAppealTypeModel(path: string): AppealTypeModel {
  if (!existsSync(path)) throw new Error(`appeal-type model file not found: ${path}`);
  return AppealTypeModel.deserialize(readFileSync(path));
}

/** Next version prefix: one more than the highest `appeal-type-tN-…` in the folder. */
export function nextAppealTypePrefix(dir = MODELS_DIR): string {
  const numbers = existsSync(dir)
    ? readdirSync(dir)
        .map((f) => /^appeal-type-t(\d+)-/.exec(f)?.[1])
        .filter((n): n is string => !!n)
        .map(Number)
    : [];
  return `t${numbers.length ? Math.max(...numbers) + 1 : 1}`;
}

/** Writes the model file and points APPEAL_TYPE_LATEST at it (atomic rename). */
export function writeAppealTypeModel(model: AppealTypeModel, dir = MODELS_DIR): string {
  const file = `appeal-type-${model.version}.json.gz`;
  const path = join(dir, file);
  writeFileSync(path, model.serialize());
  const tmp = join(dir, `${APPEAL_TYPE_POINTER}.tmp`);
  writeFileSync(tmp, file + '\n');
  renameSync(tmp, join(dir, APPEAL_TYPE_POINTER));
  return path;
}
