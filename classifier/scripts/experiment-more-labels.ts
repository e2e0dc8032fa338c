/**
 * npx tsx classifier/scripts/experiment-more-labels.ts
 *
 * Did the later labelling rounds help? After the first round (labeller A, 3,356), labellers C–F labelled 2,000 more
 * appeals with the same guide (second round), then H–L 2,500 more (third round). This trains the appeal-type model
 * on the first round's 80 % split alone, with the second round added, and with both added, and scores each on the
 * first round's held-out 20 % (the same 673 appeals throughout, so the figures compare) and on the 328 eval set.
 * A few settings of class balance and C are re-tried on the largest set. Writes nothing.
 */
import { DEFAULT_APPEAL_TYPE_CONFIG, linearTypeScores, trainTypeLinear, typeInput } from '../src/appeal-type-classifier.js';
import { readJsonl } from '../src/data.js';
import { evaluate } from '../src/category/metrics.js';
import { seededRandom, shuffleInPlace } from '../src/category/sparse.js';
import { latestModelPath, readModel } from '../src/model-store.js';
import { APPEAL_TYPES } from '../src/rules/appeal-type.js';
import { DATA_DIR, EVAL_DIR } from '../src/training-data.js';
type Text = { id: string; title: string | null; content: string };
const texts = new Map<string, Text>();
for (const f of ['unlabelled.jsonl.gz', 'replies-messages.jsonl.gz', 'train.jsonl.gz', 'dev.jsonl.gz'])
  for (const r of readJsonl<Text>(`${DATA_DIR}/${f}`)) if (!texts.has(r.id)) texts.set(r.id, r);
const TYPES = [...APPEAL_TYPES];
const cat = readModel(latestModelPath());
const dim = cat.data.terms.length;
const evalRows = readJsonl<Text & { type: string }>(`${EVAL_DIR}/appeal-type.jsonl`);
const evalIds = new Set(evalRows.map((r) => r.id));
const all = readJsonl<{ id: string; type: string; labeller: string }>(`${DATA_DIR}/appeal-type-labels.jsonl`).filter((l) => !evalIds.has(l.id));
const SECOND_ROUND = new Set(['C', 'D', 'E', 'F']);
const THIRD_ROUND = new Set(['H', 'I', 'J', 'K', 'L']);
const old = all.filter((l) => !SECOND_ROUND.has(l.labeller) && !THIRD_ROUND.has(l.labeller));
const second = all.filter((l) => SECOND_ROUND.has(l.labeller));
const third = all.filter((l) => THIRD_ROUND.has(l.labeller));
console.log('first round', old.length, 'second', second.length, 'third', third.length);
const random = seededRandom(2026);
// The first round's split, exactly as train-appeal-type.ts drew it (stratified, seed 2026, every fifth held out).
const tr: typeof old = [];
const held: typeof old = [];
for (const t of TYPES) {
  const idx = old.filter((r) => r.type === t);
  shuffleInPlace(idx, random);
  idx.forEach((r, k) => (k % 5 === 0 ? held : tr).push(r));
}
const inp = (id: string) => {
  const t = texts.get(id) as Text;
  return typeInput(cat, t.title, t.content);
};
const cfg = (b: number, c: number) => ({ ...DEFAULT_APPEAL_TYPE_CONFIG, classBalance: b, svm: { ...DEFAULT_APPEAL_TYPE_CONFIG.svm, c } });
function run(name: string, train: typeof old, b = 1, c = 1) {
  const w = trainTypeLinear(
    train.map((l) => inp(l.id)),
    Int32Array.from(train, (l) => TYPES.indexOf(l.type as never)),
    dim,
    cfg(b, c),
  );
  const pred = (x: Text) => {
    const sc = linearTypeScores(w, typeInput(cat, x.title, x.content), dim);
    let bi = 0;
    for (let i = 1; i < sc.length; i++) if (sc[i] > sc[bi]) bi = i;
    return TYPES[bi];
  };
  const h = evaluate(
    held.map((l) => l.type),
    held.map((l) => pred(texts.get(l.id) as Text)),
    TYPES,
  );
  const e = evaluate(
    evalRows.map((r) => r.type),
    evalRows.map(pred),
    TYPES,
  );
  console.log(
    `${name.padEnd(40)} old held-out ${held.length}: acc ${h.accuracy.toFixed(4)} F1 ${h.macroF1.toFixed(4)} | 328: acc ${e.accuracy.toFixed(4)} F1 ${e.macroF1.toFixed(4)}`,
  );
}
run('first round 80 %', tr);
run('+ second round', [...tr, ...second]);
run('+ second and third rounds', [...tr, ...second, ...third]);
for (const [b, c] of [
  [0.5, 1],
  [1, 3],
  [1, 0.5],
] as const)
  run(`+ both, balance ${b} C ${c}`, [...tr, ...second, ...third], b, c);
