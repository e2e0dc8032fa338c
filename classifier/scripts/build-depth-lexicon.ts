/**
 * Builds data/category-depth-lexicon.json, the words the depth suggestion (src/category/depth.ts) looks for under
 * each node of the demo tree: the node's own name segmented by jieba (whole words, not character fragments) plus the
 * hand-written keywords of data/category-depth-aliases.json. jieba runs here, offline, and not per appeal: loading
 * it costs ~0.4 s and segmenting one appeal ~100 µs, half the pipeline's budget.
 * Usage: npx tsx classifier/scripts/build-depth-lexicon.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

interface TreeNode {
  name: string;
  children?: TreeNode[];
}
const dir = new URL('../data/', import.meta.url).pathname;
const tree = JSON.parse(readFileSync(`${dir}taxonomy.json`, 'utf8')) as TreeNode;
const aliases = JSON.parse(readFileSync(`${dir}category-depth-aliases.json`, 'utf8')) as Record<string, string[] | string>;
const require = createRequire(import.meta.url);
const { Jieba } = require('@node-rs/jieba') as typeof import('@node-rs/jieba');
const { dict } = require('@node-rs/jieba/dict.js') as { dict: Uint8Array };
const jieba = Jieba.withDict(dict);

// Words of node names that name no topic on their own.
const STOP = new Set(['其他', '管理', '问题', '建设', '和', '与', '及', '上', '的', '政策', '服务', '事业', '体制', '市场', '发展', '处理', '标准']);
const norm = (s: string) => s.normalize('NFKC').toLowerCase().trim();

export interface LexiconNode {
  path: string[];
  terms: string[];
}
const branches: Record<string, LexiconNode[]> = {};
for (const l1 of tree.children ?? []) {
  const nodes: LexiconNode[] = [];
  const visit = (n: TreeNode, path: string[]) => {
    const words = jieba
      .cut(n.name, false)
      .map(norm)
      .filter((w) => w.length >= 2 && !STOP.has(w));
    const hand = aliases[path.join('/')];
    // A single character is too weak a word to count (村, 镇) and would defeat the runtime's pair filter.
    const terms = [...new Set([...words, ...(Array.isArray(hand) ? hand.map(norm) : [])])].filter((t) => t.length >= 2);
    nodes.push({ path, terms });
    for (const c of n.children ?? []) if (c.name !== '其他') visit(c, [...path, c.name]);
  };
  for (const l2 of l1.children ?? []) visit(l2, [l1.name, l2.name]);
  branches[l1.name] = nodes;
}
const unused = Object.keys(aliases).filter(
  (k) =>
    !k.startsWith('_') &&
    !Object.values(branches)
      .flat()
      .some((n) => n.path.join('/') === k),
);
if (unused.length) throw new Error(`aliases for nodes not in the tree: ${unused.join(', ')}`);
writeFileSync(
  `${dir}category-depth-lexicon.json`,
  JSON.stringify({ source: 'taxonomy.json + category-depth-aliases.json, names segmented by @node-rs/jieba', branches }) + '\n',
);
const count = Object.values(branches).flat();
console.log(`${count.length} nodes, ${new Set(count.flatMap((n) => n.terms)).size} distinct terms`);
