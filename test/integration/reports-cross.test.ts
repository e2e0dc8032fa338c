/**
 * Cross tables (交叉统计): unit × category and region × category from the two-dimension rollups,
 * either way round; region × month from the single-dimension rows; Excel export of the matrix;
 * a pair that is not kept is refused with a stable code.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { useTestEnv } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { twoUnitsWithStaff } from '../helpers/two-units';
import { setPolicy } from '../../server/callbacks/policy';

const env = useTestEnv();
let agent: ApiClient, dispatcher: ApiClient, supervisor: ApiClient, clerkU: ApiClient, clerkV: ApiClient;
let U: { id: string }, V: { id: string };
const day = (d: number) => new Date(Date.now() + 8 * 3600_000 + d * 86400_000).toISOString().slice(0, 10);
const range = `from=${day(-1)}&to=${day(1)}`;
const month = day(0).slice(0, 7);

async function ok(p: Promise<{ status: number; body: any }>, status = 200) {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body.data;
}

async function ticket(categoryCode: string, regionCode: string, unit: { id: string }, clerk: ApiClient, close: boolean) {
  const id = (await ok(agent.post('/api/tickets', { callerPhone: '13800138000', content: '路灯损坏夜间无照明', categoryCode, regionCode }), 201)).id as string;
  await ok(agent.action(id, 'submit', {}));
  await ok(dispatcher.action(id, 'dispatch', { leadUnitId: unit.id }));
  if (!close) return;
  await env.rt.db.execute(sql`update dispatches set reply_due_at = now() + interval '10 days' where ticket_id = ${id}`);
  await ok(clerk.action(id, 'sign'));
  await ok(clerk.action(id, 'start'));
  await ok(clerk.action(id, 'reply', { text: '已修复' }));
  await ok(dispatcher.action(id, 'accept-reply'));
}

beforeAll(async () => {
  ({ U, V, agent, dispatcher, supervisor, clerkU, clerkV } = await twoUnitsWithStaff(env));
  await setPolicy(env.rt.db, { sampleRate: 0 }, null);
  // By hand: U gets 01 (closed) and 02 (open); V gets 01 twice (one closed). Regions: 440106 for U's, 440104 for V's.
  await ticket('01', '440106', U, clerkU, true);
  await ticket('02', '440106', U, clerkU, false);
  await ticket('01', '440104', V, clerkV, true);
  await ticket('01', '440104', V, clerkV, false);
});

type Cross = {
  rows: { key: string; name: string | null; total: { counters: Record<string, number> } }[];
  cols: { key: string; name: string | null }[];
  cells: { row: string; col: string; counters: Record<string, number>; figures: Record<string, number | null> }[];
  total: { counters: Record<string, number> };
};
const grid = (t: Cross, counter: string) => Object.fromEntries(t.cells.map((c) => [`${c.row}×${c.col}`, c.counters[counter]]));

describe('cross tables', () => {
  it('unit × category: each cell counts what that unit handled of that category, with names; rows add up to the unit report', async () => {
    const t = (await ok(supervisor.get(`/api/reports/cross?${range}&rows=unit&cols=category`))) as Cross;
    const cells = grid(t, 'dispatched');
    expect(cells).toMatchObject({ [`${U.id}×01`]: 1, [`${U.id}×02`]: 1, [`${V.id}×01`]: 2 });
    expect(cells[`${V.id}×02`]).toBeUndefined();
    expect(grid(t, 'closed')).toMatchObject({ [`${U.id}×01`]: 1, [`${U.id}×02`]: 0, [`${V.id}×01`]: 1 });
    expect(t.cells.find((c) => c.row === V.id && c.col === '01')?.figures.on_time_close_rate).toBe(1);
    expect(t.rows.find((r) => r.key === U.id)?.name).toBe('区住建局');
    expect(t.cols.map((c) => [c.key, c.name])).toEqual(
      expect.arrayContaining([
        ['01', '城乡建设'],
        ['02', '交通运输'],
      ]),
    );
    const byUnit = await ok(supervisor.get(`/api/reports/measures?${range}&by=unit`));
    for (const u of [U, V]) {
      const single = byUnit.rows.find((r: { key: string }) => r.key === u.id).counters;
      expect(t.rows.find((r) => r.key === u.id)!.total.counters).toMatchObject({ dispatched: single.dispatched, closed: single.closed });
    }
    // The same table the other way round.
    const tr = (await ok(supervisor.get(`/api/reports/cross?${range}&rows=category&cols=unit`))) as Cross;
    expect(grid(tr, 'dispatched')).toMatchObject({ [`01×${U.id}`]: 1, [`02×${U.id}`]: 1, [`01×${V.id}`]: 2 });
  });

  it('region × category from its rollup, and region × month from the regions by period', async () => {
    const rc = (await ok(supervisor.get(`/api/reports/cross?${range}&rows=region&cols=category`))) as Cross;
    expect(grid(rc, 'received')).toEqual({ '440106×01': 1, '440106×02': 1, '440104×01': 2 });
    const rm = (await ok(supervisor.get(`/api/reports/cross?${range}&rows=region&cols=month`))) as Cross;
    expect(grid(rm, 'received')).toEqual({ [`440104×${month}`]: 2, [`440106×${month}`]: 2 });
    expect(rm.total.counters.received).toBe(4);
  });

  it('exports the matrix to Excel with the definition on top and totals', async () => {
    const res = await fetch(`${env.baseUrl}/api/reports/cross?${range}&rows=unit&cols=category&value=dispatched&format=xlsx`, {
      headers: { cookie: supervisor.cookie },
    });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const ws = wb.worksheets[0];
    const rows = ws
      .getSheetValues()
      .filter(Boolean)
      .map((r) => (r as unknown[]).slice(1));
    const header = rows.find((r) => r[0] === '承办单位')!;
    expect(header).toEqual(['承办单位', '城乡建设', '交通运输', '合计']);
    expect(rows.find((r) => r[0] === '区交通局')).toEqual(['区交通局', 2, null, 2].map((v) => v ?? undefined));
    expect(rows.find((r) => r[0] === '合计')).toEqual(['合计', 3, 1, 4]);
    expect(wb.worksheets[1].name).toBe('明细');
  });

  it('refuses a pair that is not kept, an unknown value, and staff outside the centre', async () => {
    const bad = await supervisor.get(`/api/reports/cross?${range}&rows=unit&cols=region`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'REPORT_CROSS_UNSUPPORTED' });
    expect(bad.body.supported).toContain('unit:category');
    expect((await supervisor.get(`/api/reports/cross?${range}&rows=unit&cols=category&value=nope`)).body.code).toBe('MEASURE_NOT_FOUND');
    expect((await agent.get(`/api/reports/cross?${range}&rows=unit&cols=category`)).status).toBe(403);
  });
});
