import { describe, expect, it } from 'vitest';
import { readJsonl, type LabelledAppeal } from '../src/data.js';
import { tokenize } from '../src/category/tokenize.js';
import { Vectorizer } from '../src/category/vectorizer.js';
import { DATA_DIR } from '../src/training-data.js';
import { latestModelPath, readModel } from '../src/model-store.js';

describe('tokenize', () => {
  const cfg = { charMin: 1, charMax: 2, words: false, titleNamespace: true };

  it('makes character 1–2-grams that never span punctuation, plus title copies', () => {
    expect(tokenize('停车难', '乱收费！请管', cfg)).toEqual([
      '停',
      '停车',
      '车',
      '车难',
      '难',
      't:停',
      't:停车',
      't:车',
      't:车难',
      't:难',
      '乱',
      '乱收',
      '收',
      '收费',
      '费',
      '请',
      '请管',
      '管',
    ]);
  });

  it('masks the data set anonymisation codes and digits', () => {
    expect(tokenize(null, 'A3区12号', { ...cfg, charMin: 2 })).toEqual(['某区', '区0', '0号']);
  });

  it('can add jieba words', () => {
    expect(tokenize('小区物业乱收停车费', '', { charMin: 0, charMax: 0, words: true, titleNamespace: false })).toContain('w:停车费');
  });
});

describe('fast vectoriser path', () => {
  // The integer n-gram table must give exactly the vectors the string path gives at training time,
  // or the shipped model would score live appeals differently from dev.
  it('equals the string path on real appeals and odd input', () => {
    const model = readModel(latestModelPath());
    const vec = model.vectorizer;
    const rows = readJsonl<LabelledAppeal>(`${DATA_DIR}/dev.jsonl.gz`).slice(0, 200);
    const odd = [
      { title: '學校強制補課😡', content: 'WiFi 很差 👎 𠀀 русский ¿qué?' },
      { title: null, content: '' },
      { title: '！！', content: '。。。' },
    ];
    for (const r of [...rows, ...odd]) {
      const fast = vec.transform(r.title, r.content);
      const slow = vec.transformTokens(tokenize(r.title, r.content, vec.state.tokenizer));
      expect(Array.from(fast.indices)).toEqual(Array.from(slow.indices));
      expect(Array.from(fast.values)).toEqual(Array.from(slow.values));
    }
  });

  it('fit keeps terms seen in at least minDf documents, sorted', () => {
    const v = Vectorizer.fit([['b', 'a'], ['a'], ['c']], { charMin: 1, charMax: 1, words: false, titleNamespace: false }, 2);
    expect(v.state.terms).toEqual(['a']);
  });
});
