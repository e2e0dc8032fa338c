import { describe, expect, it } from 'vitest';
import { readJsonl } from '../src/data.js';
import { maskAnonymisedCodes, maskAnonymisedCodesByRegex, normalizeText } from '../src/text/normalize.js';
import { DATA_DIR } from '../src/training-data.js';

describe('maskAnonymisedCodes: the data set’s fake places and user ids are not topics', () => {
  it('masks district codes, user ids and digits as the three replaces it stands for', () => {
    expect(maskAnonymisedCodes('a市a3区b6县的u0008488在2019年反映')).toBe('某市某区某县的 在0年反映');
    expect(maskAnonymisedCodes('没有代码的文本')).toBe('没有代码的文本');
    expect(maskAnonymisedCodes('a123区 u12345 a1234567 b12 5b12区')).toBe('a0区 u0   b0 0某区');
  });

  it('gives exactly the regex result on every appeal of the data and on 20,000 random strings', () => {
    const texts: string[] = [];
    for (const file of ['dev.jsonl.gz', 'unlabelled.jsonl.gz', 'train.jsonl.gz'])
      for (const r of readJsonl<{ title: string | null; content: string }>(`${DATA_DIR}/${file}`))
        texts.push(normalizeText(r.title ?? ''), normalizeText(r.content));
    let seed = 11;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), seed / 4294967296);
    const alphabet = [...'abmnouz0123456789市区县某 ', 'x'];
    for (let i = 0; i < 20_000; i++) texts.push(Array.from({ length: Math.floor(rand() * 24) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join(''));
    const differing = texts.filter((t) => maskAnonymisedCodes(t) !== maskAnonymisedCodesByRegex(t));
    expect(differing.slice(0, 5)).toEqual([]);
  });
});
