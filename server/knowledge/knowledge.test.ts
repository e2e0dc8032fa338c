import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { useTestEnv, makeUser } from '../../test/helpers/env';
import { ApiClient } from '../../test/helpers/http';
import { makeTicket } from '../../test/helpers/factories';
import { knowledgeArticles } from './tables';
import { bigramTerms } from './search-text';
import type { Actor } from '../platform/context';

const env = useTestEnv();
let admin: ApiClient, agent: ApiClient, clerk: ApiClient;
let agentActor: Actor;

async function ok(p: Promise<{ status: number; body: any }>, status = 200) {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body.data;
}

const ARTICLES = [
  {
    title: '居住证办理流程',
    body: '持有本市居住登记满半年的来本市人员，可凭身份证、居住登记凭证到居住地派出所或政务服务中心申领居住证，办理时限为15个工作日。',
    categoryCode: '01',
  },
  { title: '新生儿医保参保登记', body: '新生儿出生后可在出生之日起3个月内通过政务服务网或社区服务中心办理城乡居民医疗保险参保登记。', categoryCode: '02' },
  { title: '住房公积金提取条件', body: '购买、建造、翻建、大修自住住房，偿还住房贷款本息，或租房自住的，可申请提取住房公积金。', categoryCode: '03' },
  { title: '旧版居住证政策（已废止）', body: '居住证办理需提供劳动合同，本政策已废止。', categoryCode: '01', validTo: '2020-12-31' },
];

beforeAll(async () => {
  admin = await ApiClient.login(env.baseUrl, (await makeUser(env, 'admin')).user.username);
  const a = await makeUser(env, 'agent');
  agentActor = a.actor;
  agent = await ApiClient.login(env.baseUrl, a.user.username);
  clerk = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk')).user.username);
  for (const x of ARTICLES) await ok(admin.post('/api/knowledge/articles', x), 201);
});

describe('knowledge base', () => {
  it('splits Chinese into bigrams and keeps Latin words whole', () => {
    expect(bigramTerms('办理居住证 ABC')).toEqual(['办理', '理居', '居住', '住证', 'abc']);
  });

  it('suggests the articles in force that match what the caller said, best first', async () => {
    const s = await ok(agent.get(`/api/knowledge/suggest?text=${encodeURIComponent('请问外地人怎么办居住证，需要什么材料')}`));
    expect(s[0].title).toBe('居住证办理流程');
    expect(s.map((x: { title: string }) => x.title)).not.toContain('旧版居住证政策（已废止）');
    const all = await ok(agent.get(`/api/knowledge/articles?q=${encodeURIComponent('居住证')}`));
    expect(all.map((x: { title: string }) => x.title)).toContain('旧版居住证政策（已废止）');
    const pf = await ok(agent.get(`/api/knowledge/suggest?text=${encodeURIComponent('公积金能不能提取出来付房租')}`));
    expect(pf[0].title).toBe('住房公积金提取条件');
  });

  it('lists every active article without a query, most used first', async () => {
    const all = await ok(clerk.get('/api/knowledge/articles'));
    expect(all.map((x: { title: string }) => x.title).sort()).toEqual(ARTICLES.map((x) => x.title).sort());
  });

  it('lets admin and supervisors edit; others get 403; retired articles leave suggestions', async () => {
    expect((await clerk.post('/api/knowledge/articles', ARTICLES[0])).status).toBe(403);
    expect((await agent.post('/api/knowledge/articles', ARTICLES[0])).status).toBe(403);
    const bad = await admin.post('/api/knowledge/articles', { ...ARTICLES[0], validFrom: '2030-01-01', validTo: '2029-01-01' });
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    const [row] = await env.rt.db.select().from(knowledgeArticles).where(eq(knowledgeArticles.title, '新生儿医保参保登记'));
    const upd = await ok(admin.request('PATCH', `/api/knowledge/articles/${row.id}`, { title: '新生儿医保参保登记（2026版）' }));
    expect(upd.title).toBe('新生儿医保参保登记（2026版）');
    expect((await ok(agent.get(`/api/knowledge/suggest?text=${encodeURIComponent('2026版 新生儿')}`)))[0].id).toBe(row.id);
    await ok(admin.request('DELETE', `/api/knowledge/articles/${row.id}`));
    expect((await ok(agent.get(`/api/knowledge/suggest?text=${encodeURIComponent('新生儿医保')}`))).map((x: { id: string }) => x.id)).not.toContain(row.id);
    expect((await admin.get('/api/knowledge/articles/00000000-0000-4000-8000-000000000000')).body.code).toBe('ARTICLE_NOT_FOUND');
  });

  it('counts an article when it answers a ticket directly', async () => {
    const [row] = await env.rt.db.select().from(knowledgeArticles).where(eq(knowledgeArticles.title, '居住证办理流程'));
    const { ticketId } = await makeTicket(env, agentActor, { content: '外地人如何办理居住证' });
    await ok(agent.action(ticketId, 'answer-directly', { answer: row.body, knowledgeArticleId: row.id }));
    const after = await ok(agent.get(`/api/knowledge/articles/${row.id}`));
    expect(after.usageCount).toBe(row.usageCount + 1);
  });
});
