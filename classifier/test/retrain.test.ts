// Retrains the shipped model from the committed data and checks it is the same model: same
// version hash (weights, vocabulary and type weights are bit-identical) and the same dev score.
// Calibration folds are skipped to stay well under a minute on 2 cores; they only set the
// softmax temperature, which changes confidences but never which category wins.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/category/metrics.js';
import { DEFAULT_TRAIN_CONFIG, trainCategoryModel } from '../src/category/train.js';
import { latestModelPath, readModel } from '../src/model-store.js';
import { loadTrainingData } from '../src/training-data.js';

// The figure the README reports (npm run classifier:train, dev.jsonl).
const SHIPPED_DEV_MACRO_F1 = 0.9185;

describe('shipped category model', () => {
  const shipped = readModel(latestModelPath());
  const data = loadTrainingData();
  const devScore = (predict: (t: string | null, c: string) => string) =>
    evaluate(
      data.dev.map((r) => r.category),
      data.dev.map((r) => predict(r.title, r.content)),
      shipped.data.labels,
    );

  it('scores the reported macro-F1 on dev', () => {
    const e = devScore((t, c) => shipped.predict(t, c).category);
    expect(e.macroF1).toBeCloseTo(SHIPPED_DEV_MACRO_F1, 4);
    expect(readFileSync(latestModelPath().replace(/\.json\.gz$/, '.eval.txt'), 'utf8')).toContain(`macro-F1: ${e.macroF1.toFixed(4)}`);
  });

  it('is reproduced exactly by retraining on the committed data', { timeout: 300_000 }, () => {
    expect(shipped.data.createdFrom.corrections).toBe(0);
    const prefix = shipped.version.split('-')[0];
    const retrained = trainCategoryModel(
      { rows: data.train, typeTexts: data.typeTexts, versionPrefix: prefix },
      { ...DEFAULT_TRAIN_CONFIG, calibrationFolds: 0 },
    );
    expect(retrained.version).toBe(shipped.version);
    const e = devScore((t, c) => retrained.predict(t, c).category);
    expect(e.macroF1).toBeCloseTo(SHIPPED_DEV_MACRO_F1, 4);
  });
});
