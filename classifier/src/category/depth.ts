/**
 * Category depth (二级/三级分类): the top level-2/3 paths under the predicted first-level branch, each with
 * the words that point to it.
 *
 * The labelled data names only level 1, so depth comes from words: each node of the demo tree has its
 * name's words (segmented offline by jieba, scripts/build-depth-lexicon.ts) and hand-written keywords
 * (data/category-depth-aliases.json). One trie per branch, built at load; an appeal is scanned once,
 * leftmost-longest, and only in the predicted branch, so evidence is always a whole lexicon word
 * ("公交车" beats "公交" inside it; never a character fragment such as "业费") and the cost is a few µs.
 * A word shared by several level-2 nodes counts 1/k for each; a title hit counts double; a level-3
 * hit also counts half for its level-2 parent. Measured on 500 hand-labelled dev appeals (README).
 */
import { readFileSync } from 'node:fs';

export interface CategoryCandidate {
  /** Names from level 1 down: [一级, 二级] or [一级, 二级, 三级]. */
  path: string[];
  /** Sum of the evidence weights (0 for a fallback that only fills the list). */
  score: number;
  /** The words found, best first (at most 5). */
  evidence: string[];
}

interface LexiconNode {
  path: string[];
  terms: string[];
}

// The trie as one integer-keyed map: state × 65536 + UTF-16 code → next state (state 0 is the root).
// One Map of small integers is about twice as fast to walk as a Map per node.
interface Trie {
  next: Map<number, number>;
  /** Per state: the term ending there (or undefined) and the tree-node indexes it names. */
  term: (string | undefined)[];
  nodes: (number[] | undefined)[];
  /** Per state with a term: its weight (1/k for k level-2 nodes sharing it). */
  weight: number[];
}

interface Branch {
  nodes: LexiconNode[];
  /** Index of each node's level-2 ancestor (itself for a level-2 node). */
  level2Of: number[];
  /** Weight of each term for each node it names: 1/k when k level-2 nodes share it. */
  weight: Map<string, number>;
  trie: Trie;
  /** One bit per UTF-16 code that begins some term (8 KB, stays in cache): most positions skip the trie.
   * A 1 MB pair table was tried first: as fast alone, but it evicted the category weights and cost the
   * whole pipeline ~25 µs an appeal. */
  starts: Uint32Array;
  /** Level-2 nodes in tree order, for filling the list when fewer than three have evidence. */
  level2: number[];
  /** Scratch scores, one per node, zeroed again after each call (no allocation per appeal). */
  scores: Float64Array;
}

export const DEFAULT_DEPTH_LEXICON = new URL('../../data/category-depth-lexicon.json', import.meta.url);

export class CategoryDepth {
  private readonly branches = new Map<string, Branch>();

  constructor(lexicon: { branches: Record<string, LexiconNode[]> }) {
    for (const [name, nodes] of Object.entries(lexicon.branches)) {
      const level2Of = nodes.map((n) => nodes.findIndex((m) => m.path.length === 2 && m.path[1] === n.path[1]));
      const level2Sharing = new Map<string, Set<number>>();
      nodes.forEach((n, i) => n.terms.forEach((t) => (level2Sharing.get(t) ?? level2Sharing.set(t, new Set()).get(t)!).add(level2Of[i])));
      const weight = new Map([...level2Sharing].map(([t, s]) => [t, 1 / s.size]));
      const trie: Trie = { next: new Map(), term: [undefined], nodes: [undefined], weight: [0] };
      const starts = new Uint32Array(2048);
      nodes.forEach((n, i) => {
        for (const term of n.terms) {
          const c0 = term.charCodeAt(0);
          starts[c0 >>> 5] |= 1 << (c0 & 31);
          let state = 0;
          for (let k = 0; k < term.length; k++) {
            const key = state * 65536 + term.charCodeAt(k);
            let child = trie.next.get(key);
            if (child === undefined) {
              child = trie.term.length;
              trie.term.push(undefined);
              trie.nodes.push(undefined);
              trie.weight.push(0);
              trie.next.set(key, child);
            }
            state = child;
          }
          trie.term[state] = term;
          trie.weight[state] = weight.get(term)!;
          (trie.nodes[state] ??= []).push(i);
        }
      });
      const level2 = nodes.map((n, i) => (n.path.length === 2 && n.path[1] !== '其他' ? i : -1)).filter((i) => i >= 0);
      this.branches.set(name, { nodes, level2Of, weight, trie, starts, level2, scores: new Float64Array(nodes.length) });
    }
  }

  /** Level-1 names the lexicon covers. */
  get branchNames(): string[] {
    return [...this.branches.keys()];
  }

  /**
   * Up to `limit` paths under `branch`, best first; nodes without evidence fill the list in tree order
   * (score 0, no evidence) so the agent always has three to pick from. Texts must be normalised
   * (normalizeText: NFKC, lower case, simplified).
   */
  suggest(branch: string, title: string, content: string, limit = 3): CategoryCandidate[] {
    const b = this.branches.get(branch);
    if (!b) return [];
    const scores = b.scores;
    // Hits as (trie state, weight) pairs; evidence is gathered from them only for the three shown.
    const hits: number[] = [];
    if (title) scanInto(b, title, title.length, 2, hits);
    // The first 200 characters state the matter; the rest is mostly narrative. Measured on the 500: top-3
    // 0.944 at 200 characters, 0.952 on the whole text, for ~6 µs an appeal instead of ~8 (README).
    scanInto(b, content, Math.min(content.length, 200), 1, hits);

    const ranked = b.level2.filter((i) => scores[i] > 0).sort((x, y) => scores[y] - scores[x] || x - y);
    for (const i of b.level2) if (ranked.length < limit && !ranked.includes(i)) ranked.push(i);
    const out = ranked.slice(0, limit).map((l2) => {
      // The deepest node with evidence of its own under this level-2 node, if any.
      let deepest = l2;
      for (let n = 0; n < b.nodes.length; n++)
        if (b.level2Of[n] === l2 && n !== l2 && scores[n] > 0 && (deepest === l2 || scores[n] > scores[deepest])) deepest = n;
      const found = new Map<string, number>();
      for (let h = 0; h < hits.length; h += 2) {
        if (!b.trie.nodes[hits[h]]!.some((n) => b.level2Of[n] === l2)) continue;
        const term = b.trie.term[hits[h]]!;
        found.set(term, (found.get(term) ?? 0) + hits[h + 1]);
      }
      const evidence = [...found]
        .sort((x, y) => y[1] - x[1] || y[0].length - x[0].length)
        .slice(0, 5)
        .map(([t]) => t);
      return { path: b.nodes[deepest].path, score: Math.round(scores[l2] * 100) / 100, evidence };
    });
    // Zero the scratch scores for the next call: only nodes named by a hit were touched.
    for (let h = 0; h < hits.length; h += 2) for (const n of b.trie.nodes[hits[h]]!) scores[n] = scores[b.level2Of[n]] = 0;
    return out;
  }
}

/** One leftmost-longest pass over text[0, end): adds each hit's weight × factor to its nodes' scores. */
function scanInto(b: Branch, text: string, end: number, factor: number, hits: number[]): void {
  const { starts, trie, scores, level2Of } = b;
  for (let i = 0; i < end;) {
    const first = text.charCodeAt(i);
    if (!(starts[first >>> 5] & (1 << (first & 31)))) {
      i++;
      continue;
    }
    let state = trie.next.get(first);
    let best = 0;
    let bestEnd = i;
    for (let j = i + 1; state !== undefined; j++) {
      if (trie.term[state] !== undefined) {
        best = state;
        bestEnd = j;
      }
      if (j >= end) break;
      state = trie.next.get(state * 65536 + text.charCodeAt(j));
    }
    if (best === 0) {
      i++;
      continue;
    }
    const w = trie.weight[best] * factor;
    for (const n of trie.nodes[best]!) {
      const l2 = level2Of[n];
      scores[n] += w;
      if (n !== l2) scores[l2] += w / 2;
    }
    hits.push(best, w);
    i = bestEnd;
  }
}

/** Loads the shipped lexicon (data/category-depth-lexicon.json) or another file. */
export function loadCategoryDepth(file: string | URL = DEFAULT_DEPTH_LEXICON): CategoryDepth {
  return new CategoryDepth(JSON.parse(readFileSync(file, 'utf8')));
}
