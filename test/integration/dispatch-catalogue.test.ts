import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { useTestEnv, makeUnit, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { importCategoryTree } from '../../server/catalog/use-cases/import-category-tree';
import { proposeFor } from '../../server/dispatch/use-cases/propose-dispatch';
import { regions } from '../../server/catalog/tables';
import { dispatchRules } from '../../server/dispatch/tables';

const env = useTestEnv();
let admin: ApiClient, agent: ApiClient;
const u: Record<string, { id: string }> = {};

beforeAll(async () => {
  await importCategoryTree(
    env.rt.db,
    [
      { code: '01', name: '城乡建设', parentCode: null, level: 1 },
      { code: '0101', name: '市政设施', parentCode: '01', level: 2 },
      { code: '010101', name: '路灯', parentCode: '0101', level: 3 },
      { code: '02', name: '环境保护', parentCode: null, level: 1 },
      { code: '03', name: '民政', parentCode: null, level: 1 },
      { code: '04', name: '劳动保障', parentCode: null, level: 1 },
    ],
    't',
    't',
  );
  await env.rt.db.insert(regions).values([
    { code: '440100', name: '市', parentCode: null, level: 'city' },
    { code: '440106', name: '天河区', parentCode: '440100', level: 'district' },
    { code: '440106001', name: '林和街道', parentCode: '440106', level: 'street' },
  ]);
  u.city = await makeUnit(env, { kind: 'city_gov', regionCode: '440100', name: '市政府' });
  u.tianhe = await makeUnit(env, { kind: 'district_gov', regionCode: '440106', name: '天河区政府', parentId: u.city.id });
  u.linhe = await makeUnit(env, { kind: 'street', regionCode: '440106001', name: '林和街道', parentId: u.tianhe.id });
  u.zhujian = await makeUnit(env, { kind: 'functional', name: '住建局' });
  u.chengguan = await makeUnit(env, { kind: 'functional', name: '城管局' });
  u.huanbao = await makeUnit(env, { kind: 'functional', name: '环保局' });
  await env.rt.db.insert(dispatchRules).values([
    { categoryCode: '01', regionCode: '*', leadUnitId: u.zhujian.id },
    { categoryCode: '0101', regionCode: '*', leadUnitId: u.chengguan.id, assistingUnitIds: [u.zhujian.id] },
    { categoryCode: '0101', regionCode: '440106001', leadUnitId: u.linhe.id },
    { categoryCode: '02', regionCode: '440106001', leadUnitId: u.linhe.id },
    // Region hierarchy: a province rule, a city rule (fixed-width 440100) and a district rule for one category.
    { categoryCode: '04', regionCode: '440000', leadUnitId: u.city.id },
    { categoryCode: '04', regionCode: '440100', leadUnitId: u.huanbao.id },
    { categoryCode: '04', regionCode: '440106', leadUnitId: u.tianhe.id },
  ]);
  admin = await ApiClient.login(env.baseUrl, (await makeUser(env, 'admin')).user.username);
  agent = await ApiClient.login(env.baseUrl, (await makeUser(env, 'agent')).user.username);
});

describe('dispatch catalogue (归口)', () => {
  it('takes the deepest category rule, inherited by a child with no rule of its own', async () => {
    const p = await proposeFor(env.rt.db, '010101', '440106');
    expect(p).toMatchObject({ reason: 'ancestor_rule', leadUnit: { id: u.chengguan.id } });
    expect(p.assistingUnits.map((x) => x.id)).toEqual([u.zhujian.id]);
    expect((await proposeFor(env.rt.db, '01', null)).leadUnit.id).toBe(u.zhujian.id);
  });

  it('never pushes a functional department matter down to a street office', async () => {
    const p = await proposeFor(env.rt.db, '0101', '440106001');
    expect(p.leadUnit.id).toBe(u.chengguan.id);
    expect(p.notes).toContain('functional_department_not_pushed_down');
  });

  it('copies (抄送, not an assisting dispatch) a street office ticket to its district government', async () => {
    const p = await proposeFor(env.rt.db, '02', '440106001');
    expect(p.leadUnit.id).toBe(u.linhe.id);
    expect(p.assistingUnits).toEqual([]);
    expect(p.copyUnits.map((x) => x.id)).toEqual([u.tianhe.id]);
  });

  it('falls back to the district government of the place, then the city, never to nobody', async () => {
    expect(await proposeFor(env.rt.db, '03', '440106001')).toMatchObject({ reason: 'district_fallback', leadUnit: { id: u.tianhe.id } });
    expect(await proposeFor(env.rt.db, null, null)).toMatchObject({ reason: 'city_fallback', leadUnit: { id: u.city.id } });
  });

  it('proposes over HTTP for a registered ticket', async () => {
    const t = await agent.post('/api/tickets', { callerPhone: '13800000000', content: '路灯不亮', categoryCode: '010101', regionCode: '440106' });
    const r = await agent.get(`/api/tickets/${t.body.data.id}/dispatch-proposal`);
    expect(r.body.data.leadUnit.name).toBe('城管局');
  });
});

describe('region hierarchy of catalogue rules (ancestor-or-self, narrowest first)', () => {
  it('a city rule 440100 covers a district ticket 440106 (fixed-width codes are not prefixes)', async () => {
    await env.rt.db.execute(sql`update dispatch_rules set active = false where category_code = '04' and region_code = '440106'`);
    try {
      const t = await agent.post('/api/tickets', { callerPhone: '13800000001', content: '工资拖欠', categoryCode: '04', regionCode: '440106' });
      const r = await agent.get(`/api/tickets/${t.body.data.id}/dispatch-proposal`);
      expect(r.body.data).toMatchObject({ reason: 'rule', leadUnit: { name: '环保局' } });
    } finally {
      await env.rt.db.execute(sql`update dispatch_rules set active = true where category_code = '04' and region_code = '440106'`);
    }
  });

  it('takes the narrowest covering region: district over city over province', async () => {
    expect((await proposeFor(env.rt.db, '04', '440106')).leadUnit.id).toBe(u.tianhe.id);
    expect((await proposeFor(env.rt.db, '04', '440106001')).leadUnit.id).toBe(u.tianhe.id); // street ticket, district rule
    expect((await proposeFor(env.rt.db, '04', '440104')).leadUnit.id).toBe(u.huanbao.id); // another district: city rule
    expect((await proposeFor(env.rt.db, '04', '440300')).leadUnit.id).toBe(u.city.id); // another city: province rule
  });

  it('follows codes missing from the regions table by their structure (12-digit community, 9-digit street)', async () => {
    expect((await proposeFor(env.rt.db, '04', '440106001002')).leadUnit.id).toBe(u.tianhe.id);
    expect((await proposeFor(env.rt.db, '04', '440104003')).leadUnit.id).toBe(u.huanbao.id);
    // A rule for a sibling region never matches.
    expect((await proposeFor(env.rt.db, '04', '450100')).reason).not.toBe('rule');
  });
});

describe('catalogue and calendar administration', () => {
  it('refuses rules naming an unknown unit, category or region, changing nothing', async () => {
    const count = async () => (await env.rt.db.execute<{ n: number }>(sql`select count(*)::int as n from dispatch_rules`)).rows[0].n;
    const before = await count();
    expect((await admin.post('/api/admin/dispatch-rules', { categoryCode: '99', leadUnitId: u.city.id })).body.code).toBe('CATEGORY_NOT_FOUND');
    expect((await admin.post('/api/admin/dispatch-rules', { categoryCode: '03', regionCode: '440999', leadUnitId: u.city.id })).body.code).toBe(
      'REGION_NOT_FOUND',
    );
    expect((await admin.post('/api/admin/dispatch-rules', { categoryCode: '03', leadUnitId: '00000000-0000-4000-8000-000000000000' })).body.code).toBe(
      'UNIT_NOT_FOUND',
    );
    expect((await agent.post('/api/admin/dispatch-rules', { categoryCode: '03', leadUnitId: u.city.id })).status).toBe(403);
    expect(await count()).toBe(before);
    expect((await admin.post('/api/admin/dispatch-rules', { categoryCode: '03', leadUnitId: u.city.id })).status).toBe(201);
  });

  it('loads a new year of the calendar, and refuses an inconsistent one whole', async () => {
    const bad = await admin.request('PUT', '/api/admin/holidays/2027', {
      rows: [
        { date: '2027-01-01', kind: 'holiday', name: '元旦' },
        { date: '2027-01-01', kind: 'holiday', name: '元旦' },
      ],
    });
    expect(bad.status).toBe(400);
    expect((await admin.get('/api/admin/holidays/2027')).body.data).toEqual([]);
    const good = await admin.request('PUT', '/api/admin/holidays/2027', { rows: [{ date: '2027-01-01', kind: 'holiday', name: '元旦' }] });
    expect(good.status).toBe(200);
    expect(good.body.data).toMatchObject({ year: 2027, rows: 1, recomputed: { tickets: expect.any(Number), dispatches: expect.any(Number) } });
    expect((await admin.get('/api/admin/holidays/2027')).body.data).toHaveLength(1);
    // 2026 is untouched.
    expect((await admin.get('/api/admin/holidays/2026')).body.data.length).toBeGreaterThan(20);
  });

  it('refuses an SLA policy whose rules make no sense', async () => {
    const r = await admin.request('PUT', '/api/admin/sla-policies', {
      name: 'x',
      regionCode: '*',
      appealType: 'complaint',
      urgency: 'normal',
      rules: { replyLimit: 'soon' },
    });
    expect(r.status).toBe(400);
    expect((await admin.post('/api/admin/sla-policies/preset', { name: 'shanghai-street', regionCode: '440106' })).status).toBe(200);
    const list = (await admin.get('/api/admin/sla-policies')).body.data as { regionCode: string }[];
    expect(list.some((p) => p.regionCode === '440106')).toBe(true);
  });
});
