import type { Locale } from '../../../i18n';
import type { CrossTable, Measure, MeasureKind } from './api';

/** 三率, shown first and large: the centre's headline figures (domain.md §5). */
export const HEADLINE = ['response_rate', 'resolution_rate', 'satisfaction_rate'] as const;

/**
 * One figure as a person reads it: ratios as percentages (one decimal), counts whole, averages
 * with one decimal. No denominator (null) reads as a dash, never as 0%, which would be a claim.
 */
export function formatFigure(value: number | null | undefined, kind: MeasureKind, locale: Locale = 'zh-CN'): string {
  if (value == null || !Number.isFinite(value)) return '—';
  const nf = (digits: number) => new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  if (kind === 'ratio') return `${nf(1).format(value * 100)}%`;
  if (kind === 'count') return nf(0).format(value);
  return nf(1).format(value);
}

export const measureName = (m: Pick<Measure, 'name' | 'nameEn'>, locale: Locale) => (locale === 'en' ? m.nameEn : m.name);
/** The definition in the reader's language; a centre's own rewritten text has no English and is shown as written. */
export const measureDefinition = (m: Pick<Measure, 'definition' | 'definitionEn'>, locale: Locale) =>
  locale === 'en' && m.definitionEn ? m.definitionEn : m.definition;

/** Headline measures first (in 三率 order), then the rest in the centre's configured order. */
export function splitMeasures(measures: Measure[]): { headline: Measure[]; others: Measure[] } {
  const headline = HEADLINE.map((c) => measures.find((m) => m.code === c)).filter((m): m is Measure => !!m);
  return { headline, others: measures.filter((m) => !(HEADLINE as readonly string[]).includes(m.code)) };
}

/** Growth against the previous period of equal length: "+150%", "−20%", or "new" when there was none before. */
export function formatGrowth(growth: number, previousCount: number): { text: string; isNew: boolean } {
  if (previousCount === 0) return { text: 'new', isNew: true };
  const pct = Math.round(growth * 100);
  return { text: `${pct > 0 ? '+' : pct < 0 ? '−' : '±'}${Math.abs(pct)}%`, isNew: false };
}

const iso = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/**
 * The last `days` days ending today, as the reports' from/to — China days (UTC+8, no summer time),
 * as the server counts them: between 16:00 and 24:00 UTC a browser on UTC would still be on yesterday
 * and leave out everything filed since Beijing's midnight.
 */
export function lastDays(days: number, now = new Date()) {
  const china = new Date(now.getTime() + 8 * 3600_000); // its UTC fields read Beijing's wall clock
  const from = new Date(Date.UTC(china.getUTCFullYear(), china.getUTCMonth(), china.getUTCDate() - (days - 1)));
  return { from: from.toISOString().slice(0, 10), to: china.toISOString().slice(0, 10) };
}

/** A month (YYYY-MM) as from/to: its first and last day. */
export function monthRange(month: string) {
  const [y, m] = month.split('-').map(Number);
  return { from: iso(new Date(y, m - 1, 1)), to: iso(new Date(y, m, 0)) };
}

/** The month a from/to pair covers exactly, if it does (so the month picker shows it). */
export function monthOf(p: { from: string; to: string }): string | null {
  const month = p.from.slice(0, 7);
  const r = monthRange(month);
  return r.from === p.from && r.to === p.to ? month : null;
}

/** Larger is better unless the measure says otherwise: the chart sorts best first. */
export function sortForChart<T extends { value: number | null }>(rows: T[], lowerIsBetter: boolean): T[] {
  return rows.filter((r) => r.value != null).sort((a, b) => (lowerIsBetter ? a.value! - b.value! : b.value! - a.value!));
}

/**
 * A measure over several rows' counters (e.g. every channel of one day): Σ numerator ÷ Σ denominator,
 * the server's formula (server/reports/measures.ts `evaluate`), never an average of the rows' ratios.
 */
export function evaluateOver(m: Pick<Measure, 'numerator' | 'denominator'>, counters: Record<string, number>[]): number | null {
  const sum = (w: Record<string, number>) => counters.reduce((s, c) => s + Object.entries(w).reduce((x, [k, v]) => x + v * (c[k] ?? 0), 0), 0);
  const num = sum(m.numerator);
  if (!m.denominator) return num;
  const den = sum(m.denominator);
  return den === 0 ? null : num / den;
}

/**
 * One cell of a cross table (col null = the row's total): a measure's figure, or a raw counter such
 * as `received` (受理量); null where no ticket fell in the cell.
 */
export function crossValue(t: CrossTable, row: string, col: string | null, value: string): number | null {
  const x = col === null ? t.rows.find((r) => r.key === row)?.total : t.cells.find((c) => c.row === row && c.col === col);
  if (!x) return null;
  return value in x.figures ? x.figures[value] : (x.counters[value] ?? null);
}
