/**
 * Category tree versions and tags (categories.md §1-2; issue 15, item 16), over HTTP on real
 * PostgreSQL: a re-import keeps codes stable, records old → new codes, round-trips as CSV, refuses a
 * broken table whole; tickets keep the version they were classified under and count under the
 * tree in force; tags are a managed list set on tickets and counted in reports.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { useTestEnv, makeUnit, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { makeTicket, ticketState } from '../helpers/factories';
import type { Actor } from '../../server/platform/context';

const env = useTestEnv();
let admin: ApiClient, agent: ApiClient, supervisor: ApiClient, clerk: ApiClient, agentActor: Actor;

beforeAll(async () => {
  admin = await ApiClient.login(env.baseUrl, (await makeUser(env, 'admin')).user.username);
  const a = await makeUser(env, 'agent');
  agentActor = a.actor;
  agent = await ApiClient.login(env.baseUrl, a.user.username);
  supervisor = await ApiClient.login(env.baseUrl, (await makeUser(env, 'supervisor')).user.username);
  clerk = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk')).user.username);
});

async function ok(p: Promise<{ status: number; body: any }>, status = 200) {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body.data;
}

const codesOf = async (version: number) =>
  Object.fromEntries(
    (await env.rt.db.execute<{ code: string; name: string }>(sql`select code, name from categories where version = ${version} order by code`)).rows.map((r) => [
      r.name,
      r.code,
    ]),
  );
const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

describe('category tree versions', () => {
  let v1: number, v2: number;

  it('keeps codes stable when a tree of names is imported again with a node inserted before others', async () => {
    v1 = (
      await ok(
        admin.post('/api/admin/category-versions/import-tree', {
          label: '2025版',
          tree: {
            children: [
              { name: '城乡建设', children: [{ name: '物业管理' }, { name: '房屋安全' }] },
              { name: '环境保护', children: [{ name: '噪声污染' }] },
            ],
          },
        }),
        201,
      )
    ).version;
    expect(await codesOf(v1)).toEqual({ 城乡建设: '01', 物业管理: '0101', 房屋安全: '0102', 环境保护: '02', 噪声污染: '0201' });
    // Positional numbering would make 物业管理 0102 and 环境保护 03: the codes of unchanged nodes must not move.
    const second = await ok(
      admin.post('/api/admin/category-versions/import-tree', {
        label: '2026版',
        tree: {
          children: [
            { name: '城乡建设', children: [{ name: '加装电梯' }, { name: '物业管理' }, { name: '房屋安全' }] },
            { name: '交通运输', children: [{ name: '公交服务' }] },
            { name: '环境保护', children: [{ name: '噪声污染' }] },
          ],
        },
      }),
      201,
    );
    v2 = second.version;
    expect(await codesOf(v2)).toEqual({
      城乡建设: '01',
      加装电梯: '0103',
      物业管理: '0101',
      房屋安全: '0102',
      交通运输: '03',
      公交服务: '0301',
      环境保护: '02',
      噪声污染: '0201',
    });
    const map = await ok(supervisor.get(`/api/admin/category-versions/${v2}/mapping`));
    expect(map.pairs.map((p: { fromCode: string; toCode: string }) => `${p.fromCode}>${p.toCode}`)).toEqual([
      '01>01',
      '0101>0101',
      '0102>0102',
      '02>02',
      '0201>0201',
    ]);
    expect(map.retired).toEqual([]);
    const versions = await ok(admin.get('/api/admin/category-versions'));
    expect(versions[0]).toMatchObject({ version: v2, current: true, nodes: 8, mapped: 5 });
  });

  it('exports a version as CSV that imports back unchanged; a broken table is refused whole, naming its rows', async () => {
    const exported = await admin.download(`/api/admin/category-versions/${v2}/export`);
    expect(exported.status).toBe(200);
    const csv = exported.bytes.toString('utf8');
    expect(csv.split('\n')[0]).toBe('\uFEFFcode,name,parent_code,level,aliases,default_type,default_urgency,valid_from,valid_to,citizen_selectable,replaces');
    const v3 = (await ok(admin.post('/api/admin/category-versions/import', { label: '2026版（复核）', csv }), 201)).version;
    expect(await codesOf(v3)).toEqual(await codesOf(v2));
    expect((await admin.download(`/api/admin/category-versions/${v3}/export`)).bytes.toString('utf8')).toBe(csv);

    const before = (await ok(admin.get('/api/admin/category-versions'))).length;
    const bad = await admin.post('/api/admin/category-versions/import', {
      label: 'x',
      csv: 'code,name,parent_code,level\n01,城乡建设,,1\n0101,物业,09,2\n0102,房屋,01,3\n',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('CATEGORY_TABLE_INVALID');
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['row 2.parent_code', 'row 3.level']);
    expect((await ok(admin.get('/api/admin/category-versions'))).length).toBe(before);
    expect((await clerk.post('/api/admin/category-versions/import', { label: 'x', csv })).status).toBe(403);
  });

  it('a ticket keeps the version it was classified under, and reports count it under the tree in force after a merge', async () => {
    const { ticketId } = await makeTicket(env, agentActor);
    await ok(agent.action(ticketId, 'submit', { appealType: 'complaint', categoryCode: '0101' }));
    const classified = (await ticketState(env, ticketId)).ticket;
    const current = (await ok(admin.get('/api/admin/category-versions')))[0].version as number;
    expect(classified).toMatchObject({ categoryCode: '0101', categoryVersion: current });
    // A code given at intake is stamped with the tree in force too.
    const desk = await ok(agent.post('/api/tickets', { callerPhone: '13800001111', content: '小区电梯故障', categoryCode: '0102' }), 201);
    expect((await ticketState(env, desk.id)).ticket).toMatchObject({ categoryCode: '0102', categoryVersion: current });

    // The city merges 物业管理 and 房屋安全 into one node under a new code, and retires 加装电梯.
    const csv = [
      'code,name,parent_code,level,replaces',
      '01,城乡建设,,1,',
      '0104,物业与房屋安全,01,2,0101|0102',
      '02,环境保护,,1,',
      '0201,噪声污染,02,2,',
      '03,交通运输,,1,',
      '0301,公交服务,03,2,',
    ].join('\n');
    const merged = await ok(admin.post('/api/admin/category-versions/import', { label: '2027版', csv }), 201);
    const map = await ok(admin.get(`/api/admin/category-versions/${merged.version}/mapping`));
    expect(map.pairs.filter((p: { toCode: string }) => p.toCode === '0104').map((p: { fromCode: string }) => p.fromCode)).toEqual(['0101', '0102']);
    expect(map.retired.map((r: { code: string }) => r.code)).toEqual(['0103']);

    // The ticket keeps its code and version; the roll-up carries it into the new tree.
    expect((await ticketState(env, ticketId)).ticket).toMatchObject({ categoryCode: '0101', categoryVersion: current });
    const level2 = await ok(supervisor.get(`/api/reports/category-rollup?from=${today()}&to=${today()}&level=2`));
    expect(level2.rows).toEqual([{ code: '0104', name: '物业与房屋安全', tickets: 2 }]); // 0101 and 0102, merged
    const level1 = await ok(supervisor.get(`/api/reports/category-rollup?from=${today()}&to=${today()}&level=1`));
    expect(level1.rows).toEqual([{ code: '01', name: '城乡建设', tickets: 2 }]);
    expect(level1.unmapped).toBe(0);
  });

  it('dispatch rules name their version, are carried into a new version through the code map, and match tickets of either version', async () => {
    const unit = await makeUnit(env, { name: '市交通运输局' });
    const current = (await ok(admin.get('/api/admin/category-versions')))[0].version as number;
    const rule = await ok(admin.post('/api/admin/dispatch-rules', { categoryCode: '0301', leadUnitId: unit.id }), 201);
    expect(rule.categoryVersion).toBe(current);
    const old = await makeTicket(env, agentActor);
    await ok(agent.action(old.ticketId, 'submit', { appealType: 'complaint', categoryCode: '0301' }));

    // 公交服务 is renamed under a new code.
    const csv = [
      'code,name,parent_code,level,replaces',
      '01,城乡建设,,1,',
      '0104,物业与房屋安全,01,2,',
      '02,环境保护,,1,',
      '0201,噪声污染,02,2,',
      '03,交通运输,,1,',
      '0302,公共交通服务,03,2,0301',
    ].join('\n');
    const next = (await ok(admin.post('/api/admin/category-versions/import', { label: '2028版', csv }), 201)).version as number;
    const rules = await ok(admin.get('/api/admin/dispatch-rules'));
    expect(
      rules
        .filter((r: { leadUnitId: string }) => r.leadUnitId === unit.id)
        .map((r: { categoryVersion: number; categoryCode: string }) => `${r.categoryVersion}:${r.categoryCode}`)
        .sort(),
    ).toEqual([`${current}:0301`, `${next}:0302`]);

    const fresh = await makeTicket(env, agentActor);
    await ok(agent.action(fresh.ticketId, 'submit', { appealType: 'complaint', categoryCode: '0302' }));
    for (const id of [fresh.ticketId, old.ticketId]) {
      const p = await ok(agent.get(`/api/tickets/${id}/dispatch-proposal`));
      expect(p).toMatchObject({ reason: 'rule', leadUnit: { id: unit.id } });
    }
    expect((await ticketState(env, old.ticketId)).ticket).toMatchObject({ categoryCode: '0301', categoryVersion: current });
  });

  it('previews what an import would change, storing nothing; a bad line is named and nothing is stored either', async () => {
    const versions = await ok(admin.get('/api/admin/category-versions'));
    const latest = versions[0].version as number;
    // Against 01/0104/02/0201/03/0302: 噪声污染 renamed, 0302 moved under 01, 0104 continued by 0105, 03 retired, 04 added.
    const csv = [
      'code,name,parent_code,level,replaces',
      '01,城乡建设,,1,',
      '0105,物业服务,01,2,0104',
      '0302,公共交通服务,01,2,',
      '02,环境保护,,1,',
      '0201,噪声扰民,02,2,',
      '04,教育,,1,',
    ].join('\n');
    const p = await ok(admin.post('/api/admin/category-versions/preview', { csv }));
    expect(p.baseVersion).toBe(latest);
    expect(p.nodes).toBe(6);
    expect(p.added.map((n: { code: string }) => n.code)).toEqual(['04']);
    expect(p.renamed.map((n: { fromCode: string; toCode: string; toName: string }) => `${n.fromCode}>${n.toCode} ${n.toName}`)).toEqual([
      '0104>0105 物业服务',
      '0201>0201 噪声扰民',
    ]);
    expect(p.moved).toEqual([{ code: '0302', name: '公共交通服务', fromParent: '03', toParent: '01' }]);
    expect(p.retired).toEqual([{ code: '03', name: '交通运输' }]);
    expect(p.mapping.map((m: { fromCode: string; toCode: string }) => `${m.fromCode}>${m.toCode}`)).toEqual([
      '01>01',
      '0104>0105',
      '02>02',
      '0201>0201',
      '0302>0302',
    ]);
    expect(await ok(admin.get('/api/admin/category-versions'))).toHaveLength(versions.length);

    const bad = await admin.post('/api/admin/category-versions/preview', { csv: `${csv}\n0401,,04,2,` });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('CATEGORY_TABLE_INVALID');
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['row 7.name']);
    expect((await supervisor.post('/api/admin/category-versions/preview', { csv })).status).toBe(403);

    // Confirming records exactly the map the preview showed.
    const made = await ok(admin.post('/api/admin/category-versions/import', { label: '2029版', csv }), 201);
    const map = await ok(admin.get(`/api/admin/category-versions/${made.version}/mapping`));
    expect(map.pairs.map((m: { fromCode: string; toCode: string }) => `${m.fromCode}>${m.toCode}`)).toEqual(
      p.mapping.map((m: { fromCode: string; toCode: string }) => `${m.fromCode}>${m.toCode}`),
    );
    expect(map.retired).toEqual(p.retired);
  });

  it('a rule carried into a new tree version can be edited, and one per category × region is still all a version takes', async () => {
    const unit = await makeUnit(env, { name: '区住房和城乡建设局' });
    const other = await makeUnit(env, { name: '区城市管理局' });
    const rule = await ok(admin.post('/api/admin/dispatch-rules', { categoryCode: '0105', leadUnitId: unit.id }), 201);
    // (0105 is in the tree in force after the preview test's import.) The same tree again as a new version: 0105 keeps its code, and its rule is carried forward.
    const csv = (await admin.download(`/api/admin/category-versions/${rule.categoryVersion}/export`)).bytes.toString('utf8');
    const next = (await ok(admin.post('/api/admin/category-versions/import', { label: '2029版', csv }), 201)).version as number;
    const carried = (await ok(admin.get('/api/admin/dispatch-rules'))).find(
      (r: { categoryVersion: number; categoryCode: string }) => r.categoryVersion === next && r.categoryCode === '0105',
    );
    expect(carried).toBeTruthy();

    // The administrator moves 0105 to another unit in the tree in force: the old version's rule is history, not a clash.
    const moved = await admin.request('PUT', `/api/admin/dispatch-rules/${carried.id}`, { categoryCode: '0105', leadUnitId: other.id });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.data).toMatchObject({ categoryVersion: next, leadUnitId: other.id });
    // A second rule for 0105 × * in the same version is still refused.
    const twice = await admin.post('/api/admin/dispatch-rules', { categoryCode: '0105', leadUnitId: unit.id });
    expect(twice).toMatchObject({ status: 409, body: { code: 'RULE_EXISTS' } });
  });

  it('a rule kept from before versions (no version: it routes the tree in force) still clashes with a new one for the same pair', async () => {
    const unit = await makeUnit(env, { name: '区水务局' });
    // The demo seed and older databases hold such rules; routing reads them as rules of the current tree.
    await env.rt.db.execute(sql`insert into dispatch_rules (category_version, category_code, region_code, lead_unit_id, assisting_unit_ids, active)
      values (null, '02', '*', ${unit.id}, '{}', true)`);
    const twice = await admin.post('/api/admin/dispatch-rules', { categoryCode: '02', leadUnitId: unit.id });
    expect(twice).toMatchObject({ status: 409, body: { code: 'RULE_EXISTS' } });
  });
});

describe('tags (标签)', () => {
  it('lists the managed tags, sets them on a ticket as a timeline event, refuses unknown ones, and counts tickets per tag', async () => {
    const list = await ok(agent.get('/api/tags'));
    expect(list.map((t: { code: string }) => t.code)).toEqual(expect.arrayContaining(['elderly', 'night_time', 'safety_hazard', 'repeat_appeal']));
    const { ticketId } = await makeTicket(env, agentActor);
    const set = await ok(agent.request('PUT', `/api/tickets/${ticketId}/tags`, { tags: ['night_time', 'elderly'] }));
    expect(set.map((t: { code: string }) => t.code)).toEqual(['night_time', 'elderly']); // by kind: place & time, then who
    const timeline = (await ok(agent.get(`/api/tickets/${ticketId}`))).timeline;
    expect(timeline.find((e: { type: string }) => e.type === 'ticket.tagged').data).toEqual({ tags: ['elderly', 'night_time'], previous: [] });

    const unknown = await agent.request('PUT', `/api/tickets/${ticketId}/tags`, { tags: ['no_such_tag'] });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('TAG_NOT_FOUND');
    expect((await clerk.request('PUT', `/api/tickets/${ticketId}/tags`, { tags: [] })).status).toBe(403);

    // A retired tag is offered no more and cannot be set, but stays on the tickets that have it.
    await ok(admin.request('PUT', '/api/admin/tags/night_time', { name: '夜间', kind: 'place_time', active: false }));
    expect((await ok(agent.get('/api/tags'))).some((t: { code: string }) => t.code === 'night_time')).toBe(false);
    expect((await agent.request('PUT', `/api/tickets/${ticketId}/tags`, { tags: ['night_time', 'elderly'] })).status).toBe(200); // unchanged set: nothing to refuse
    expect((await ok(agent.get(`/api/tickets/${ticketId}/tags`))).map((t: { code: string }) => t.code)).toContain('night_time');

    const counts = await ok(supervisor.get(`/api/reports/tags?from=${today()}&to=${today()}`));
    expect(counts.find((c: { code: string }) => c.code === 'elderly')).toMatchObject({ name: '老年人', kind: 'who', tickets: 1 });
  });
});
