// Self-training: label 附件3/附件4 messages with the model, add the confident ones to train,
// retrain. 5-fold CV on train, title+body rows of each fold. Messages that are near-duplicates
// of any train row are left out, so a test-fold message cannot come back as its own copy.
// Usage: tsx classifier/scripts/experiment-self-training.ts [minMargin]
import { readJsonl, type LabelledAppeal } from '../src/data.js';
import { createDuplicateIndex } from '../src/duplicates.js';
import { tokenize } from '../src/category/tokenize.js';
import { Vectorizer } from '../src/category/vectorizer.js';
import { trainOneVsRest, scores } from '../src/category/linear-svm.js';
import { evaluate } from '../src/category/metrics.js';
import { DEFAULT_TRAIN_CONFIG } from '../src/category/train.js';

const D = new URL('../data/', import.meta.url).pathname;
const train = readJsonl<LabelledAppeal>(`${D}/train.jsonl.gz`);
const labels = [...new Set(train.map((r) => r.category))].sort();
const cfg = DEFAULT_TRAIN_CONFIG;
const minMargin = Number(process.argv[2] ?? 0.5);

const index = createDuplicateIndex();
train.forEach((r) => r.content && index.add(r.id, r.content, { at: 0 }));
const extra = [...readJsonl<LabelledAppeal>(`${D}/unlabelled.jsonl.gz`), ...readJsonl<LabelledAppeal>(`${D}/replies-messages.jsonl.gz`)].filter(
  (r) => r.content && index.query(r.content, { at: 0 }, { windowDays: 1e6, minScore: 0.3 }).length === 0,
);
process.stderr.write(`${extra.length} unlabelled messages not duplicating train\n`);
const extraDocs = extra.map((r) => tokenize(r.title, r.content, cfg.tokenizer));
const docs = train.map((r) => tokenize(r.title, r.content, cfg.tokenizer));

function fitPredict(trDocs: string[][], trY: number[], test: string[][]) {
  const vec = Vectorizer.fit(trDocs, cfg.tokenizer, cfg.minDf);
  const m = trainOneVsRest(
    trDocs.map((d) => vec.transformTokens(d)),
    Int32Array.from(trY),
    labels.length,
    vec.dimension,
    cfg.svm,
  );
  return test.map((d) => scores(m, vec.transformTokens(d)));
}
let base = 0;
let self = 0;
for (let f = 0; f < 5; f++) {
  const tr = docs.map((_, i) => i).filter((i) => i % 5 !== f);
  const te = docs.map((_, i) => i).filter((i) => i % 5 === f && train[i].title && train[i].content);
  const trDocs = tr.map((i) => docs[i]);
  const trY = tr.map((i) => labels.indexOf(train[i].category));
  const gold = te.map((i) => train[i].category);
  const all = fitPredict(trDocs, trY, [...te.map((i) => docs[i]), ...extraDocs]);
  const argmax = (s: Float64Array) => s.indexOf(Math.max(...s));
  base +=
    evaluate(
      gold,
      all.slice(0, te.length).map((s) => labels[argmax(s)]),
      labels,
    ).macroF1 / 5;
  const pseudoDocs: string[][] = [];
  const pseudoY: number[] = [];
  all.slice(te.length).forEach((s, j) => {
    const sorted = [...s].sort((a, b) => b - a);
    if (sorted[0] - sorted[1] >= minMargin) {
      pseudoDocs.push(extraDocs[j]);
      pseudoY.push(argmax(s));
    }
  });
  const again = fitPredict(
    [...trDocs, ...pseudoDocs],
    [...trY, ...pseudoY],
    te.map((i) => docs[i]),
  );
  self +=
    evaluate(
      gold,
      again.map((s) => labels[argmax(s)]),
      labels,
    ).macroF1 / 5;
  process.stderr.write(`fold ${f + 1}/5: ${pseudoDocs.length} pseudo-labelled\n`);
}
console.log(`minMargin ${minMargin}: CV macro-F1 baseline ${base.toFixed(4)}, with self-training ${self.toFixed(4)}`);
