/**
 * Report reads: sums over report_rollups (never over tickets), grouped by one dimension and
 * optionally by period, then each measure evaluated on the sums with its definition beside it.
 */
import { foldRollupDeltas } from './rollup';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../platform/context';
import { ROLLUP_DIMS, COUNTERS, type CROSS_DIMS } from './tables';
import { problem } from '../platform/http/problems';
import { definitionEn, evaluate, loadMeasures, sumCounters, type MeasureRow } from './measures';
import { categoriesInForce } from '../catalog/current';

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const ReportQuery = z
  .strictObject({
    from: Day,
    to: Day,
    by: z.enum(ROLLUP_DIMS).default('unit'),
    period: z.enum(['all', 'month', 'day']).default('all'),
    key: z.string().max(64).optional(),
    format: z.enum(['json', 'xlsx']).default('json'),
  })
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['from'] });
export type ReportQuery = z.infer<typeof ReportQuery>;

export const LeagueQuery = z.strictObject({
  from: Day,
  to: Day,
  measure: z.string().max(64).default('satisfaction_rate'),
  format: z.enum(['json', 'xlsx']).default('json'),
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
  return {
    code: m.code,
    name: m.nameZh,
    nameEn: m.nameEn,
    kind: m.kind,
    definition: m.definition,
    definitionEn: definitionEn(m),
    numerator: m.numerator,
    denominator: m.denominator,
    lowerIsBetter: m.lowerIsBetter,
  };
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
  // Categories: rollups keep the code a ticket had then; the rows are filed under the tree in force,
  // so a key asked for is matched after mapping (an old code finds its successor's row).
  const byCategory = q.by === 'category';
  const res = await ctx.db.execute<Record<string, unknown>>(sql`
    select g.*, ${NAME[q.by]} as name from (
      select r.key, ${periodExpr} as period, ${sumCounters}
      from report_rollups r
      where r.dim = ${q.by} and r.day between ${q.from}::date and ${q.to}::date ${q.key && !byCategory ? sql`and r.key = ${q.key}` : sql``}
      group by 1, 2) g, lateral (select g.key) r
    order by g.period nulls first, g.key`);
  let rows: ReportRow[] = res.rows.map((x) => toRow(x, measures));
  if (byCategory) {
    const inForce = await categoriesInForce(ctx.db, [...rows.map((r) => r.key), ...(q.key ? [q.key] : [])]);
    const merged = new Map<string, ReportRow>();
    for (const r of rows) {
      const to = inForce.get(r.key) ?? { code: r.key, name: r.name };
      const k = `${r.period ?? ''}\u0000${to.code}`;
      const m = merged.get(k) ?? { key: to.code, name: to.name, period: r.period, counters: Object.fromEntries(COUNTERS.map((c) => [c, 0])), figures: {} };
      for (const c of COUNTERS) m.counters[c] += r.counters[c];
      merged.set(k, m);
    }
    const wantKey = q.key ? (inForce.get(q.key)?.code ?? q.key) : null;
    rows = [...merged.values()]
      .filter((r) => !wantKey || r.key === wantKey)
      .map((r) => ({ ...r, figures: figures(measures, r.counters) }))
      .sort((a, b) => (a.period ?? '').localeCompare(b.period ?? '') || a.key.localeCompare(b.key));
  }
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
  const ranked = report.rows
    .filter((r) => r.key !== '-')
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

/**
 * Cross tables (交叉统计): one dimension down, another across. Kept pairs read the two-dimension
 * rollups (CROSS_DIMS: unit × category, region × category, either way round); any dimension ×
 * month or day reads the single-dimension rows by period. Other pairs would need a scan of tickets
 * and are refused (REPORT_CROSS_UNSUPPORTED) rather than served slowly.
 */
export const CrossQuery = z
  .strictObject({
    from: Day,
    to: Day,
    rows: z.enum(ROLLUP_DIMS),
    cols: z.enum([...ROLLUP_DIMS, 'month', 'day']),
    /**
     * What the Excel matrix shows: a measure code or a counter. Default: 受理量 (received), but 派单量
     * (dispatched) when units are a dimension — a ticket is received before it has a unit or a
     * category, so "received by unit × category" files every ticket under 无承办单位/未分类.
     */
    value: z.string().max(64).optional(),
    format: z.enum(['json', 'xlsx']).default('json'),
  })
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['from'] });
export type CrossQuery = z.infer<typeof CrossQuery>;

const PAIRS: Record<string, { dim: (typeof CROSS_DIMS)[number]; swap: boolean }> = {
  'unit:category': { dim: 'unit_category', swap: false },
  'category:unit': { dim: 'unit_category', swap: true },
  'region:category': { dim: 'region_category', swap: false },
  'category:region': { dim: 'region_category', swap: true },
};
export const CROSS_SUPPORTED = [...Object.keys(PAIRS), ...ROLLUP_DIMS.flatMap((d) => [`${d}:month`, `${d}:day`])];

async function namesFor(ctx: Ctx, dim: string, keys: string[]): Promise<Map<string, string | null>> {
  const real = keys.filter((k) => k !== '-');
  const list = sql.join(
    real.map((k) => sql`${k}`),
    sql`, `,
  );
  const q =
    !real.length || dim === 'channel' || dim === 'month' || dim === 'day'
      ? null
      : dim === 'unit'
        ? sql`select id::text as key, name from handling_units where id::text in (${list})`
        : dim === 'region'
          ? sql`select code as key, name from regions where code in (${list})`
          : sql`select distinct on (code) code as key, name from categories where code in (${list}) order by code, version desc`;
  const rows = q ? (await ctx.db.execute<{ key: string; name: string }>(q)).rows : [];
  return new Map(keys.map((k) => [k, rows.find((r) => r.key === k)?.name ?? null]));
}

export async function crossReport(ctx: Ctx, q: CrossQuery) {
  const pair = PAIRS[`${q.rows}:${q.cols}`];
  const byPeriod = q.cols === 'month' || q.cols === 'day';
  if (!pair && !byPeriod) throw problem('REPORT_CROSS_UNSUPPORTED', `${q.rows} × ${q.cols}`, { supported: CROSS_SUPPORTED });
  await foldRollupDeltas(ctx.db);
  const measures = await loadMeasures(ctx.db);
  const dim = pair ? pair.dim : q.rows;
  const colExpr = byPeriod ? (q.cols === 'month' ? sql`to_char(r.day, 'YYYY-MM')` : sql`to_char(r.day, 'YYYY-MM-DD')`) : sql`null::text`;
  const res = await ctx.db.execute<Record<string, unknown>>(sql`
    select r.key, ${colExpr} as col, ${sumCounters} from report_rollups r
    where r.dim = ${dim} and r.day between ${q.from}::date and ${q.to}::date group by 1, 2`);
  const raw = res.rows.map((x) => {
    let row = String(x.key),
      col = String(x.col);
    if (pair) {
      const i = row.indexOf('|');
      [row, col] = [row.slice(0, i), row.slice(i + 1)];
      if (pair.swap) [row, col] = [col, row];
    }
    return { row, col, counters: Object.fromEntries(COUNTERS.map((c) => [c, Number(x[c] ?? 0)])) as Sums };
  });
  // The category side is filed under the tree in force (old codes of earlier versions mapped, cells merged).
  const catSide = q.rows === 'category' ? 'row' : q.cols === 'category' ? 'col' : null;
  const inForce = catSide
    ? await categoriesInForce(
        ctx.db,
        raw.map((c) => c[catSide]),
      )
    : new Map<string, { code: string; name: string | null }>();
  const mergedCells = new Map<string, { row: string; col: string; counters: Sums }>();
  for (const c of raw) {
    if (catSide) c[catSide] = inForce.get(c[catSide])?.code ?? c[catSide];
    const k = `${c.row}\u0000${c.col}`;
    const m = mergedCells.get(k);
    if (!m) mergedCells.set(k, c);
    else for (const n of COUNTERS) m.counters[n] += c.counters[n];
  }
  const cells = [...mergedCells.values()]
    .map((c) => ({ ...c, figures: figures(measures, c.counters) }))
    .sort((a, b) => a.row.localeCompare(b.row) || a.col.localeCompare(b.col));
  const rowKeys = [...new Set(cells.map((c) => c.row))].sort();
  const colKeys = [...new Set(cells.map((c) => c.col))].sort();
  const categoryNames = new Map([...inForce.values()].map((v) => [v.code, v.name]));
  const names = (dim: string, keys: string[]) =>
    dim === 'category' ? Promise.resolve(new Map(keys.map((k) => [k, categoryNames.get(k) ?? null]))) : namesFor(ctx, dim, keys);
  const [rowNames, colNames] = await Promise.all([names(q.rows, rowKeys), names(q.cols, colKeys)]);
  const total = (pick: (c: (typeof cells)[number]) => boolean) => {
    const counters: Sums = Object.fromEntries(COUNTERS.map((k) => [k, cells.filter(pick).reduce((s, c) => s + c.counters[k], 0)]));
    return { counters, figures: figures(measures, counters) };
  };
  return {
    query: { from: q.from, to: q.to, rows: q.rows, cols: q.cols },
    measures: measures.map(presentMeasure),
    rows: rowKeys.map((k) => ({ key: k, name: rowNames.get(k) ?? null, total: total((c) => c.row === k) })),
    cols: colKeys.map((k) => ({ key: k, name: colNames.get(k) ?? null, total: total((c) => c.col === k) })),
    cells,
    total: total(() => true),
  };
}
