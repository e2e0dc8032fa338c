// Does averaging the decision scores of models over different feature views help? 5-fold CV on
// train, scored on title+body rows of each fold (as experiment.ts). Usage:
//   tsx classifier/scripts/experiment-ensemble.ts
import { readJsonl, type LabelledAppeal } from '../src/data.js';
import { tokenize, type TokenizerConfig } from '../src/category/tokenize.js';
import { Vectorizer } from '../src/category/vectorizer.js';
import { trainOneVsRest, scores, DEFAULT_SVM } from '../src/category/linear-svm.js';
import { evaluate } from '../src/category/metrics.js';
import type { SparseVector } from '../src/category/sparse.js';

const D = new URL('../data/', import.meta.url).pathname;
const train = readJsonl<LabelledAppeal>(`${D}/train.jsonl.gz`);
const labels = [...new Set(train.map((r) => r.category))].sort();
const K = labels.length;

interface View {
  name: string;
  tk: TokenizerConfig;
  minDf: number;
  c: number;
  nb?: boolean;
}
const views: View[] = [
  { name: 'char12+t', tk: { charMin: 1, charMax: 2, words: false, titleNamespace: true }, minDf: 2, c: 2 },
  { name: 'words+t', tk: { charMin: 0, charMax: 0, words: true, titleNamespace: true }, minDf: 1, c: 1 },
  { name: 'char12+t NB', tk: { charMin: 1, charMax: 2, words: false, titleNamespace: true }, minDf: 2, c: 2, nb: true },
];

// NB-SVM (Wang & Manning 2012): scale each feature by its log-count ratio for the class, per
// one-vs-rest problem. Implemented as a per-class rescaled copy of the rows.
function nbRatios(rows: SparseVector[], y: Int32Array, dim: number, k: number): Float32Array {
  const p = new Float64Array(dim).fill(1);
  const q = new Float64Array(dim).fill(1);
  rows.forEach((r, i) => {
    const t = y[i] === k ? p : q;
    for (let j = 0; j < r.indices.length; j++) t[r.indices[j]] += r.values[j];
  });
  let ps = 0,
    qs = 0;
  for (let j = 0; j < dim; j++) {
    ps += p[j];
    qs += q[j];
  }
  return Float32Array.from({ length: dim }, (_, j) => Math.log(p[j] / ps / (q[j] / qs)));
}
const scale = (r: SparseVector, ratio: Float32Array): SparseVector => ({ indices: r.indices, values: r.values.map((v, j) => v * ratio[r.indices[j]]) });

function viewScores(v: View, tr: LabelledAppeal[], te: LabelledAppeal[]): Float64Array[] {
  const docs = tr.map((r) => tokenize(r.title, r.content, v.tk));
  const vec = Vectorizer.fit(docs, v.tk, v.minDf);
  const rows = docs.map((d) => vec.transformTokens(d));
  const y = Int32Array.from(tr.map((r) => labels.indexOf(r.category)));
  const test = te.map((r) => vec.transformTokens(tokenize(r.title, r.content, v.tk)));
  if (!v.nb) {
    const m = trainOneVsRest(rows, y, K, vec.dimension, { ...DEFAULT_SVM, c: v.c });
    return test.map((x) => scores(m, x));
  }
  const out = test.map(() => new Float64Array(K));
  for (let k = 0; k < K; k++) {
    const ratio = nbRatios(rows, y, vec.dimension, k);
    const yk = Int32Array.from(y, (v2) => (v2 === k ? 1 : 0));
    const m = trainOneVsRest(
      rows.map((r) => scale(r, ratio)),
      yk,
      2,
      vec.dimension,
      { ...DEFAULT_SVM, c: v.c },
    );
    test.forEach((x, i) => (out[i][k] = scores(m, scale(x, ratio))[1]));
  }
  return out;
}

const argmax = (s: Float64Array) => s.indexOf(Math.max(...s));
const results: Record<string, number[]> = {};
for (let f = 0; f < 5; f++) {
  const tr = train.filter((_, i) => i % 5 !== f);
  const te = train.filter((r, i) => i % 5 === f && r.title && r.content);
  const gold = te.map((r) => r.category);
  const per = views.map((v) => viewScores(v, tr, te));
  const combos: [string, number[]][] = [
    ...views.map((v, i) => [v.name, [i]] as [string, number[]]),
    ['char+words', [0, 1]],
    ['char+NB', [0, 2]],
    ['all three', [0, 1, 2]],
  ];
  for (const [name, idx] of combos) {
    const pred = te.map((_, i) => {
      const s = new Float64Array(K);
      for (const j of idx) per[j][i].forEach((v, k) => (s[k] += v));
      return labels[argmax(s)];
    });
    (results[name] ??= []).push(evaluate(gold, pred, labels).macroF1);
  }
  process.stderr.write(`fold ${f + 1}/5\n`);
}
for (const [name, f1s] of Object.entries(results)) console.log(`${name}: CV macro-F1 ${(f1s.reduce((a, b) => a + b) / f1s.length).toFixed(4)}`);
