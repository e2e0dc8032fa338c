import { describe, expect, it } from 'vitest';
import type { Measure } from './api';
import { crossValue, evaluateOver, formatFigure, formatGrowth, lastDays, monthOf, monthRange, sortForChart, splitMeasures } from './format';

const m = (code: string, over: Partial<Measure> = {}): Measure => ({
  code,
  name: code,
  nameEn: code,
  kind: 'ratio',
  definition: `${code} = …`,
  definitionEn: null,
  numerator: {},
  denominator: null,
  lowerIsBetter: false,
  ...over,
});

describe('formatFigure', () => {
  it('reads ratios as percentages with one decimal, counts whole, averages with one decimal', () => {
    expect(formatFigure(0.5, 'ratio')).toBe('50.0%');
    expect(formatFigure(2 / 3, 'ratio')).toBe('66.7%');
    expect(formatFigure(1, 'ratio', 'en')).toBe('100.0%');
    expect(formatFigure(12345, 'count', 'en')).toBe('12,345');
    expect(formatFigure(14.16, 'average')).toBe('14.2');
  });

  it('shows a dash, not 0%, when there was nothing to divide by', () => {
    expect(formatFigure(null, 'ratio')).toBe('—');
    expect(formatFigure(undefined, 'average')).toBe('—');
    expect(formatFigure(0, 'ratio')).toBe('0.0%');
  });
});

describe('measures', () => {
  it("puts 三率 first in their fixed order, the rest in the centre's order", () => {
    const list = [m('return_rate'), m('satisfaction_rate'), m('overdue_count'), m('response_rate'), m('resolution_rate')];
    const { headline, others } = splitMeasures(list);
    expect(headline.map((x) => x.code)).toEqual(['response_rate', 'resolution_rate', 'satisfaction_rate']);
    expect(others.map((x) => x.code)).toEqual(['return_rate', 'overdue_count']);
  });

  it('combines rows as Σ numerator ÷ Σ denominator (the server formula), not as an average of ratios', () => {
    const sat = { numerator: { r5: 1, r4: 1, r3: 1 }, denominator: { r1: 1, r2: 1, r3: 1, r4: 1, r5: 1 } };
    // 1 of 1 on phone, 1 of 3 on web: 2 of 4 = 50%, where averaging the two ratios would say 66.7%.
    expect(evaluateOver(sat, [{ r5: 1 }, { r4: 1, r1: 2 }])).toBe(0.5);
    expect(evaluateOver(sat, [{}, { received: 3 }])).toBeNull();
    expect(evaluateOver({ numerator: { closed: 1, closed_on_time: -1 }, denominator: null }, [{ closed: 3, closed_on_time: 2 }, { closed: 1 }])).toBe(2);
  });

  it('sorts chart bars best first, ascending when lower is better, and drops groups without a figure', () => {
    const rows = [
      { name: 'a', value: 0.2 },
      { name: 'b', value: null },
      { name: 'c', value: 0.9 },
    ];
    expect(sortForChart(rows, false).map((r) => r.name)).toEqual(['c', 'a']);
    expect(sortForChart(rows, true).map((r) => r.name)).toEqual(['a', 'c']);
  });
});

describe('periods', () => {
  it('turns a month into its first and last day, leap years included', () => {
    expect(monthRange('2026-11')).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(monthRange('2028-02')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(monthRange('2026-12')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
  });

  it('recognises a whole month, and only a whole month', () => {
    expect(monthOf({ from: '2026-11-01', to: '2026-11-30' })).toBe('2026-11');
    expect(monthOf({ from: '2026-11-01', to: '2026-11-29' })).toBeNull();
  });

  it('counts the last N days including today', () => {
    expect(lastDays(30, new Date(2026, 10, 26, 15))).toEqual({ from: '2026-10-28', to: '2026-11-26' });
    expect(lastDays(1, new Date(2026, 0, 1))).toEqual({ from: '2026-01-01', to: '2026-01-01' });
    // 18:59 UTC is 02:59 the next day in Beijing: the reports' "today" is the China day.
    expect(lastDays(1, new Date('2026-12-05T18:59:00Z'))).toEqual({ from: '2026-12-06', to: '2026-12-06' });
  });
});

describe('formatGrowth', () => {
  it('signs the change and calls a cluster with no earlier appeals new', () => {
    expect(formatGrowth(1.5, 2)).toEqual({ text: '+150%', isNew: false });
    expect(formatGrowth(-0.2, 5)).toEqual({ text: '−20%', isNew: false });
    expect(formatGrowth(0, 3)).toEqual({ text: '±0%', isNew: false });
    expect(formatGrowth(3, 0)).toEqual({ text: 'new', isNew: true });
  });
});

describe('crossValue', () => {
  const sum = (received: number, rate: number | null) => ({ counters: { received }, figures: { response_rate: rate } });
  const table = {
    rows: [{ key: 'u1', name: '市住建局', total: sum(5, 0.8) }],
    cols: [
      { key: 'A', name: '城乡建设', total: sum(5, 0.8) },
      { key: 'B', name: '环境保护', total: sum(0, null) },
    ],
    cells: [{ row: 'u1', col: 'A', ...sum(5, 0.8) }],
    total: sum(5, 0.8),
  };
  it('reads a measure or a raw counter per cell, the row total for no column, and null for an empty cell', () => {
    expect(crossValue(table, 'u1', 'A', 'response_rate')).toBe(0.8);
    expect(crossValue(table, 'u1', 'A', 'received')).toBe(5);
    expect(crossValue(table, 'u1', null, 'received')).toBe(5);
    expect(crossValue(table, 'u1', 'B', 'received')).toBeNull();
    expect(crossValue(table, 'u9', null, 'received')).toBeNull();
  });
});
