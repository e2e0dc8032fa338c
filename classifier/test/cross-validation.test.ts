// Choosing C by cross-validation (classifier:train --cv-only): a message's title-only, body-only
// and title+body rows must land in one fold, or a fold tests on text it was trained on.
import { describe, expect, it } from 'vitest';
import { crossValidate, messageFolds } from '../src/category/train.js';

describe('message-grouped folds', () => {
  it('keeps the rows of one message together and spreads the others', () => {
    const rows = [
      { title: '小区停水三天', content: '小区 停水三天，无人处理' },
      { title: null, content: '小区停水三天，无人处理' }, // body-only copy of row 0 (white space differs)
      { title: '公交线路调整', content: '' },
      { title: '小区停水三天', content: '' }, // title-only copy of row 0
      { title: '学校收费', content: '学校乱收费' },
      { title: '学校收费', content: '另一件事的正文' }, // same title: same message family
      { title: '医院排队', content: '医院排队太久' },
    ];
    const fold = messageFolds(rows, 5);
    expect(fold[1]).toBe(fold[0]);
    expect(fold[3]).toBe(fold[0]);
    expect(fold[5]).toBe(fold[4]);
    expect(new Set(fold).size).toBeGreaterThan(1);
  });

  it('scores every C on held-out title+body rows', () => {
    const topics: [string, string, string][] = [
      ['城乡建设', '停水', '小区停水没有通知'],
      ['教育文体', '学校', '学校乱收补课费'],
    ];
    const rows = Array.from({ length: 40 }, (_, i) => {
      const [category, word, body] = topics[i % 2];
      return { id: `r${i}`, title: `${word}问题${i}`, content: `${body}，第${i}次`, category };
    });
    const result = crossValidate(rows, [0.5, 2], undefined, 4);
    expect(result.map((r) => r.c)).toEqual([0.5, 2]);
    for (const r of result) {
      expect(r.foldMacroF1).toHaveLength(4);
      expect(r.testedRows).toBe(40);
      expect(r.meanMacroF1).toBe(1);
    }
  });
});
