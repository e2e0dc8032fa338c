/**
 * Turns an appeal into feature strings: character n-grams and, optionally, jieba words.
 *
 * Title features get their own namespace ("t:") as well as the shared one: a title is a
 * one-line summary written by the citizen, so its words carry more signal per character than
 * the body, and a separate namespace lets the model weight them independently.
 */
import { createRequire } from 'node:module';
import type { Jieba } from '@node-rs/jieba';
import { maskAnonymisedCodes, normalizeText } from '../text/normalize.js';

export interface TokenizerConfig {
  /** Smallest and largest character n-gram length; 0/0 disables character features. */
  charMin: number;
  charMax: number;
  /** Add jieba word unigrams. */
  words: boolean;
  /** Add title-namespaced copies of the title features. */
  titleNamespace: boolean;
}

export const DEFAULT_TOKENIZER: TokenizerConfig = { charMin: 1, charMax: 2, words: false, titleNamespace: true };

// Loaded on first use only: the shipped model uses character n-grams, so the native addon and
// its 5 MB dictionary stay out of start-up unless a word-feature model is loaded.
let jieba: Jieba | null = null;
function segmenter(): Jieba {
  if (!jieba) {
    const require = createRequire(import.meta.url);
    const { Jieba: JiebaClass } = require('@node-rs/jieba') as typeof import('@node-rs/jieba');
    const { dict } = require('@node-rs/jieba/dict.js') as { dict: Uint8Array };
    jieba = JiebaClass.withDict(dict);
  }
  return jieba;
}

// Characters that carry no topic: punctuation, symbols, spaces. N-grams never span them.
const SEPARATOR = /[\s\p{P}\p{S}]+/u;

function charNgrams(text: string, min: number, max: number, prefix: string, out: string[]): void {
  for (const chunk of text.split(SEPARATOR)) {
    const chars = Array.from(chunk);
    for (let i = 0; i < chars.length; i++) {
      let gram = '';
      for (let n = 1; n <= max && i + n <= chars.length; n++) {
        gram += chars[i + n - 1];
        if (n >= min) out.push(prefix + gram);
      }
    }
  }
}

function wordTokens(text: string, prefix: string, out: string[]): void {
  for (const word of segmenter().cut(text, false)) {
    if (SEPARATOR.test(word) && word.replace(SEPARATOR, '') === '') continue;
    out.push(prefix + 'w:' + word);
  }
}

/** Model-side view of one appeal after normalisation and code masking. */
export function prepare(title: string | null | undefined, content: string | null | undefined) {
  return prepareNormalized(normalizeText(title ?? ''), normalizeText(content ?? ''));
}

/** As prepare, for title and content already normalised with normalizeText. */
export function prepareNormalized(title: string, content: string) {
  return { title: maskAnonymisedCodes(title), content: maskAnonymisedCodes(content) };
}

/** Separator test shared with the vectoriser's fast path, so both split text identically. */
export function isSeparator(ch: string): boolean {
  const code = ch.charCodeAt(0);
  if (ch.length === 1) {
    // Cache per BMP code unit: 1 = separator, 2 = not; a regex test per character is slow.
    const cached = separatorCache[code];
    if (cached) return cached === 1;
    const sep = SEPARATOR.test(ch);
    separatorCache[code] = sep ? 1 : 2;
    return sep;
  }
  return SEPARATOR.test(ch);
}
const separatorCache = new Uint8Array(0x10000);
/** Read-only view of the separator cache for hot loops: 0 = not yet known, 1 = separator, 2 = not. */
export const separatorTable: Readonly<Uint8Array> = separatorCache;

/** Feature strings of one appeal (with repeats: counts become term frequencies). */
export function tokenize(title: string | null | undefined, content: string | null | undefined, cfg: TokenizerConfig): string[] {
  return tokenizePrepared(prepare(title, content), cfg);
}

/** As tokenize, for text already passed through prepare(). */
export function tokenizePrepared(p: { title: string; content: string }, cfg: TokenizerConfig): string[] {
  const out: string[] = [];
  for (const [text, isTitle] of [
    [p.title, true],
    [p.content, false],
  ] as const) {
    if (!text) continue;
    if (cfg.charMax > 0) charNgrams(text, cfg.charMin, cfg.charMax, '', out);
    if (cfg.words) wordTokens(text, '', out);
    if (isTitle && cfg.titleNamespace) {
      if (cfg.charMax > 0) charNgrams(text, Math.max(cfg.charMin, 1), cfg.charMax, 't:', out);
      if (cfg.words) wordTokens(text, 't:', out);
    }
  }
  return out;
}
