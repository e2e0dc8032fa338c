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
  // One scan doing what three replaces in a row did (kept in maskAnonymisedCodesByRegex, which the
  // tests compare it with): 1. [a-n] + at most 2 digits + 市/区/县 → 某 + that character;
  // 2. u/a + 6 or more digits → a space; 3. every other run of digits → 0. The three kinds of
  // match never overlap, so doing them in one left-to-right pass gives the same text. Text
  // without a digit or a code letter before 市/区/县 is returned as it is.
  let out = '';
  let copied = 0;
  const len = text.length;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    const letter = c >= 0x61 && c <= 0x6e; // a-n
    if (!letter && c !== 0x75 && (c < 0x30 || c > 0x39)) continue;
    let end = i + 1;
    while (end < len && isDigit(text.charCodeAt(end))) end++;
    const digits = end - i - 1;
    let replacement: string;
    if (letter && digits <= 2 && end < len && isCodeSuffix(text.charCodeAt(end))) {
      replacement = '某' + text[end];
      end++;
    } else if ((c === 0x75 || c === 0x61) && digits >= 6) replacement = ' ';
    else if (!letter && c !== 0x75) replacement = '0';
    else continue; // a letter that starts no code: its digits are masked from their own position
    out += text.slice(copied, i) + replacement;
    copied = end;
    i = end - 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isCodeSuffix(c: number): boolean {
  return c === 0x5e02 || c === 0x533a || c === 0x53bf; // 市 区 县
}

/** The three-replace definition of maskAnonymisedCodes, for tests. */
export function maskAnonymisedCodesByRegex(text: string): string {
  return text
    .replace(/[a-n]\d{0,2}(市|区|县)/g, '某$1')
    .replace(/[ua]\d{6,}/g, ' ')
    .replace(/\d+/g, '0');
}
