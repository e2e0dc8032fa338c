/**
 * Top-1 and top-3 of the level-2 suggestion on data/category-depth-labels.jsonl: 500 dev appeals labelled by hand
 * at level 2 of the demo tree (the keywords were written after reading them: in-sample), and 108 more (`heldOut`)
 * labelled after the keywords were frozen and never used to change them. Two figures: under the gold first-level branch (the depth step alone) and under the
 * branch the shipped model predicts (what the agent sees). Usage: npx tsx classifier/scripts/eval-depth.ts [--show]
 */
import { readFileSync } from 'node:fs';
import { readJsonl } from '../src/data.js';
import { loadModel } from '../src/classifier.js';
import { loadCategoryDepth } from '../src/category/depth.js';
import { normalizeText } from '../src/text/normalize.js';

interface Label {
  id: string;
  category: string;
  level2: string;
  heldOut?: boolean;
}
interface Row {
  id: string;
  title: string | null;
  content: string;
}
const dir = new URL('../data/', import.meta.url).pathname;
const all = readFileSync(`${dir}category-depth-labels.jsonl`, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Label);
const rows = new Map([...readJsonl<Row>(`${dir}dev.jsonl.gz`)].map((r) => [r.id, r]));
const depth = loadCategoryDepth();
const model = loadModel();

function report(name: string, labels: Label[]) {
  let top1 = 0,
    top3 = 0,
    top1Pred = 0,
    top3Pred = 0,
    withEvidence = 0;
  const perBranch: Record<string, { n: number; top1: number; top3: number }> = {};
  for (const l of labels) {
    const r = rows.get(l.id)!;
    const title = normalizeText(r.title ?? '');
    const content = normalizeText(r.content);
    const gold = depth.suggest(l.category, title, content);
    const b = (perBranch[l.category] ??= { n: 0, top1: 0, top3: 0 });
    b.n++;
    if (gold[0]?.evidence.length) withEvidence++;
    if (gold[0]?.path[1] === l.level2) {
      top1++;
      b.top1++;
    }
    if (gold.some((c) => c.path[1] === l.level2)) {
      top3++;
      b.top3++;
    } else if (process.argv.includes('--show'))
      console.log(`${l.level2} ← ${gold.map((c) => `${c.path.slice(1).join('/')}(${c.evidence.join(',')})`).join(' | ')} :: ${r.title}`);
    const pred = model.classify({ title: r.title, content: r.content });
    if (pred.categoryPath[1] === l.level2 && pred.category === l.category) top1Pred++;
    if (pred.category === l.category && pred.categoryCandidates.some((c) => c.path[1] === l.level2)) top3Pred++;
  }
  const n = labels.length;
  console.log(`${name}: ${n} appeals labelled at level 2`);
  console.log(
    `under the gold first level:      top-1 ${(top1 / n).toFixed(3)}, top-3 ${(top3 / n).toFixed(3)} (first candidate has evidence for ${(withEvidence / n).toFixed(3)})`,
  );
  console.log(`under the predicted first level: top-1 ${(top1Pred / n).toFixed(3)}, top-3 ${(top3Pred / n).toFixed(3)}`);
  for (const [k, v] of Object.entries(perBranch)) console.log(`  ${k}: ${v.n} appeals, top-1 ${(v.top1 / v.n).toFixed(3)}, top-3 ${(v.top3 / v.n).toFixed(3)}`);
}
report(
  'keywords written after reading these (in-sample)',
  all.filter((l) => !l.heldOut),
);
report(
  'held out (labelled after the keywords were frozen)',
  all.filter((l) => l.heldOut),
);
