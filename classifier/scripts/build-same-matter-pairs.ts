/**
 * Builds data/same-matter-pairs.jsonl, the labelled pair set the same-matter (并单) rule is measured on.
 * Deterministic (seeded); every pair names its source rows by id. Kinds:
 *  - `near-duplicate` (same matter): a 附件3/附件4 message and the train/dev message it repeats, by the data's own
 *    near-duplicate rule (≥ 50 % of the shorter body's 10-character shingles shared);
 *  - `reworded` (same matter, same place): a message's body against the writer's own title followed by one other
 *    sentence of the body — the same matter told short, as a second caller or a follow-up call does;
 *  - `same-place-other-matter` (not the same matter, same place): two train messages naming the same estate, road or
 *    village with different first-level categories, sharing < 10 % of their shingles;
 *  - `unrelated` (not the same matter): random train pairs with different categories and no place in common.
 * Usage: npx tsx classifier/scripts/build-same-matter-pairs.ts
 */
import { writeFileSync } from 'node:fs';
import { readJsonl } from '../src/data.js';

interface Row {
  id: string;
  title: string | null;
  content: string;
  category?: string;
}
const dir = new URL('../data/', import.meta.url).pathname;
const train = [...readJsonl<Row>(`${dir}train.jsonl.gz`), ...readJsonl<Row>(`${dir}dev.jsonl.gz`)].filter((r) => r.content && r.content.length >= 40);
const queries = [...readJsonl<Row>(`${dir}unlabelled.jsonl.gz`), ...readJsonl<Row>(`${dir}replies-messages.jsonl.gz`)].filter((r) => r.content);

let seed = 2026;
const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const shuffle = <T>(a: T[]) => {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
};

const clean = (s: string) => s.replace(/[^\p{Script=Han}A-Za-z0-9]/gu, '');
const shingles = (s: string, n = 10) => {
  const t = clean(s);
  const out = new Set<string>();
  for (let i = 0; i + n <= t.length; i++) out.add(t.slice(i, i + n));
  return out;
};
const overlap = (a: Set<string>, b: Set<string>) => {
  let n = 0;
  for (const s of a) if (b.has(s)) n++;
  return n / Math.max(1, Math.min(a.size, b.size));
};

export interface Pair {
  kind: string;
  sameMatter: boolean;
  samePlace: boolean;
  sameCitizen: boolean;
  a: { id: string; text: string };
  b: { id: string; text: string };
}
const pairs: Pair[] = [];

// 1. near-duplicates
const postings = new Map<string, number[]>();
const sh = train.map((r) => shingles(r.content));
sh.forEach((set, i) => set.forEach((s) => (postings.get(s) ?? postings.set(s, []).get(s)!).push(i)));
const near: Pair[] = [];
const usedTrain = new Set<number>();
for (const q of queries) {
  const qs = shingles(q.content);
  const shared = new Map<number, number>();
  for (const s of qs) for (const i of postings.get(s) ?? []) shared.set(i, (shared.get(i) ?? 0) + 1);
  for (const [i, n] of shared) {
    if (usedTrain.has(i) || n / Math.max(1, Math.min(qs.size, sh[i].size)) < 0.5) continue;
    usedTrain.add(i);
    near.push({
      kind: 'near-duplicate',
      sameMatter: true,
      samePlace: false,
      sameCitizen: false,
      a: { id: q.id, text: q.content },
      b: { id: train[i].id, text: train[i].content },
    });
    break;
  }
}
pairs.push(...shuffle(near).slice(0, 120));

// 2. reworded
const sentences = (s: string) =>
  s
    .split(/[。！？!?；;\n]+/)
    .map((x) => x.trim())
    .filter((x) => x.length >= 8);
let reworded = 0;
for (const r of shuffle([...train])) {
  if (reworded >= 100) break;
  const ss = sentences(r.content);
  if (!r.title || r.title.length < 8 || ss.length < 3) continue;
  const other = ss[1 + Math.floor(rand() * (ss.length - 1))];
  pairs.push({
    kind: 'reworded',
    sameMatter: true,
    samePlace: true,
    sameCitizen: false,
    a: { id: r.id, text: r.content },
    b: { id: `${r.id}#title+1`, text: `${r.title}。${other}。` },
  });
  reworded++;
}

// 3. same place, other matter
const PLACE = /[\p{Script=Han}]{2,6}(?:小区|花园|社区|大道|路|街|村|镇|广场|公寓|学校|中学|小学|医院)/gu;
const byPlace = new Map<string, number[]>();
train.forEach((r, i) => {
  for (const m of new Set(r.content.match(PLACE) ?? []))
    if (!/^(这条|那条|一条|马路|道路|公路|铁路|线路|我们|我村|本村|该村)/.test(m)) (byPlace.get(m) ?? byPlace.set(m, []).get(m)!).push(i);
});
const placeOf = (i: number) => new Set(train[i].content.match(PLACE) ?? []);
const samePlace: Pair[] = [];
for (const [place, ids] of shuffle([...byPlace])) {
  if (samePlace.length >= 100) break;
  if (ids.length < 2 || ids.length > 40) continue;
  const [i, j] = shuffle([...ids]);
  if (train[i].category === train[j].category || overlap(sh[i], sh[j]) >= 0.1) continue;
  samePlace.push({
    kind: 'same-place-other-matter',
    sameMatter: false,
    samePlace: true,
    sameCitizen: false,
    a: { id: train[i].id, text: train[i].content },
    b: { id: train[j].id, text: train[j].content },
  });
  void place;
}
pairs.push(...samePlace);

// 4. unrelated
let unrelated = 0;
while (unrelated < 60) {
  const i = Math.floor(rand() * train.length);
  const j = Math.floor(rand() * train.length);
  if (i === j || train[i].category === train[j].category) continue;
  const pi = placeOf(i);
  if ([...placeOf(j)].some((p) => pi.has(p))) continue;
  pairs.push({
    kind: 'unrelated',
    sameMatter: false,
    samePlace: false,
    sameCitizen: false,
    a: { id: train[i].id, text: train[i].content },
    b: { id: train[j].id, text: train[j].content },
  });
  unrelated++;
}

writeFileSync(`${dir}same-matter-pairs.jsonl`, pairs.map((p) => JSON.stringify(p)).join('\n') + '\n');
const counts: Record<string, number> = {};
for (const p of pairs) counts[p.kind] = (counts[p.kind] ?? 0) + 1;
console.log(`${pairs.length} pairs`, counts);
