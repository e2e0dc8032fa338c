import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { useTestEnv, makeUser } from '../../test/helpers/env';
import { ApiClient } from '../../test/helpers/http';
import { importCategoryTree } from '../catalog/use-cases/import-category-tree';
import { chinaDay } from './today-volume';

const env = useTestEnv();
let agent: ApiClient, supervisor: ApiClient, dispatcher: ApiClient;
let catA: { code: string; name: string }, catB: { code: string; name: string };

async function register(channel: string, categoryCode?: string) {
  const r = await agent.post('/api/tickets', {
    channel,
    callerPhone: '13800138000',
    content: `今日受理量测试 ${channel} ${Math.random()}`,
    appealType: 'consult',
    ...(categoryCode ? { categoryCode } : {}),
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.data.id as string;
}
const moveTo = (id: string, at: Date) => env.rt.db.execute(sql`update tickets set created_at = ${at.toISOString()}::timestamptz where id = ${id}`);

beforeAll(async () => {
  agent = await ApiClient.login(env.baseUrl, (await makeUser(env, 'agent')).user.username);
  supervisor = await ApiClient.login(env.baseUrl, (await makeUser(env, 'supervisor')).user.username);
  dispatcher = await ApiClient.login(env.baseUrl, (await makeUser(env, 'dispatcher')).user.username);
  [catA, catB] = [
    { code: '0101', name: '市政设施' },
    { code: '0102', name: '物业管理' },
  ];
  await importCategoryTree(
    env.rt.db,
    [
      { code: '01', name: '城乡建设', parentCode: null, level: 1 },
      { ...catA, parentCode: '01', level: 2 },
      { ...catB, parentCode: '01', level: 2 },
    ],
    'test',
    'test',
  );
});

describe('GET /api/reports/today-volume', () => {
  it("counts today's (China day) tickets by channel and by category, leaving out yesterday's", async () => {
    const { start } = chinaDay(new Date());
    // By hand: today phone×3 (A, A, none), web×2 (B, B), email×1 (A), the first phone one at 00:00:00 sharp;
    // yesterday (23:59:59) one phone/A and one web/B, which must not count.
    const first = await register('phone', catA.code);
    await register('phone', catA.code);
    await register('phone');
    await register('web', catB.code);
    await register('web', catB.code);
    await register('email', catA.code);
    const old1 = await register('phone', catA.code);
    const old2 = await register('web', catB.code);
    await moveTo(first, start);
    await moveTo(old1, new Date(start.getTime() - 1000));
    await moveTo(old2, new Date(start.getTime() - 3600_000));

    const r = await supervisor.get('/api/reports/today-volume');
    expect(r.status).toBe(200);
    const v = r.body.data;
    expect(v.day).toBe(chinaDay(new Date()).day);
    expect(v.total).toBe(6);
    expect(v.byChannel).toEqual([
      { key: 'phone', name: null, count: 3 },
      { key: 'web', name: null, count: 2 },
      { key: 'email', name: null, count: 1 },
    ]);
    expect(v.byCategory).toEqual([
      { key: catA.code, name: catA.name, count: 3 },
      { key: catB.code, name: catB.name, count: 2 },
      { key: '-', name: null, count: 1 },
    ]);
  });

  it('is read through the created_at index, not a scan of all tickets', async () => {
    const { start, end } = chinaDay(new Date());
    // 20,000 older tickets (about 70 days' worth) so the planner sees a table where today is a sliver.
    await env.rt.db.execute(sql`insert into tickets (number, status, channel, external_id, title, content, created_at)
      select 'OLD-' || g, 'closed', 'phone', 'old-' || g, '旧工单', '旧工单', ${start.toISOString()}::timestamptz - g * interval '5 minutes'
      from generate_series(1, 20000) g`);
    await env.rt.db.execute(sql`analyze tickets`);
    const plan = await env.rt.db.execute<{ 'QUERY PLAN': string }>(sql`explain select channel, coalesce(category_code, '-'), count(*)::int
      from tickets where created_at >= ${start.toISOString()}::timestamptz and created_at < ${end.toISOString()}::timestamptz group by 1, 2`);
    expect(plan.rows.map((x) => x['QUERY PLAN']).join('\n')).toMatch(/Index Scan (using|on) tickets_created_idx/);
    expect((await supervisor.get('/api/reports/today-volume')).body.data.total).toBe(6);
  });

  it('is for the wall (supervisor, dispatcher, admin), not for agents', async () => {
    expect((await dispatcher.get('/api/reports/today-volume')).status).toBe(200);
    expect((await agent.get('/api/reports/today-volume')).status).toBe(403);
  });

  it('takes the China day, not the server clock day', () => {
    // 2026-11-25 17:30 UTC is 2026-11-26 01:30 in China.
    const d = chinaDay(new Date('2026-11-25T17:30:00Z'));
    expect(d.day).toBe('2026-11-26');
    expect(d.start.toISOString()).toBe('2026-11-25T16:00:00.000Z');
    expect(d.end.toISOString()).toBe('2026-11-26T16:00:00.000Z');
  });
});
