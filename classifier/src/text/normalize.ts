/**
 * Text normalisation shared by every classifier stage.
 *
 * Why one function: the category model, the rule layers and the duplicate index must all see
 * the same characters, otherwise a traditional-script or full-width message scores differently
 * from its simplified twin.
 */
import * as OpenCC from 'opencc-js/t2cn';
import { TRADITIONAL_CHARS } from './traditional-chars.js';

/** Longest input we analyse. Longer appeals are cut: the first 20 000 characters decide the
 * category, and a bounded cost keeps one pasted 1 MB document from stalling intake. */
export const MAX_ANALYSED_CHARS = 20_000;

let toSimplified: ((s: string) => string) | null = null;
function simplify(text: string): string {
  // The opencc converter builds its tries on first use (~100 ms), so it is made lazily.
  if (!toSimplified) toSimplified = OpenCC.Converter({ from: 'hk', to: 'cn' }) as (s: string) => string;
  return toSimplified(text);
}

// Characters opencc would change on their own (generated list, see traditional-chars.ts).
// Texts without any of them skip opencc, which is most of the cost of normalising
// simplified-Chinese appeals, and avoids opencc's phrase rules rewriting simplified text
// (hk → cn turns 破坏 into 破坯).
const convertible = new Uint8Array(0x10000);
for (let i = 0; i < TRADITIONAL_CHARS.length; i++) convertible[TRADITIONAL_CHARS.charCodeAt(i)] = 1;
function needsConversion(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (convertible[text.charCodeAt(i)]) return true;
  return false;
}

/**
 * Normalises appeal text: NFKC (full-width letters/digits to ASCII), traditional to simplified
 * Chinese, lower-case Latin, collapsed whitespace, and a length cap.
 */
export function normalizeText(raw: string): string {
  let text = raw.length > MAX_ANALYSED_CHARS ? raw.slice(0, MAX_ANALYSED_CHARS) : raw;
  text = text.normalize('NFKC').toLowerCase();
  if (needsConversion(text)) text = simplify(text);
  return text.replace(/\s+/g, ' ').trim();
}

/** Joins title and body as the models expect; title may be missing (null/undefined). */
export function joinTitleContent(title: string | null | undefined, content: string | null | undefined): string {
  const t = (title ?? '').trim();
  const c = (content ?? '').trim();
  if (!t) return c;
  if (!c) return t;
  return `${t}。${c}`;
}

/**
 * Replaces the data set's anonymisation codes (A市, A3区, B6县, U0008488) with neutral tokens,
 * so the category model does not learn fake geography as if it were a topic.
 */
export function maskAnonymisedCodes(text: string): string {
  return text
    .replace(/[a-n]\d{0,2}(市|区|县)/g, '某$1')
    .replace(/[ua]\d{6,}/g, ' ')
    .replace(/\d+/g, '0');
}
