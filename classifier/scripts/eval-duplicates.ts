/**
 * Measures the duplicate index on repeats present in the data: every 附件3/附件4 message is a
 * query against an index of all train+dev messages that have a body. Ground truth is the data
 * set's own near-duplicate rule (shared README §3): two bodies are the same message when they
 * share ≥ 50 % of the 10-character shingles of the shorter one, computed exactly through an
 * inverted index. Usage: npx tsx classifier/scripts/eval-duplicates.ts
 */
import { readJsonl } from '../src/data.js';
import { createDuplicateIndex } from '../src/duplicates.js';
import { joinTitleContent } from '../src/text/normalize.js';

interface Row {
  id: string;
  title: string | null;
  content: string;
}
const dir = new URL('../data/', import.meta.url).pathname;
const corpus = [...readJsonl<Row>(`${dir}train.jsonl.gz`), ...readJsonl<Row>(`${dir}dev.jsonl.gz`)].filter((r) => r.content);
const queries = [...readJsonl<Row>(`${dir}unlabelled.jsonl.gz`), ...readJsonl<Row>(`${dir}replies-messages.jsonl.gz`)].filter((r) => r.content);

const clean = (s: string) => s.replace(/[^\p{Script=Han}A-Za-z0-9]/gu, '');
function shingles(s: string): Set<string> {
  const t = clean(s);
  const out = new Set<string>();
  for (let i = 0; i + 10 <= t.length; i++) out.add(t.slice(i, i + 10));
  return out;
}

// Exact ground truth.
const postings = new Map<string, number[]>();
const corpusSh = corpus.map((r) => shingles(r.content));
corpusSh.forEach((set, i) => set.forEach((s) => (postings.get(s) ?? postings.set(s, []).get(s)!).push(i)));
const truth = queries.map((q) => {
  const qs = shingles(q.content);
  const shared = new Map<number, number>();
  for (const s of qs) for (const i of postings.get(s) ?? []) shared.set(i, (shared.get(i) ?? 0) + 1);
  const ids = new Set<string>();
  for (const [i, n] of shared) if (n / Math.max(1, Math.min(qs.size, corpusSh[i].size)) >= 0.5) ids.add(corpus[i].id);
  return ids;
});

const index = createDuplicateIndex();
const at = Date.UTC(2019, 0, 1);
let t0 = performance.now();
for (const r of corpus) index.add(r.id, joinTitleContent(null, r.content), { at });
const addMs = performance.now() - t0;

for (const minScore of [0.3, 0.4, 0.5, 0.6]) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  t0 = performance.now();
  queries.forEach((q, qi) => {
    const found = new Set(index.query(q.content, { at }, { windowDays: 36500, limit: 20, minScore }).map((m) => m.id));
    for (const id of found) truth[qi].has(id) ? tp++ : fp++;
    for (const id of truth[qi]) if (!found.has(id)) fn++;
  });
  const qMs = (performance.now() - t0) / queries.length;
  console.log(
    `minScore ${minScore}: true pairs ${tp + fn}, found ${tp + fp}, precision ${(tp / Math.max(1, tp + fp)).toFixed(3)}, recall ${(tp / Math.max(1, tp + fn)).toFixed(3)}, ${qMs.toFixed(3)} ms/query`,
  );
}
console.log(`indexed ${index.size} messages in ${addMs.toFixed(0)} ms; ${queries.length} queries`);

// Re-posts inside train+dev: each message against all others (pairs counted once per direction).
{
  let tp = 0;
  let fp = 0;
  let fn = 0;
  corpus.forEach((r, qi) => {
    const qs = corpusSh[qi];
    const shared = new Map<number, number>();
    for (const sh of qs) for (const i of postings.get(sh) ?? []) if (i !== qi) shared.set(i, (shared.get(i) ?? 0) + 1);
    const truthIds = new Set<string>();
    for (const [i, n] of shared) if (n / Math.max(1, Math.min(qs.size, corpusSh[i].size)) >= 0.5) truthIds.add(corpus[i].id);
    const found = new Set(
      index
        .query(r.content, { at }, { windowDays: 36500, limit: 20 })
        .map((m) => m.id)
        .filter((id) => id !== r.id),
    );
    for (const id of found) truthIds.has(id) ? tp++ : fp++;
    for (const id of truthIds) if (!found.has(id)) fn++;
  });
  console.log(
    `within train+dev (default minScore 0.4): true pairs ${tp + fn}, found ${tp + fp}, precision ${(tp / Math.max(1, tp + fp)).toFixed(3)}, recall ${(tp / Math.max(1, tp + fn)).toFixed(3)}`,
  );
}
