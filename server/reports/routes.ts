import { Router, type Response } from 'express';
import { z } from 'zod';
import { eq } from 'drizzle-orm';
import { validate } from '../platform/http/middleware';
import { problem } from '../platform/http/problems';
import { requireStaff } from '../identity/sessions';
import { reportMeasures } from './tables';
import { isCounter, loadMeasures } from './measures';
import { crossReport, CrossQuery, leagueTable, LeagueQuery, measuresReport, presentMeasure, ReportQuery } from './queries';
import { COUNTERS } from './tables';
import { toXlsx, type Sheet } from './excel';
import { COUNTER_ZH, DIM_ZH, keyLabel } from './labels';
import { hotspots, HotspotQuery } from './hotspots';
import { todayVolume } from './today-volume';
import { queueCounts } from './queue-counts';

const Weights = z.record(z.string(), z.number().finite().min(-1e6).max(1e6));
const MeasurePatch = z.strictObject({
  nameZh: z.string().trim().min(1).max(50).optional(),
  nameEn: z.string().trim().min(1).max(80).optional(),
  kind: z.enum(['ratio', 'count', 'average']).optional(),
  numerator: Weights.optional(),
  denominator: Weights.nullable().optional(),
  definition: z.string().trim().min(1).max(500).optional(),
  lowerIsBetter: z.boolean().optional(),
});
const CodeParams = z.strictObject({ code: z.string().max(64) });

async function sendXlsx(res: Response, name: string, sheets: Sheet[]) {
  res.setHeader('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  res.setHeader('content-disposition', `attachment; filename="${name}.xlsx"`);
  res.send(await toXlsx(sheets));
}

export function reportRoutes() {
  const r = Router();
  const who = requireStaff('supervisor', 'admin');

  r.get('/reports/definitions', who, async (req, res) => {
    res.json({ data: (await loadMeasures(req.ctx.db)).map(presentMeasure) });
  });

  /** Edit a formula: the next read of every report uses it. */
  r.put('/reports/measures/:code', requireStaff('admin', 'supervisor'), validate({ params: CodeParams, body: MeasurePatch }), async (req, res) => {
    const body = req.body;
    for (const k of [...Object.keys(body.numerator ?? {}), ...Object.keys(body.denominator ?? {})]) {
      if (!isCounter(k)) throw problem('MEASURE_INVALID', k);
    }
    await loadMeasures(req.ctx.db);
    const [m] = await req.ctx.db
      .update(reportMeasures)
      .set({ ...body, updatedAt: new Date() })
      .where(eq(reportMeasures.code, String(req.params.code)))
      .returning();
    if (!m) throw problem('MEASURE_NOT_FOUND');
    res.json({ data: presentMeasure(m) });
  });

  r.get('/reports/measures', who, validate({ query: ReportQuery }), async (req, res) => {
    const q = res.locals.query;
    const rep = await measuresReport(req.ctx, q);
    if (q.format !== 'xlsx') return void res.json({ data: rep });
    await sendXlsx(res, `measures-${q.by}-${q.from}-${q.to}`, [
      {
        name: `三率-${DIM_ZH[q.by]}`,
        notes: rep.measures.map((m) => `${m.name}：${m.definition}`),
        columns: [
          { header: DIM_ZH[q.by]!, key: 'name', width: 24 },
          { header: '期间', key: 'period' },
          ...rep.measures.map((m) => ({ header: m.name, key: m.code, percent: m.kind === 'ratio' })),
        ],
        rows: [...rep.rows.map((x) => ({ ...x, name: keyLabel(q.by, x) })), { key: '合计', name: '合计', period: null, figures: rep.total.figures }].map(
          (x) => ({ name: x.name, period: x.period, ...x.figures }),
        ),
      },
      {
        name: '计数',
        columns: [
          { header: DIM_ZH[q.by]!, key: 'name', width: 24 },
          { header: '期间', key: 'period' },
          ...Object.keys(rep.total.counters).map((c) => ({ header: COUNTER_ZH[c as keyof typeof COUNTER_ZH] ?? c, key: c })),
        ],
        rows: rep.rows.map((x) => ({ name: keyLabel(q.by, x), period: x.period, ...x.counters })),
      },
    ]);
  });

  /** 交叉统计: rows × cols (unit × category, region × category, any dimension × month/day), every measure per cell. */
  r.get('/reports/cross', who, validate({ query: CrossQuery }), async (req, res) => {
    const raw = res.locals.query;
    const q = { ...raw, value: raw.value ?? (raw.rows === 'unit' || raw.cols === 'unit' ? 'dispatched' : 'received') };
    const measure = (await loadMeasures(req.ctx.db)).find((m) => m.code === q.value);
    if (!measure && !(COUNTERS as readonly string[]).includes(q.value)) throw problem('MEASURE_NOT_FOUND', q.value);
    const t = await crossReport(req.ctx, q);
    if (q.format !== 'xlsx') return void res.json({ data: t });
    const valueOf = (x: { counters: Record<string, number>; figures: Record<string, number | null> }) =>
      (measure ? x.figures[measure.code] : x.counters[q.value]) ?? null;
    const label = (dim: string) => (k: { key: string; name: string | null }) => keyLabel(dim, k);
    const rowLabel = label(q.rows),
      colLabel = label(q.cols);
    const cell = new Map(t.cells.map((c) => [`${c.row}\u0000${c.col}`, c]));
    await sendXlsx(res, `cross-${q.rows}-${q.cols}-${q.from}-${q.to}`, [
      {
        name: `${DIM_ZH[q.rows]}×${DIM_ZH[q.cols]}-${measure?.nameZh ?? COUNTER_ZH[q.value as keyof typeof COUNTER_ZH] ?? q.value}`,
        notes: [
          measure ? `${measure.nameZh}：${measure.definition}` : `计数项 ${COUNTER_ZH[q.value as keyof typeof COUNTER_ZH] ?? q.value}`,
          `${q.from} 至 ${q.to}`,
        ],
        columns: [
          { header: DIM_ZH[q.rows]!, key: 'row', width: 24 },
          ...t.cols.map((c, i) => ({ header: colLabel(c), key: `c${i}`, percent: measure?.kind === 'ratio' })),
          { header: '合计', key: 'total', percent: measure?.kind === 'ratio' },
        ],
        rows: [
          ...t.rows.map((r) => ({
            row: rowLabel(r),
            total: valueOf(r.total),
            ...Object.fromEntries(
              t.cols.map((c, i) => {
                const x = cell.get(`${r.key}\u0000${c.key}`);
                return [`c${i}`, x ? valueOf(x) : null];
              }),
            ),
          })),
          { row: '合计', total: valueOf(t.total), ...Object.fromEntries(t.cols.map((c, i) => [`c${i}`, valueOf(c.total)])) },
        ],
      },
      {
        name: '明细',
        notes: t.measures.map((m) => `${m.name}：${m.definition}`),
        columns: [
          { header: DIM_ZH[q.rows]!, key: 'row', width: 24 },
          { header: DIM_ZH[q.cols]!, key: 'col', width: 24 },
          ...t.measures.map((m) => ({ header: m.name, key: m.code, percent: m.kind === 'ratio' })),
        ],
        rows: t.cells.map((c) => ({
          row: rowLabel({ key: c.row, name: t.rows.find((r) => r.key === c.row)?.name ?? null }),
          col: colLabel({ key: c.col, name: t.cols.find((x) => x.key === c.col)?.name ?? null }),
          ...c.figures,
        })),
      },
    ]);
  });

  r.get('/reports/league', who, validate({ query: LeagueQuery }), async (req, res) => {
    const q = res.locals.query;
    const t = await leagueTable(req.ctx, q);
    if (!t) throw problem('MEASURE_NOT_FOUND', q.measure);
    if (q.format !== 'xlsx') return void res.json({ data: t });
    await sendXlsx(res, `league-${q.measure}-${q.from}-${q.to}`, [
      {
        name: `排名-${t.measure.name}`,
        notes: [`${t.measure.name}：${t.measure.definition}`],
        columns: [
          { header: '名次', key: 'rank' },
          { header: '单位', key: 'name', width: 24 },
          ...t.measures.map((m) => ({ header: m.name, key: m.code, percent: m.kind === 'ratio' })),
        ],
        rows: t.rows.map((x) => ({ rank: x.rank, name: x.name, ...x.figures })),
      },
    ]);
  });

  r.get('/reports/hotspots', requireStaff('supervisor', 'admin', 'dispatcher'), validate({ query: HotspotQuery }), async (req, res) => {
    const q = res.locals.query;
    const h = await hotspots(req.ctx, q);
    if (q.format !== 'xlsx') return void res.json({ data: h });
    await sendXlsx(res, `hotspots-${q.from}-${q.to}`, [
      {
        name: '热点',
        notes: [h.method],
        columns: [
          { header: '排名', key: 'rank' },
          { header: '地区', key: 'regionCode' },
          { header: '本期件数', key: 'count' },
          { header: '上期件数', key: 'previousCount' },
          { header: '增长', key: 'growth' },
          { header: '关键词', key: 'terms', width: 30 },
          { header: '代表诉求', key: 'sample', width: 80 },
        ],
        rows: h.clusters.map((c, i) => ({
          rank: i + 1,
          regionCode: c.regionCode,
          count: c.count,
          previousCount: c.previousCount,
          growth: c.growth,
          terms: c.terms.join(' '),
          sample: c.representatives[0]?.title ?? '',
        })),
      },
    ]);
  });

  /** The wall's live intake counts; dispatchers watch the wall too. */
  r.get('/reports/today-volume', requireStaff('supervisor', 'admin', 'dispatcher'), async (req, res) => {
    res.json({ data: await todayVolume(req.ctx) });
  });

  /** The wall's queue counts by status and against the deadline, counted by the server. */
  r.get('/reports/queue-counts', requireStaff('supervisor', 'admin', 'dispatcher'), async (req, res) => {
    res.json({ data: await queueCounts(req.ctx) });
  });

  return r;
}
