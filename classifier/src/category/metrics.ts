/** Classification metrics: accuracy, per-class precision/recall/F1, macro-F1, confusion matrix. */
export interface ClassReport {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Evaluation {
  accuracy: number;
  macroF1: number;
  perClass: ClassReport[];
  /** confusion[gold][predicted] */
  confusion: number[][];
  labels: string[];
  count: number;
}

export function evaluate(gold: string[], predicted: string[], labels: string[]): Evaluation {
  const at = new Map(labels.map((l, i) => [l, i]));
  const confusion = labels.map(() => labels.map(() => 0));
  let correct = 0;
  gold.forEach((g, i) => {
    const gi = at.get(g);
    const pi = at.get(predicted[i]);
    if (gi === undefined || pi === undefined) throw new Error(`unknown label: ${gi === undefined ? g : predicted[i]}`);
    confusion[gi][pi]++;
    if (gi === pi) correct++;
  });
  const perClass = labels.map((label, c) => {
    const tp = confusion[c][c];
    const support = confusion[c].reduce((a, b) => a + b, 0);
    const predictedCount = confusion.reduce((a, row) => a + row[c], 0);
    const precision = predictedCount ? tp / predictedCount : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  const withSupport = perClass.filter((c) => c.support > 0);
  const macroF1 = withSupport.reduce((a, c) => a + c.f1, 0) / Math.max(1, withSupport.length);
  return { accuracy: gold.length ? correct / gold.length : 0, macroF1, perClass, confusion, labels, count: gold.length };
}

/** Human-readable report (CLI and the evaluation file written at training time). */
export function formatEvaluation(e: Evaluation): string {
  // ASCII (\x00-\x7f) is one column wide, the rest two: the control range is part of that class on purpose.
  // eslint-disable-next-line no-control-regex -- see above
  const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - [...s].length * 2 + (s.match(/[\x00-\x7f]/g)?.length ?? 0)));
  const lines = [
    `items: ${e.count}`,
    `accuracy: ${e.accuracy.toFixed(4)}`,
    `macro-F1: ${e.macroF1.toFixed(4)}`,
    '',
    `${pad('class', 16)} precision  recall     f1  support`,
    ...e.perClass.map(
      (c) =>
        `${pad(c.label, 16)} ${c.precision.toFixed(3).padStart(9)} ${c.recall.toFixed(3).padStart(7)} ${c.f1.toFixed(3).padStart(6)} ${String(c.support).padStart(8)}`,
    ),
    '',
    'confusion (rows = gold, columns = predicted, same order):',
    ...e.confusion.map((row, i) => `${pad(e.labels[i], 16)} ${row.map((v) => String(v).padStart(4)).join('')}`),
  ];
  return lines.join('\n');
}
