// Comparison of feature/model settings on the committed data (classifier/data). Usage:
//   npx tsx classifier/scripts/experiment.ts dev|cv [JSON list of [name, tokenizer, minDf, C, extra?]]
import { readJsonl, type LabelledAppeal } from '../src/data.js';
import { tokenize, type TokenizerConfig } from '../src/category/tokenize.js';
import { Vectorizer } from '../src/category/vectorizer.js';
import { trainOneVsRest, scores, DEFAULT_SVM } from '../src/category/linear-svm.js';
import { evaluate } from '../src/category/metrics.js';

const D = process.env.DATA ?? new URL('../data', import.meta.url).pathname;
const train = readJsonl<LabelledAppeal>(`${D}/train.jsonl.gz`);
const dev = readJsonl<LabelledAppeal>(`${D}/dev.jsonl.gz`);
const labels = [...new Set(train.map((r) => r.category))].sort();

interface Extra {
  balanced?: boolean;
  titleOnlyWeight?: number;
}
function run(name: string, tk: TokenizerConfig, minDf: number, c: number, tr: LabelledAppeal[], te: LabelledAppeal[], extra: Extra = {}) {
  const t0 = Date.now();
  const docs = tr.map((r) => tokenize(r.title, r.content, tk));
  const vec = Vectorizer.fit(docs, tk, minDf);
  const rows = docs.map((d) => vec.transformTokens(d));
  const y = Int32Array.from(tr.map((r) => labels.indexOf(r.category)));
  const counts = labels.map((_, k) => y.filter((v) => v === k).length);
  const rowWeights = Float32Array.from(
    tr.map(
      (r, i) =>
        (extra.balanced ? tr.length / (labels.length * counts[y[i]]) : 1) * (!r.content && extra.titleOnlyWeight !== undefined ? extra.titleOnlyWeight : 1),
    ),
  );
  const m = trainOneVsRest(rows, y, labels.length, vec.dimension, { ...DEFAULT_SVM, c, rowWeights });
  const pred = te.map((r) => {
    const s = scores(m, vec.transform(r.title, r.content));
    let b = 0;
    for (let i = 1; i < s.length; i++) if (s[i] > s[b]) b = i;
    return labels[b];
  });
  const e = evaluate(
    te.map((r) => r.category),
    pred,
    labels,
  );
  return { name, f1: e.macroF1, acc: e.accuracy, dim: vec.dimension, ms: Date.now() - t0 };
}

const mode = process.argv[2] ?? 'dev';
const configs: [string, TokenizerConfig, number, number, Extra?][] = JSON.parse(process.argv[3] ?? 'null') ?? [
  ['c12', { charMin: 1, charMax: 2, words: false, titleNamespace: false }, 2, 0.5],
  ['c12+t', { charMin: 1, charMax: 2, words: false, titleNamespace: true }, 2, 0.5],
  ['c13+t', { charMin: 1, charMax: 3, words: false, titleNamespace: true }, 2, 0.5],
  ['c12+w+t', { charMin: 1, charMax: 2, words: true, titleNamespace: true }, 2, 0.5],
];
for (const [name, tk, minDf, c, extra] of configs) {
  if (mode === 'dev') console.log(JSON.stringify(run(name, tk, minDf, c, train, dev, extra)));
  else {
    // 5-fold CV on train (folds by fixed index modulo, data order is already mixed); each fold is
    // scored on its title+body rows only, the shape live appeals have.
    const res = [];
    for (let f = 0; f < 5; f++)
      res.push(
        run(
          name,
          tk,
          minDf,
          c,
          train.filter((_, i) => i % 5 !== f),
          train.filter((r, i) => i % 5 === f && r.title && r.content),
          extra,
        ),
      );
    console.log(JSON.stringify({ name, cvF1: res.reduce((a, r) => a + r.f1, 0) / 5, ms: res[0].ms }));
  }
}
