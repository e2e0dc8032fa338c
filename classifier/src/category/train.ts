/**
 * Training the category model: tokenise, fit TF-IDF, train the one-vs-rest SVM, and fit a
 * softmax temperature on out-of-fold decision scores (k-fold on train) so that confidence is
 * calibrated. Deterministic for a given seed and input order.
 */
import { trainTypeWeights } from '../appeal-type-model.js';
import type { LabelledAppeal } from '../data.js';
import { evaluate } from './metrics.js';
import { DEFAULT_SVM, scores, trainOneVsRest, type SvmOptions } from './linear-svm.js';
import { CategoryModel, FORMAT, weightsHash } from './model.js';
import type { SparseVector } from './sparse.js';
import { DEFAULT_TOKENIZER, tokenize, type TokenizerConfig } from './tokenize.js';
import { Vectorizer } from './vectorizer.js';

export interface TrainConfig {
  tokenizer: TokenizerConfig;
  minDf: number;
  svm: SvmOptions;
  /** Folds for fitting the confidence temperature; 0 skips calibration (temperature 1). */
  calibrationFolds: number;
}

/** The configuration the shipped model is trained with; see README "What was tried". */
export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  tokenizer: DEFAULT_TOKENIZER,
  minDf: 2,
  svm: { ...DEFAULT_SVM, c: 2 },
  calibrationFolds: 5,
};

export type Progress = (done: number, total: number, stage: string) => void;

export interface TrainInput {
  rows: LabelledAppeal[];
  /** Agent corrections folded in; counted separately in the model's provenance. */
  corrections?: LabelledAppeal[];
  /** Unlabelled messages for the appeal-type weak-label model (see appeal-type-model.ts). */
  typeTexts: { title: string | null; content: string }[];
  /** Version prefix, e.g. "v3"; the content hash is appended. */
  versionPrefix: string;
}

export function trainCategoryModel(input: TrainInput, config = DEFAULT_TRAIN_CONFIG, progress: Progress = () => {}): CategoryModel {
  const all = [...input.rows, ...(input.corrections ?? [])];
  const labels = [...new Set(input.rows.map((r) => r.category))].sort();
  for (const r of all) if (!labels.includes(r.category)) throw new Error(`unknown category "${r.category}" in row ${r.id}`);
  const steps = 3 + config.calibrationFolds + 1;
  let step = 0;
  progress(step, steps, 'tokenising');
  const docs = all.map((r) => tokenize(r.title, r.content, config.tokenizer));
  const y = Int32Array.from(all.map((r) => labels.indexOf(r.category)));
  progress(++step, steps, 'calibrating');

  let temperature = 1;
  if (config.calibrationFolds > 1) {
    const oof: { s: Float64Array; y: number }[] = [];
    const fold = messageFolds(all, config.calibrationFolds);
    for (let f = 0; f < config.calibrationFolds; f++) {
      const trainIdx = docs.map((_, i) => i).filter((i) => fold[i] !== f);
      const testIdx = docs.map((_, i) => i).filter((i) => fold[i] === f);
      const vec = Vectorizer.fit(
        trainIdx.map((i) => docs[i]),
        config.tokenizer,
        config.minDf,
      );
      const m = trainOneVsRest(
        trainIdx.map((i) => vec.transformTokens(docs[i])),
        Int32Array.from(trainIdx.map((i) => y[i])),
        labels.length,
        vec.dimension,
        config.svm,
      );
      for (const i of testIdx) oof.push({ s: scores(m, vec.transformTokens(docs[i])), y: y[i] });
      progress(++step, steps, `calibration fold ${f + 1}/${config.calibrationFolds}`);
    }
    temperature = fitTemperature(oof);
  } else step += config.calibrationFolds;

  progress(++step, steps, 'training final model');
  const vectorizer = Vectorizer.fit(docs, config.tokenizer, config.minDf);
  const rows: SparseVector[] = docs.map((d) => vectorizer.transformTokens(d));
  const linear = trainOneVsRest(rows, y, labels.length, vectorizer.dimension, config.svm);
  progress(++step, steps, 'training appeal-type model');
  const appealType = trainTypeWeights(vectorizer, input.typeTexts);
  progress(step + 1, steps, 'done');
  const { terms, idf } = vectorizer.state;
  const trained = new CategoryModel({
    format: FORMAT,
    version: `${input.versionPrefix}-${weightsHash(linear.weights, terms, appealType.linear.weights)}`,
    createdFrom: { rows: input.rows.length, corrections: input.corrections?.length ?? 0, config },
    labels,
    tokenizer: config.tokenizer,
    terms,
    idf,
    linear,
    temperature,
    appealType,
  });
  // Round-trip through the file format so the returned model predicts exactly as the shipped
  // file will (weights are quantised on disk).
  return CategoryModel.deserialize(trained.serialize());
}

/** Temperature minimising the negative log-likelihood of out-of-fold scores. The NLL is convex
 * in the temperature, so a golden-section search on [0.01, 50] finds it. */
export function fitTemperature(oof: { s: Float64Array; y: number }[]): number {
  // Exact log-softmax (no clamping): a clamped probability makes the NLL flat for large t and
  // misleads the search.
  const nll = (t: number) =>
    oof.reduce((a, { s, y }) => {
      let max = -Infinity;
      for (const v of s) if (v * t > max) max = v * t;
      let sum = 0;
      for (const v of s) sum += Math.exp(v * t - max);
      return a - (s[y] * t - max - Math.log(sum));
    }, 0);
  let lo = 0.01;
  let hi = 50;
  const g = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 60; i++) {
    const a = hi - g * (hi - lo);
    const b = lo + g * (hi - lo);
    if (nll(a) < nll(b)) hi = b;
    else lo = a;
  }
  return (lo + hi) / 2;
}

/**
 * Fold of every row such that rows of one message share a fold. The data holds some messages
 * twice, as a title-only or body-only row beside the title+body row (same title or same body
 * after removing white space); splitting them across folds would let a fold test on text it
 * was trained on. A group's fold is its first row's index modulo `folds` (the data order is
 * already mixed), so singleton rows keep the plain `i % folds` split.
 */
export function messageFolds(rows: { title: string | null; content: string }[], folds: number): Int32Array {
  const parent = Int32Array.from(rows, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const seen = new Map<string, number>();
  rows.forEach((r, i) => {
    for (const key of [r.title ? `t:${r.title.replace(/\s+/g, '')}` : '', r.content ? `c:${r.content.replace(/\s+/g, '')}` : '']) {
      if (key.length <= 2) continue;
      const j = seen.get(key);
      if (j === undefined) seen.set(key, i);
      else union(i, j);
    }
  });
  return Int32Array.from(rows, (_, i) => find(i) % folds);
}

export interface CrossValidation {
  c: number;
  /** Macro-F1 of each fold on its title+body rows (the shape of live appeals). */
  foldMacroF1: number[];
  meanMacroF1: number;
  /** Macro-F1 and accuracy of the pooled out-of-fold predictions of the title+body rows. */
  pooledMacroF1: number;
  pooledAccuracy: number;
  /** Macro-F1 of the pooled out-of-fold predictions of all rows (title-only and body-only too). */
  pooledAllMacroF1: number;
  testedRows: number;
}

/**
 * k-fold cross-validation of the category model for several values of C, with folds that keep
 * a message's rows together (`messageFolds`). Tokenising and the TF-IDF fit are shared by the
 * values of C. Used to choose hyper-parameters without looking at dev.
 */
export function crossValidate(
  rows: LabelledAppeal[],
  cs: number[],
  config = DEFAULT_TRAIN_CONFIG,
  folds = 5,
  progress: Progress = () => {},
): CrossValidation[] {
  const labels = [...new Set(rows.map((r) => r.category))].sort();
  const docs = rows.map((r) => tokenize(r.title, r.content, config.tokenizer));
  const y = Int32Array.from(rows.map((r) => labels.indexOf(r.category)));
  const fold = messageFolds(rows, folds);
  const full = rows.map((r) => !!r.title && !!r.content);
  const predicted = cs.map(() => new Int32Array(rows.length));
  const foldF1 = cs.map(() => [] as number[]);
  const total = folds * cs.length;
  let done = 0;
  progress(0, total, 'cross-validating');
  for (let f = 0; f < folds; f++) {
    const trainIdx = docs.map((_, i) => i).filter((i) => fold[i] !== f);
    const testIdx = docs.map((_, i) => i).filter((i) => fold[i] === f);
    const vec = Vectorizer.fit(
      trainIdx.map((i) => docs[i]),
      config.tokenizer,
      config.minDf,
    );
    const trainRows = trainIdx.map((i) => vec.transformTokens(docs[i]));
    const testRows = testIdx.map((i) => vec.transformTokens(docs[i]));
    const trainY = Int32Array.from(trainIdx.map((i) => y[i]));
    cs.forEach((c, ci) => {
      const m = trainOneVsRest(trainRows, trainY, labels.length, vec.dimension, { ...config.svm, c });
      testIdx.forEach((i, k) => {
        const s = scores(m, testRows[k]);
        let best = 0;
        for (let j = 1; j < s.length; j++) if (s[j] > s[best]) best = j;
        predicted[ci][i] = best;
      });
      const tested = testIdx.filter((i) => full[i]);
      foldF1[ci].push(
        evaluate(
          tested.map((i) => labels[y[i]]),
          tested.map((i) => labels[predicted[ci][i]]),
          labels,
        ).macroF1,
      );
      progress(++done, total, `fold ${f + 1}/${folds}, C = ${c}`);
    });
  }
  const fullIdx = rows.map((_, i) => i).filter((i) => full[i]);
  return cs.map((c, ci) => {
    const pooled = evaluate(
      fullIdx.map((i) => labels[y[i]]),
      fullIdx.map((i) => labels[predicted[ci][i]]),
      labels,
    );
    const pooledAll = evaluate(
      rows.map((_, i) => labels[y[i]]),
      rows.map((_, i) => labels[predicted[ci][i]]),
      labels,
    );
    return {
      c,
      foldMacroF1: foldF1[ci],
      meanMacroF1: foldF1[ci].reduce((a, b) => a + b, 0) / folds,
      pooledMacroF1: pooled.macroF1,
      pooledAccuracy: pooled.accuracy,
      pooledAllMacroF1: pooledAll.macroF1,
      testedRows: fullIdx.length,
    };
  });
}
