import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { useTestEnv, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { importCategoryTree } from '../../server/catalog/use-cases/import-category-tree';

// A fixed suggester stands in for the model here: this file is about what the server does with a
// suggestion (store it, keep the agent's correction), not about the model's quality.
const env = useTestEnv({
  classify: () => ({
    category: '城乡建设',
    confidence: 0.81,
    alternatives: [{ category: '交通运输', confidence: 0.12 }],
    type: 'complaint',
    urgency: 'normal',
    emergency: null,
    reasons: ['道路'],
    modelVersion: 'test-v1',
  }),
});
let agent: ApiClient, admin: ApiClient;

beforeAll(async () => {
  await importCategoryTree(
    env.rt.db,
    [
      { code: '01', name: '城乡建设', parentCode: null, level: 1 },
      { code: '02', name: '交通运输', parentCode: null, level: 1 },
      { code: '0201', name: '公交', parentCode: '02', level: 2 },
    ],
    't',
    't',
  );
  agent = await ApiClient.login(env.baseUrl, (await makeUser(env, 'agent')).user.username);
  admin = await ApiClient.login(env.baseUrl, (await makeUser(env, 'admin')).user.username);
});

describe('classification in the loop', () => {
  it('stores the suggestion with its model version, and keeps the agent correction as a training row', async () => {
    const t = await agent.post('/api/tickets', { callerPhone: '13800000001', content: '12路公交车经常不按站点停靠' });
    expect(t.body.data.suggestion).toMatchObject({ category: '城乡建设', modelVersion: 'test-v1' });
    expect(t.body.data.appealType).toBe('complaint');
    await agent.action(t.body.data.id, 'submit', { categoryCode: '0201' });
    const rows = (
      await env.rt.db.execute(sql`select suggested, confirmed, category_code as "categoryCode", model_version as "modelVersion"
      from classifier_corrections`)
    ).rows;
    expect(rows).toEqual([{ suggested: '城乡建设', confirmed: '交通运输', categoryCode: '0201', modelVersion: 'test-v1' }]);

    const kept = await agent.post('/api/tickets', { callerPhone: '13800000002', content: '小区道路破损' });
    await agent.action(kept.body.data.id, 'submit', { categoryCode: '01' });
    expect((await env.rt.db.execute(sql`select count(*)::int as n from classifier_corrections`)).rows[0]).toEqual({ n: 1 });
    const report = (await admin.get('/api/admin/classifier')).body.data.agreement;
    expect(report).toEqual([expect.objectContaining({ category: '城乡建设', confirmed: 2, corrected: 1, agreement: 0.5 })]);
  });

  it('a submitted ticket is filed under the current category tree, as every other lookup reads it, and its top level named from it', async () => {
    // A newer tree renames the first level: the ticket must carry the new version and be compared with the new name.
    await importCategoryTree(
      env.rt.db,
      [
        { code: '01', name: '城乡建设', parentCode: null, level: 1 },
        { code: '02', name: '交通出行', parentCode: null, level: 1 },
        { code: '0201', name: '公交', parentCode: '02', level: 2 },
      ],
      't2',
      't2',
    );
    const [{ current }] = (await env.rt.db.execute<{ current: number }>(sql`select max(version)::int as current from category_tree_versions`)).rows;
    const t = await agent.post('/api/tickets', { callerPhone: '13800000003', content: '公交车站牌损坏' });
    expect((await agent.action(t.body.data.id, 'submit', { categoryCode: '0201' })).status).toBe(200);
    const [row] = (await env.rt.db.execute<{ v: number }>(sql`select category_version as v from tickets where id = ${t.body.data.id}`)).rows;
    expect(row.v).toBe(current);
    const [c] = (await env.rt.db.execute<{ confirmed: string }>(sql`select confirmed from classifier_corrections where ticket_id = ${t.body.data.id}`)).rows;
    expect(c.confirmed).toBe('交通出行');
  });
});
