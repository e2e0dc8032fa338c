/**
 * The administration API over HTTP on real PostgreSQL/Redis: units (tree, kinds, regions, active),
 * staff accounts (create, disable, reset password, unlock, two-step reset) and the dispatch-rule
 * tester that runs the real routing function. Every change leaves an audit row.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { useTestEnv, makeUnit, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { importCategoryTree } from '../../server/catalog/use-cases/import-category-tree';
import { regions } from '../../server/catalog/tables';
import { dispatchRules } from '../../server/dispatch/tables';

const env = useTestEnv();
let admin: ApiClient;
let adminId: string;
let supervisor: ApiClient;
const u: Record<string, { id: string }> = {};

const audits = async (entityId: string) =>
  (
    await env.rt.db.execute<{ action: string; data: Record<string, unknown> }>(
      sql`select action, data from audit_log where entity_id = ${entityId} order by id`,
    )
  ).rows;

beforeAll(async () => {
  await importCategoryTree(
    env.rt.db,
    [
      { code: '01', name: '城乡建设', parentCode: null, level: 1 },
      { code: '0101', name: '市政设施', parentCode: '01', level: 2 },
      { code: '03', name: '民政', parentCode: null, level: 1 },
    ],
    't',
    't',
  );
  await env.rt.db.insert(regions).values([
    { code: '440100', name: '市', parentCode: null, level: 'city' },
    { code: '440106', name: '天河区', parentCode: '440100', level: 'district' },
  ]);
  u.city = await makeUnit(env, { kind: 'city_gov', regionCode: '440100', name: '市政府' });
  u.tianhe = await makeUnit(env, { kind: 'district_gov', regionCode: '440106', name: '天河区政府', parentId: u.city.id });
  u.zhujian = await makeUnit(env, { kind: 'functional', name: '住建局', regionCode: '440100' });
  await env.rt.db.insert(dispatchRules).values([{ categoryCode: '01', regionCode: '*', leadUnitId: u.zhujian.id }]);
  const a = await makeUser(env, 'admin');
  adminId = a.user.id;
  admin = await ApiClient.login(env.baseUrl, a.user.username);
  supervisor = await ApiClient.login(env.baseUrl, (await makeUser(env, 'supervisor')).user.username);
});

describe('units (承办单位)', () => {
  it('creates a street office under its district, refuses a loop and an unknown region in words, and audits each change', async () => {
    const created = await admin.post('/api/admin/units', {
      code: 'TH-LINHE',
      name: '林和街道办事处',
      kind: 'street',
      parentId: u.tianhe.id,
      regionCode: '440106',
    });
    expect(created.status).toBe(201);
    const id = created.body.data.id as string;
    expect((await admin.post('/api/admin/units', { code: 'TH-LINHE', name: '另一个', kind: 'street', parentId: null, regionCode: '440106' })).body.code).toBe(
      'UNIT_CODE_TAKEN',
    );

    const loop = await admin.request('PUT', `/api/admin/units/${u.tianhe.id}`, {
      name: '天河区政府',
      kind: 'district_gov',
      parentId: id,
      regionCode: '440106',
      active: true,
    });
    expect(loop.status).toBe(400);
    expect(loop.body).toMatchObject({ code: 'UNIT_PARENT_INVALID', message: expect.stringContaining('循环') });
    const badRegion = await admin.request('PUT', `/api/admin/units/${id}`, {
      name: '林和街道',
      kind: 'street',
      parentId: u.tianhe.id,
      regionCode: '999999',
      active: true,
    });
    expect(badRegion.body.code).toBe('REGION_NOT_FOUND');

    const renamed = await admin.request('PUT', `/api/admin/units/${id}`, {
      name: '林和街道',
      kind: 'street',
      parentId: u.tianhe.id,
      regionCode: '440106',
      active: false,
    });
    expect(renamed.status).toBe(200);
    const list = (await admin.get('/api/admin/units')).body.data as { id: string; name: string; active: boolean }[];
    expect(list.find((x) => x.id === id)).toMatchObject({ name: '林和街道', active: false });
    // The everyday list (agents, dispatchers) shows only units that still receive tickets.
    expect(((await supervisor.get('/api/units')).body.data as { id: string }[]).some((x) => x.id === id)).toBe(false);
    expect((await audits(id)).map((x) => x.action)).toEqual(['unit.created', 'unit.updated']);
  });

  it('will not deactivate a unit that still leads a dispatch rule', async () => {
    const r = await admin.request('PUT', `/api/admin/units/${u.zhujian.id}`, {
      name: '住建局',
      kind: 'functional',
      parentId: null,
      regionCode: '440100',
      active: false,
    });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: 'UNIT_IN_USE', rules: 1 });
  });

  it('is for the administrator only', async () => {
    expect((await supervisor.get('/api/admin/units')).status).toBe(403);
    expect((await supervisor.post('/api/admin/units', { code: 'X1', name: '某单位', kind: 'functional', parentId: null, regionCode: '440100' })).status).toBe(
      403,
    );
  });
});

describe('staff accounts', () => {
  it('creates an account with a one-time password that logs in; a reset ends its sessions and the old password', async () => {
    const c = await admin.post('/api/admin/users', { username: 'Agent.Wang', displayName: '王坐席', role: 'agent', unitId: null, phoneExtension: '8123' });
    expect(c.status).toBe(201);
    expect(c.headers.get('cache-control')).toBe('no-store');
    const { id, oneTimePassword } = c.body.data as { id: string; oneTimePassword: string };
    expect(oneTimePassword).toMatch(/^[A-Za-z2-9]{16}$/);
    const wang = await ApiClient.login(env.baseUrl, 'agent.wang', oneTimePassword);
    expect((await wang.get('/api/auth/me')).status).toBe(200);

    const reset = await admin.post(`/api/admin/users/${id}/reset-password`, {});
    expect(reset.body.data.oneTimePassword).not.toBe(oneTimePassword);
    expect((await wang.get('/api/auth/me')).status).toBe(401);
    expect((await new ApiClient(env.baseUrl).post('/api/auth/login', { username: 'agent.wang', password: oneTimePassword })).status).toBe(401);
    await ApiClient.login(env.baseUrl, 'agent.wang', reset.body.data.oneTimePassword);

    // Neither password appears in the audit trail or the list.
    const trail = JSON.stringify(await audits(id));
    expect(trail).not.toContain(oneTimePassword);
    expect(trail).not.toContain(reset.body.data.oneTimePassword);
    expect((await audits(id)).map((x) => x.action)).toEqual(['user.created', 'user.password_reset']);
    expect(JSON.stringify((await admin.get('/api/admin/users')).body)).not.toMatch(/password/i);
  });

  it('refuses a clerk without a unit, a taken username or extension, and disabling oneself, each in words', async () => {
    const noUnit = await admin.post('/api/admin/users', { username: 'clerk.x', displayName: '某', role: 'unit_clerk', unitId: null, phoneExtension: null });
    expect(noUnit.body).toMatchObject({ code: 'USER_UNIT_REQUIRED', message: '承办单位账号必须选择所属单位' });
    expect(
      (await admin.post('/api/admin/users', { username: 'agent.wang', displayName: '另一个', role: 'agent', unitId: null, phoneExtension: null })).body.code,
    ).toBe('USERNAME_TAKEN');
    expect(
      (await admin.post('/api/admin/users', { username: 'agent.li', displayName: '李', role: 'agent', unitId: null, phoneExtension: '8123' })).body.code,
    ).toBe('EXTENSION_TAKEN');
    const self = await admin.request('PUT', `/api/admin/users/${adminId}`, {
      displayName: 'x',
      role: 'admin',
      unitId: null,
      phoneExtension: null,
      active: false,
    });
    expect(self.body.code).toBe('CANNOT_CHANGE_SELF');
  });

  it('disabling ends the sessions at once; unlocking lifts the lockout; MFA status shows and resets', async () => {
    const { user } = await makeUser(env, 'supervisor');
    const sup = await ApiClient.login(env.baseUrl, user.username);
    const off = await admin.request('PUT', `/api/admin/users/${user.id}`, {
      displayName: user.displayName,
      role: 'supervisor',
      unitId: null,
      phoneExtension: null,
      active: false,
    });
    expect(off.status).toBe(200);
    expect((await sup.get('/api/auth/me')).status).toBe(401);
    await admin.request('PUT', `/api/admin/users/${user.id}`, {
      displayName: user.displayName,
      role: 'supervisor',
      unitId: null,
      phoneExtension: null,
      active: true,
    });

    for (let i = 0; i < 5; i++) await new ApiClient(env.baseUrl).post('/api/auth/login', { username: user.username, password: 'wrong-password' });
    let row = ((await admin.get('/api/admin/users')).body.data as { id: string; lockedUntil: string | null }[]).find((x) => x.id === user.id)!;
    expect(row.lockedUntil).not.toBeNull();
    expect((await admin.post(`/api/admin/users/${user.id}/unlock`, {})).status).toBe(200);
    row = ((await admin.get('/api/admin/users')).body.data as { id: string; lockedUntil: string | null }[]).find((x) => x.id === user.id)!;
    expect(row.lockedUntil).toBeNull();
    await ApiClient.login(env.baseUrl, user.username);

    await env.rt.db.execute(sql`update users set mfa_secret_enc = 'x', mfa_enabled_at = now() where id = ${user.id}`);
    let mfa = ((await admin.get('/api/admin/users')).body.data as { id: string; mfa: { enabled: boolean } }[]).find((x) => x.id === user.id)!.mfa;
    expect(mfa.enabled).toBe(true);
    expect((await admin.post(`/api/admin/users/${user.id}/reset-mfa`, {})).status).toBe(200);
    mfa = ((await admin.get('/api/admin/users')).body.data as { id: string; mfa: { enabled: boolean } }[]).find((x) => x.id === user.id)!.mfa;
    expect(mfa.enabled).toBe(false);
    expect((await audits(user.id)).map((x) => x.action)).toEqual(['user.disabled', 'user.enabled', 'user.unlocked', 'user.mfa_reset']);
  });

  it('is for the administrator only', async () => {
    expect((await supervisor.get('/api/admin/users')).status).toBe(403);
  });
});

describe('dispatch-rule tester', () => {
  it('answers with the rule and units the real routing function picks, and the fallback when no rule matches', async () => {
    const hit = await supervisor.post('/api/admin/dispatch-rules/test', { categoryCode: '0101', regionCode: '440106' });
    expect(hit.body.data).toMatchObject({ reason: 'ancestor_rule', leadUnit: { id: u.zhujian.id } });
    expect(hit.body.data.ruleId).toBeTruthy();
    const none = await supervisor.post('/api/admin/dispatch-rules/test', { categoryCode: '03', regionCode: '440106' });
    expect(none.body.data).toMatchObject({ ruleId: null, reason: 'district_fallback', leadUnit: { id: u.tianhe.id } });
    const bad = await supervisor.post('/api/admin/dispatch-rules/test', { categoryCode: 'abc', regionCode: '440106' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
  });

  it('a rule edit is audited, and a second rule for the same category and region is refused in words', async () => {
    const made = await admin.post('/api/admin/dispatch-rules', { categoryCode: '03', regionCode: '440106', leadUnitId: u.tianhe.id });
    expect(made.status).toBe(201);
    const again = await admin.post('/api/admin/dispatch-rules', { categoryCode: '03', regionCode: '440106', leadUnitId: u.city.id });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'RULE_EXISTS', message: '该分类和区域已有派单规则，请编辑原规则', ruleId: made.body.data.id });
    expect((await admin.request('DELETE', `/api/admin/dispatch-rules/${made.body.data.id}`)).status).toBe(204);
    expect((await audits(made.body.data.id)).map((x) => x.action)).toEqual(['dispatch_rule.created', 'dispatch_rule.deactivated']);
    // The tester follows: with the rule off, the place's district government takes it again.
    expect((await supervisor.post('/api/admin/dispatch-rules/test', { categoryCode: '03', regionCode: '440106' })).body.data.reason).toBe('district_fallback');
  });
});

describe('knowledge base for its editors', () => {
  it('the editors’ list shows retired articles (to publish again); an agent’s never does', async () => {
    const a = await admin.post('/api/knowledge/articles', { title: '居住证办理', body: '携带身份证和租赁合同到街道办理。' });
    await admin.request('DELETE', `/api/knowledge/articles/${a.body.data.id}`);
    const mine = (await admin.get('/api/knowledge/articles?includeRetired=true')).body.data as { id: string; active: boolean }[];
    expect(mine.find((x) => x.id === a.body.data.id)).toMatchObject({ active: false });
    const agent = await ApiClient.login(env.baseUrl, (await makeUser(env, 'agent')).user.username);
    expect(((await agent.get('/api/knowledge/articles?includeRetired=true')).body.data as { id: string }[]).some((x) => x.id === a.body.data.id)).toBe(false);
  });
});

describe('category tree versions', () => {
  it('lists the versions, exports one as CSV and says what changed between two by code', async () => {
    await importCategoryTree(
      env.rt.db,
      [
        { code: '01', name: '城乡建设管理', parentCode: null, level: 1 },
        { code: '0101', name: '市政设施', parentCode: '01', level: 2 },
        { code: '04', name: '环境保护', parentCode: null, level: 1 },
      ],
      'v2',
      'test',
    );
    const versions = (await supervisor.get('/api/admin/category-versions')).body.data as { version: number; nodes: number }[];
    expect(versions.map((v) => v.nodes)).toEqual([3, 3]);
    const [to, from] = versions.map((v) => v.version);
    const diff = (await supervisor.get(`/api/admin/category-diff?from=${from}&to=${to}`)).body.data;
    expect(diff.added.map((n: { code: string }) => n.code)).toEqual(['04']);
    expect(diff.removed.map((n: { code: string }) => n.code)).toEqual(['03']);
    expect(diff.renamed).toEqual([{ code: '01', from: '城乡建设', to: '城乡建设管理' }]);
    // The export is the administrator's (it imports back unchanged: category-versions.test.ts).
    expect((await supervisor.download(`/api/admin/category-versions/${to}/export`)).status).toBe(403);
    const csv = await admin.download(`/api/admin/category-versions/${to}/export`);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.bytes.toString('utf8')).toMatch(/0101.*市政设施/);
    expect((await supervisor.get('/api/admin/category-diff?from=1&to=99')).status).toBe(404);
  });
});

describe('time limits', () => {
  it('a holiday year and a preset are audited; a make-up workday on a weekday is refused with the issue named', async () => {
    const bad = await admin.request('PUT', '/api/admin/holidays/2030', { rows: [{ date: '2030-03-05', kind: 'workday', name: '测试' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0]).toMatchObject({ code: 'HOLIDAY_WORKDAY_ON_WEEKDAY', date: '2030-03-05' });
    expect((await admin.request('PUT', '/api/admin/holidays/2030', { rows: [{ date: '2030-10-01', kind: 'holiday', name: '国庆节' }] })).status).toBe(200);
    expect((await admin.post('/api/admin/sla-policies/preset', { name: 'guangdong-2022' })).status).toBe(200);
    const rows = (
      await env.rt.db.execute<{ action: string }>(
        sql`select action from audit_log where action in ('holidays.replaced', 'sla_policy.preset_applied') order by id`,
      )
    ).rows;
    expect(rows.map((x) => x.action)).toEqual(['holidays.replaced', 'sla_policy.preset_applied']);
  });
});
