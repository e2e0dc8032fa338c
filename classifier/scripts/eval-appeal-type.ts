/**
 * Appeal-type accuracy on the hand-labelled file, for the rules alone and for the shipped
 * pipeline (rules + weak-label model). Rules were refined and trustRuleMargin chosen on the
 * first half of the dev sample; the second half's errors were seen once (for the first rule
 * draft) but not tuned against since, so it is the less biased figure, not an unseen one. Usage: npx tsx classifier/scripts/eval-appeal-type.ts [--errors]
 */
import { loadModel } from '../src/classifier.js';
import { evaluate, formatEvaluation } from '../src/category/metrics.js';
import { readJsonl } from '../src/data.js';
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
const parts: [string, Row[]][] = [
  ['all 328', rows],
  ['dev sample, tuning half (rows 1-160)', rows.slice(0, 160)],
  ['dev sample, second half (rows 161-320)', rows.slice(160, 320)],
  ['keyword-picked praise/other (8)', rows.slice(320)],
];
for (const [name, part] of parts) {
  const gold = part.map((r) => r.type);
  const rules = part.map((r) => ruleAppealType(normalizeText(r.title ?? ''), normalizeText(r.content)).type);
  const pipeline = part.map((r) => classifier.classify(r).type);
  const e = evaluate(gold, pipeline, [...APPEAL_TYPES]);
  console.log(`${name}: rules alone accuracy ${evaluate(gold, rules, [...APPEAL_TYPES]).accuracy.toFixed(3)}; rules + model accuracy ${e.accuracy.toFixed(3)}, macro-F1 ${e.macroF1.toFixed(3)}`);
  if (name.startsWith('all')) console.log(formatEvaluation(e) + '\n');
}
if (process.argv.includes('--errors'))
  rows.forEach((r) => {
    const t = classifier.classify(r).type;
    if (t !== r.type) console.log(`${r.type} → ${t}  ${r.title}`);
  });
