// Per-class score offsets tuned for macro-F1: does shifting the decision threshold of small
// classes (交通运输 has precision 1.0 but recall 0.79 on dev) help? Out-of-fold scores from
// 5-fold CV on train; offsets fitted on four folds' OOF scores and scored on the fifth, title+body
// rows only. Usage: tsx classifier/scripts/experiment-offsets.ts
import { readJsonl, type LabelledAppeal } from '../src/data.js';
import { tokenize } from '../src/category/tokenize.js';
import { Vectorizer } from '../src/category/vectorizer.js';
import { trainOneVsRest, scores } from '../src/category/linear-svm.js';
import { evaluate } from '../src/category/metrics.js';
import { DEFAULT_TRAIN_CONFIG } from '../src/category/train.js';

const D = new URL('../data/', import.meta.url).pathname;
const train = readJsonl<LabelledAppeal>(`${D}/train.jsonl.gz`);
const labels = [...new Set(train.map((r) => r.category))].sort();
const cfg = DEFAULT_TRAIN_CONFIG;
const docs = train.map((r) => tokenize(r.title, r.content, cfg.tokenizer));
const oof: { s: Float64Array; y: string; fold: number }[] = [];
for (let f = 0; f < 5; f++) {
  const tr = docs.map((_, i) => i).filter((i) => i % 5 !== f);
  const vec = Vectorizer.fit(
    tr.map((i) => docs[i]),
    cfg.tokenizer,
    cfg.minDf,
  );
  const m = trainOneVsRest(
    tr.map((i) => vec.transformTokens(docs[i])),
    Int32Array.from(tr.map((i) => labels.indexOf(train[i].category))),
    labels.length,
    vec.dimension,
    cfg.svm,
  );
  train.forEach((r, i) => {
    if (i % 5 === f && r.title && r.content) oof.push({ s: scores(m, vec.transformTokens(docs[i])), y: r.category, fold: f });
  });
  process.stderr.write(`fold ${f + 1}/5\n`);
}
const predict = (rows: typeof oof, off: number[]) =>
  rows.map(({ s }) => {
    let b = 0;
    for (let k = 1; k < s.length; k++) if (s[k] + off[k] > s[b] + off[b]) b = k;
    return labels[b];
  });
const f1 = (rows: typeof oof, off: number[]) =>
  evaluate(
    rows.map((r) => r.y),
    predict(rows, off),
    labels,
  ).macroF1;
function fit(rows: typeof oof): number[] {
  const off = labels.map(() => 0);
  for (let pass = 0; pass < 3; pass++)
    for (let k = 0; k < labels.length; k++) {
      let best = off[k];
      let bestF = f1(rows, off);
      for (let d = -0.4; d <= 0.401; d += 0.05) {
        const trial = [...off];
        trial[k] = d;
        const v = f1(rows, trial);
        if (v > bestF + 1e-9) [best, bestF] = [d, v];
      }
      off[k] = best;
    }
  return off;
}
let base = 0;
let tuned = 0;
for (let f = 0; f < 5; f++) {
  const off = fit(oof.filter((r) => r.fold !== f));
  const test = oof.filter((r) => r.fold === f);
  base +=
    f1(
      test,
      labels.map(() => 0),
    ) / 5;
  tuned += f1(test, off) / 5;
  console.log(`fold ${f + 1}: offsets ${off.map((o) => o.toFixed(2)).join(' ')}`);
}
console.log(`CV macro-F1 without offsets ${base.toFixed(4)}, with offsets fitted on the other folds ${tuned.toFixed(4)}`);
