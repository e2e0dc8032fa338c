/**
 * Report reads: sums over report_rollups (never over tickets), grouped by one dimension and
 * optionally by period, then each measure evaluated on the sums with its definition beside it.
 */
import { foldRollupDeltas } from './rollup';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../platform/context';
import { ROLLUP_DIMS, COUNTERS } from './tables';
import { evaluate, loadMeasures, sumCounters, type MeasureRow } from './measures';

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const ReportQuery = z.strictObject({
  from: Day,
  to: Day,
  by: z.enum(ROLLUP_DIMS).default('unit'),
  period: z.enum(['all', 'month', 'day']).default('all'),
  key: z.string().max(64).optional(),
  format: z.enum(['json', 'xlsx']).default('json'),
}).refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['from'] });
export type ReportQuery = z.infer<typeof ReportQuery>;

export const LeagueQuery = z.strictObject({
  from: Day, to: Day, measure: z.string().max(64).default('satisfaction_rate'), format: z.enum(['json', 'xlsx']).default('json'),
});
export type LeagueQuery = z.infer<typeof LeagueQuery>;

type Sums = Record<string, number>;
export interface ReportRow {
  key: string;
  name: string | null;
  period: string | null;
  counters: Sums;
  figures: Record<string, number | null>;
}

export function presentMeasure(m: MeasureRow) {
  return { code: m.code, name: m.nameZh, nameEn: m.nameEn, kind: m.kind, definition: m.definition, numerator: m.numerator,
    denominator: m.denominator, lowerIsBetter: m.lowerIsBetter };
}

const NAME: Record<string, ReturnType<typeof sql>> = {
  unit: sql`(select name from handling_units where id::text = r.key)`,
  region: sql`(select name from regions where code = r.key)`,
  category: sql`(select name from categories where code = r.key order by version desc limit 1)`,
  channel: sql`null::text`,
};

export async function measuresReport(ctx: Ctx, q: ReportQuery) {
  await foldRollupDeltas(ctx.db);
  const measures = await loadMeasures(ctx.db);
  const periodExpr = q.period === 'all' ? sql`null::text` : q.period === 'month' ? sql`to_char(r.day, 'YYYY-MM')` : sql`to_char(r.day, 'YYYY-MM-DD')`;
  const res = await ctx.db.execute<Record<string, unknown>>(sql`
    select g.*, ${NAME[q.by]} as name from (
      select r.key, ${periodExpr} as period, ${sumCounters}
      from report_rollups r
      where r.dim = ${q.by} and r.day between ${q.from}::date and ${q.to}::date ${q.key ? sql`and r.key = ${q.key}` : sql``}
      group by 1, 2) g, lateral (select g.key) r
    order by g.period nulls first, g.key`);
  const rows: ReportRow[] = res.rows.map((x) => toRow(x, measures));
  const totals: Sums = Object.fromEntries(COUNTERS.map((c) => [c, rows.reduce((s, r) => s + r.counters[c], 0)]));
  return {
    query: { from: q.from, to: q.to, by: q.by, period: q.period, key: q.key ?? null },
    measures: measures.map(presentMeasure),
    rows,
    total: { counters: totals, figures: figures(measures, totals) },
  };
}

function toRow(x: Record<string, unknown>, measures: MeasureRow[]): ReportRow {
  const counters: Sums = Object.fromEntries(COUNTERS.map((c) => [c, Number(x[c] ?? 0)]));
  return { key: String(x.key), name: (x.name as string) ?? null, period: (x.period as string) ?? null, counters, figures: figures(measures, counters) };
}

function figures(measures: MeasureRow[], c: Sums) {
  return Object.fromEntries(measures.map((m) => [m.code, evaluate(m, c)]));
}

/** 排名: units ranked by one measure (ties and units without a figure last). */
export async function leagueTable(ctx: Ctx, q: LeagueQuery) {
  await foldRollupDeltas(ctx.db);
  const report = await measuresReport(ctx, { from: q.from, to: q.to, by: 'unit', period: 'all', format: 'json' });
  const m = report.measures.find((x) => x.code === q.measure);
  if (!m) return null;
  const ranked = report.rows.filter((r) => r.key !== '-')
    .map((r) => ({ unitId: r.key, name: r.name, value: r.figures[m.code], figures: r.figures }))
    .sort((a, b) => (a.value == null ? 1 : b.value == null ? -1 : m.lowerIsBetter ? a.value - b.value : b.value - a.value));
  let rank = 0;
  let prev: number | null | undefined;
  const rows = ranked.map((r, i) => {
    if (r.value !== prev) rank = i + 1;
    prev = r.value;
    return { rank: r.value == null ? null : rank, ...r };
  });
  return { measure: m, from: q.from, to: q.to, rows, measures: report.measures };
}
