/**
 * Appeal-type accuracy on classifier/eval/appeal-type.jsonl (328 hand-labelled appeals, never
 * trained on) for the rules alone, the previous pipeline (rules + the weak-label model kept in
 * the category file) and the shipped pipeline (classify(): the hand-label model of
 * appeal-type-classifier.ts when APPEAL_TYPE_LATEST names one).
 * Usage: npx tsx classifier/scripts/eval-appeal-type.ts [--errors]
 */
import { predictType } from '../src/appeal-type-model.js';
import { loadModel } from '../src/classifier.js';
import { evaluate, formatEvaluation } from '../src/category/metrics.js';
import { prepareNormalized } from '../src/category/tokenize.js';
import { readJsonl } from '../src/data.js';
import { latestModelPath, readModel } from '../src/model-store.js';
import { APPEAL_TYPES, ruleAppealType } from '../src/rules/appeal-type.js';
import { normalizeText } from '../src/text/normalize.js';
import { EVAL_DIR } from '../src/training-data.js';

interface Row {
  id: string;
  title: string | null;
  content: string;
  type: string;
  source: string;
}
const rows = readJsonl<Row>(`${EVAL_DIR}/appeal-type.jsonl`);
const classifier = loadModel();
const category = readModel(latestModelPath()); // a fresh copy: loadModel installs the type model into its own
const previous = (r: Row) => {
  const t = normalizeText(r.title ?? '');
  const c = normalizeText(r.content);
  return predictType(category.data.appealType, t, c, category.vectorizer.transformPrepared(prepareNormalized(t, c))).type;
};
console.log(`shipped pipeline: category ${classifier.modelVersion}, appeal type ${classifier.typeModelVersion ?? '(none)'}`);
const parts: [string, Row[]][] = [
  ['all 328', rows],
  ['dev sample rows 1-160', rows.slice(0, 160)],
  ['dev sample rows 161-320', rows.slice(160, 320)],
  ['keyword-picked praise/other (8)', rows.slice(320)],
];
const types = [...APPEAL_TYPES];
for (const [name, part] of parts) {
  const gold = part.map((r) => r.type);
  const acc = (pred: string[]) => evaluate(gold, pred, types).accuracy.toFixed(3);
  const rules = part.map((r) => ruleAppealType(normalizeText(r.title ?? ''), normalizeText(r.content)).type);
  const shipped = evaluate(
    gold,
    part.map((r) => classifier.classify(r).type),
    types,
  );
  console.log(
    `${name}: rules alone ${acc(rules)}; previous pipeline ${acc(part.map(previous))}; shipped ${shipped.accuracy.toFixed(3)} (macro-F1 ${shipped.macroF1.toFixed(3)})`,
  );
  if (name.startsWith('all')) console.log(formatEvaluation(shipped) + '\n');
}
if (process.argv.includes('--errors'))
  rows.forEach((r) => {
    const t = classifier.classify(r).type;
    if (t !== r.type) console.log(`${r.type} → ${t}  ${r.title}`);
  });
