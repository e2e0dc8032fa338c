/**
 * Precision and recall of the same-matter (并单) rule on data/same-matter-pairs.jsonl, as the server applies it:
 * a pair is a candidate when it shares a database LSH band (bandKeys) or the same citizen/place (the server
 * also scores the caller's and the district's open tickets), and is offered when judgeSameMatter says so.
 * Usage: npx tsx classifier/scripts/eval-same-matter.ts
 */
import { readFileSync } from 'node:fs';
import { bandKeys, judgeSameMatter, signature, signatureSimilarity } from '../src/duplicates.js';

interface Pair {
  kind: string;
  sameMatter: boolean;
  samePlace: boolean;
  sameCitizen: boolean;
  a: { text: string };
  b: { text: string };
}
const pairs = readFileSync(new URL('../data/same-matter-pairs.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Pair);

const scored = pairs.map((p) => {
  const sa = signature(p.a.text)!;
  const sb = signature(p.b.text)!;
  const ka = new Set(bandKeys(sa));
  return { p, score: signatureSimilarity(sa, sb), sharesBand: bandKeys(sb).some((k) => ka.has(k)) };
});

function measure(usePlace: boolean, judge = judgeSameMatter) {
  let tp = 0,
    fp = 0,
    fn = 0;
  const byKind: Record<string, { n: number; offered: number }> = {};
  for (const { p, score, sharesBand } of scored) {
    const samePlace = usePlace && p.samePlace;
    const sameCitizen = usePlace && p.sameCitizen;
    const candidate = sharesBand || samePlace || sameCitizen;
    const offered = candidate && judge({ score, samePlace, sameCitizen }).show;
    (byKind[p.kind] ??= { n: 0, offered: 0 }).n++;
    if (offered) byKind[p.kind].offered++;
    if (offered && p.sameMatter) tp++;
    else if (offered) fp++;
    else if (p.sameMatter) fn++;
  }
  return { precision: tp / Math.max(1, tp + fp), recall: tp / Math.max(1, tp + fn), byKind };
}

const fmt = (m: ReturnType<typeof measure>) =>
  `precision ${m.precision.toFixed(3)}, recall ${m.recall.toFixed(3)}; offered per kind: ${Object.entries(m.byKind)
    .map(([k, v]) => `${k} ${v.offered}/${v.n}`)
    .join(', ')}`;
const kinds: Record<string, number> = {};
for (const p of pairs) kinds[p.kind] = (kinds[p.kind] ?? 0) + 1;
console.log(`${pairs.length} pairs: ${JSON.stringify(kinds)}`);
console.log(`shipped rule, with place/citizen: ${fmt(measure(true))}`);
console.log(`shipped rule, text only:          ${fmt(measure(false))}`);
for (const related of [0.02, 0.03, 0.05, 0.06, 0.08, 0.1, 0.15, 0.2, 0.3]) {
  for (const min of [0.3, 0.4, 0.5]) {
    const judge = (e: { score: number; samePlace: boolean; sameCitizen: boolean }) => ({
      show: e.score >= min || (e.score >= related && (e.samePlace || e.sameCitizen)),
    });
    const m = measure(true, judge as typeof judgeSameMatter);
    console.log(`  min ${min}, related ${related}: precision ${m.precision.toFixed(3)}, recall ${m.recall.toFixed(3)}`);
  }
}
