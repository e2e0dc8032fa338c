// Agent corrections become training rows of a new model version (categories.md §4).
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN_CONFIG, trainCategoryModel } from '../src/category/train.js';
import { latestModelPath, readModel } from '../src/model-store.js';
import { loadTrainingData } from '../src/training-data.js';

describe('training with agent corrections', () => {
  it('learns what agents corrected and gets a new version', { timeout: 300_000 }, () => {
    const shipped = readModel(latestModelPath());
    const text = { title: '驾校科目二考试预约不上', content: '驾校科目二考试一直约不上，驾校说名额不够' };
    const before = shipped.predict(text.title, text.content).category;
    expect(before).not.toBe('交通运输');

    const data = loadTrainingData();
    const corrections = Array.from({ length: 8 }, (_, i) => ({
      id: `correction-${i}`,
      title: `驾校科目${['一', '二', '三', '四'][i % 4]}考试预约难`,
      content: `驾校考试一直预约不上，驾校说考试名额不够，第${i + 1}次反映`,
      category: '交通运输',
    }));
    const updated = trainCategoryModel(
      { rows: data.train, corrections, typeTexts: data.typeTexts, versionPrefix: 'v99' },
      { ...DEFAULT_TRAIN_CONFIG, calibrationFolds: 0 },
    );
    expect(updated.version).toMatch(/^v99-/);
    expect(updated.data.createdFrom.corrections).toBe(8);
    expect(updated.predict(text.title, text.content).category).toBe('交通运输');
  });

  it('rejects a correction with a category the model does not know', () => {
    const data = loadTrainingData();
    expect(() =>
      trainCategoryModel(
        { rows: data.train.slice(0, 50), corrections: [{ id: 'x', title: null, content: '测试', category: '不存在' }], typeTexts: [], versionPrefix: 'v0' },
        { ...DEFAULT_TRAIN_CONFIG, calibrationFolds: 0 },
      ),
    ).toThrow(/unknown category "不存在"/);
  });
});
