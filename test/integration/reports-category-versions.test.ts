/**
 * Reports after a category tree re-import (categories.md §1: reports over several years still add
 * up): tickets classified under last version's codes are counted under the tree in force in every
 * category-grouped report (measures by category, unit × category, its Excel export, today's intake),
 * never under a code that no longer exists. A node retired without successor counts under its
 * nearest ancestor that lives on; a branch retired whole under its last code, marked 已停用.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { useTestEnv, makeUnit, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { importCategoryTree } from '../../server/catalog/use-cases/import-category-tree';
import { setPolicy } from '../../server/callbacks/policy';

const env = useTestEnv();
let agent: ApiClient, dispatcher: ApiClient, supervisor: ApiClient, admin: ApiClient;
let U: { id: string };
const day = (d: number) => new Date(Date.now() + 8 * 3600_000 + d * 86400_000).toISOString().slice(0, 10);
const range = `from=${day(-1)}&to=${day(1)}`;

async function ok(p: Promise<{ status: number; body: any }>, status = 200) {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body.data;
}

async function ticket(categoryCode: string) {
  const id = (await ok(agent.post('/api/tickets', { callerPhone: '13800138000', content: '路灯损坏夜间无照明', categoryCode, regionCode: '440106' }), 201))
    .id as string;
  await ok(agent.action(id, 'submit', {}));
  await ok(dispatcher.action(id, 'dispatch', { leadUnitId: U.id }));
}

beforeAll(async () => {
  await importCategoryTree(
    env.rt.db,
    [
      { code: '01', name: '城乡建设', parentCode: null, level: 1 },
      { code: '0101', name: '物业管理', parentCode: '01', level: 2 },
      { code: '0102', name: '路灯照明', parentCode: '01', level: 2 },
      { code: '02', name: '交通运输', parentCode: null, level: 1 },
      { code: '0201', name: '出租车', parentCode: '02', level: 2 },
    ],
    '2025版',
    'test',
  );
  U = await makeUnit(env, { name: '区住建局' });
  agent = await ApiClient.login(env.baseUrl, (await makeUser(env, 'agent')).user.username);
  dispatcher = await ApiClient.login(env.baseUrl, (await makeUser(env, 'dispatcher')).user.username);
  supervisor = await ApiClient.login(env.baseUrl, (await makeUser(env, 'supervisor')).user.username);
  admin = await ApiClient.login(env.baseUrl, (await makeUser(env, 'admin')).user.username);
  await setPolicy(env.rt.db, { sampleRate: 0 }, null);
  // Last version's tickets: 物业管理 once, 路灯照明 twice, 出租车 once.
  await ticket('0101');
  await ticket('0102');
  await ticket('0102');
  await ticket('0201');
  // The city's new table: 路灯照明 moves to 交通运输 under a new code, 物业管理 is renamed in place, 出租车 is retired.
  const csv = ['code,name,parent_code,level,replaces', '01,城乡建设,,1,', '0101,物业服务,01,2,', '02,交通运输,,1,', '0203,道路照明,02,2,0102'].join('\n');
  await ok(admin.post('/api/admin/category-versions/import', { label: '2026版', csv }), 201);
});

describe('category-grouped reports after a re-import', () => {
  it('measures by category file old codes under the tree in force, and an old code asked for finds its successor', async () => {
    const rep = await ok(supervisor.get(`/api/reports/measures?${range}&by=category`));
    const rows = rep.rows.map((r: { key: string; name: string; counters: Record<string, number> }) => ({
      key: r.key,
      name: r.name,
      received: r.counters.received,
      dispatched: r.counters.dispatched,
    }));
    expect(rows).toEqual([
      { key: '0101', name: '物业服务', received: 1, dispatched: 1 },
      { key: '02', name: '交通运输', received: 1, dispatched: 1 }, // 出租车 retired without successor: its nearest surviving ancestor
      { key: '0203', name: '道路照明', received: 2, dispatched: 2 },
    ]);
    const one = await ok(supervisor.get(`/api/reports/measures?${range}&by=category&key=0102`));
    expect(one.rows.map((r: { key: string; counters: Record<string, number> }) => [r.key, r.counters.received])).toEqual([['0203', 2]]);
    expect(one.total.counters.received).toBe(2);
    // The ticket-level roll-up (category-rollup) follows the same mapping.
    const up = await ok(supervisor.get(`/api/reports/category-rollup?from=${day(0)}&to=${day(0)}&level=1`));
    expect(up).toEqual({
      level: 1,
      rows: [
        { code: '01', name: '城乡建设', tickets: 1 },
        { code: '02', name: '交通运输', tickets: 3 },
      ],
      unmapped: 0,
    });
  });

  it('unit × category and its Excel export show the new codes and names only', async () => {
    const t = await ok(supervisor.get(`/api/reports/cross?${range}&rows=unit&cols=category`));
    expect(t.cols.map((c: { key: string; name: string }) => `${c.key} ${c.name}`)).toEqual(['0101 物业服务', '02 交通运输', '0203 道路照明']);
    const cell = t.cells.find((c: { row: string; col: string }) => c.row === U.id && c.col === '0203');
    expect(cell.counters.dispatched).toBe(2);
    const swapped = await ok(supervisor.get(`/api/reports/cross?${range}&rows=category&cols=unit`));
    expect(swapped.rows.map((r: { key: string }) => r.key)).toEqual(['0101', '02', '0203']);

    const x = await supervisor.download(`/api/reports/cross?${range}&rows=unit&cols=category&format=xlsx`);
    expect(x.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.bytes as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0];
    const header = sheet.getRow(4).values as unknown[];
    expect(header).toEqual(expect.arrayContaining(['物业服务', '交通运输', '道路照明']));
    expect(header).not.toContain('路灯照明');
    expect(header).not.toContain('物业管理');
  });

  it("today's intake by category counts under the tree in force", async () => {
    const v = await ok(supervisor.get('/api/reports/today-volume'));
    expect(v.byCategory.map((r: { key: string; name: string; count: number }) => `${r.key} ${r.name} ${r.count}`)).toEqual([
      '0203 道路照明 2',
      '0101 物业服务 1',
      '02 交通运输 1',
    ]);
  });

  it('a branch retired whole keeps its last code and name, marked 已停用', async () => {
    // Next version drops 交通运输 and everything under it; a ticket still filed under 0201 has no surviving ancestor.
    await ok(
      admin.post('/api/admin/category-versions/import', {
        label: '2027版',
        csv: ['code,name,parent_code,level,replaces', '01,城乡建设,,1,', '0101,物业服务,01,2,'].join('\n'),
      }),
      201,
    );
    const rep = await ok(supervisor.get(`/api/reports/measures?${range}&by=category`));
    expect(rep.rows.map((r: { key: string; name: string; counters: Record<string, number> }) => `${r.key} ${r.name} ${r.counters.received}`)).toEqual([
      '0101 物业服务 1',
      '0201 出租车（已停用） 1',
      '0203 道路照明（已停用） 2',
    ]); // 路灯照明 had become 道路照明 before it went
    const up = await ok(supervisor.get(`/api/reports/category-rollup?from=${day(0)}&to=${day(0)}&level=1`));
    expect(up).toEqual({ level: 1, rows: [{ code: '01', name: '城乡建设', tickets: 1 }], unmapped: 3 });
    const n = await env.rt.db.execute(sql`select count(*)::int as n from tickets where category_code in ('0102', '0201')`);
    expect(n.rows[0]).toEqual({ n: 3 }); // tickets keep what they were classified with
  });
});
