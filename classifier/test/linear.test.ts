import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/category/metrics.js';
import { fitTemperature } from '../src/category/train.js';
import { scores, trainOneVsRest } from '../src/category/linear-svm.js';
import type { SparseVector } from '../src/category/sparse.js';

const vec = (pairs: [number, number][]): SparseVector => ({
  indices: Int32Array.from(pairs.map((p) => p[0])),
  values: Float32Array.from(pairs.map((p) => p[1])),
});

describe('one-vs-rest linear SVM', () => {
  // Three classes, each marked by its own feature plus shared noise features.
  const rows: SparseVector[] = [];
  const labels: number[] = [];
  for (let i = 0; i < 60; i++) {
    const c = i % 3;
    rows.push(
      vec([
        [c, 1],
        [3 + (i % 2), 0.5],
      ]),
    );
    labels.push(c);
  }
  const opts = { c: 1, maxIterations: 100, tolerance: 1e-4, seed: 3 };

  it('separates linearly separable classes', () => {
    const m = trainOneVsRest(rows, Int32Array.from(labels), 3, 5, opts);
    const predicted = rows.map((r) => {
      const s = scores(m, r);
      return s.indexOf(Math.max(...s));
    });
    expect(predicted).toEqual(labels);
  });

  it('is reproducible: same seed, same weights', () => {
    const a = trainOneVsRest(rows, Int32Array.from(labels), 3, 5, opts);
    const b = trainOneVsRest(rows, Int32Array.from(labels), 3, 5, opts);
    expect(Buffer.from(a.weights.buffer).equals(Buffer.from(b.weights.buffer))).toBe(true);
  });
});

describe('metrics', () => {
  it('computes accuracy, per-class F1, macro-F1 and the confusion matrix', () => {
    const e = evaluate(['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'b'], ['a', 'b']);
    expect(e.accuracy).toBe(0.75);
    expect(e.confusion).toEqual([
      [1, 1],
      [0, 2],
    ]);
    expect(e.perClass[0].f1).toBeCloseTo(2 / 3);
    expect(e.perClass[1].f1).toBeCloseTo(0.8);
    expect(e.macroF1).toBeCloseTo((2 / 3 + 0.8) / 2);
  });
});

describe('temperature calibration', () => {
  it('sharpens scores that are right more often than their softmax claims', () => {
    const oof = Array.from({ length: 100 }, (_, i) => ({ s: Float64Array.from([0.2, -0.2]), y: i < 95 ? 0 : 1 }));
    expect(fitTemperature(oof)).toBeGreaterThan(5);
  });

  it('flattens scores that are overconfident', () => {
    const oof = Array.from({ length: 100 }, (_, i) => ({ s: Float64Array.from([5, -5]), y: i < 60 ? 0 : 1 }));
    expect(fitTemperature(oof)).toBeLessThan(0.2);
  });
});
