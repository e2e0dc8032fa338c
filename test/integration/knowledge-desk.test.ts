import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from 'bullmq';
import { startEventsWorker } from '../../server/event-handlers';
import { makeUser, useTestEnv } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { makeTicket } from '../helpers/factories';
import type { DevSmsSender } from '../../server/citizen/sms-sender';

const env = useTestEnv();
let worker: Worker;
beforeAll(() => {
  worker = startEventsWorker(env.rt, 'redis://127.0.0.1:6379', undefined, { publicBaseUrl: 'https://12345.example.gov.cn' });
});
afterAll(async () => {
  await worker?.close();
});

async function until<T>(what: string, fn: () => Promise<T | false | undefined> | T | false | undefined, ms = 15_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function setup(phone: string) {
  const agent = await makeUser(env, 'agent');
  const a = await ApiClient.login(env.baseUrl, agent.user.username);
  const sup = await ApiClient.login(env.baseUrl, (await makeUser(env, 'supervisor')).user.username);
  const art = await sup.post('/api/knowledge/articles', {
    title: '居住证办理',
    body: '办理居住证需携带身份证、租赁合同，到居住地派出所或社区服务中心办理，5个工作日内发证。',
  });
  expect(art.status).toBe(201);
  const { ticketId } = await makeTicket(env, agent.actor, { phone, content: '想问一下居住证怎么办理' });
  return { a, articleId: art.body.data.id as string, ticketId };
}

describe('agent desk knowledge base', () => {
  it('searches articles by words typed in the search box', async () => {
    const { a } = await setup('13900001111');
    const r = await a.get(`/api/knowledge/articles?q=${encodeURIComponent('居住证')}&validOnly=true`);
    expect(r.status).toBe(200);
    expect(r.body.data.map((x: { title: string }) => x.title)).toContain('居住证办理');
  });

  it('sends an answer by SMS to the caller, on the ticket timeline, through the SMS sender; a fourth within the hour is refused', async () => {
    const { a, articleId, ticketId } = await setup('13900002222');
    const r = await a.post(`/api/tickets/${ticketId}/knowledge-sms`, { articleId });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const t = (await a.get(`/api/tickets/${ticketId}`)).body.data;
    const ev = t.timeline.find((e: { type: string }) => e.type === 'knowledge.answer_sms_sent');
    expect(ev.data).toMatchObject({ knowledgeArticleId: articleId, title: '居住证办理' });
    const sent = await until('sms sent', () =>
      (env.rt.sms as unknown as DevSmsSender).sent.find((m) => m.template === 'knowledge_answer' && m.phone === '13900002222'),
    );
    expect(sent.params.answer).toContain('派出所');
    expect(sent.params.ticketNo).toBe(t.number);
    for (let i = 0; i < 2; i++) expect((await a.post(`/api/tickets/${ticketId}/knowledge-sms`, { articleId })).status).toBe(202);
    const fourth = await a.post(`/api/tickets/${ticketId}/knowledge-sms`, { articleId });
    expect(fourth.status).toBe(429);
    const events = (await a.get(`/api/tickets/${ticketId}`)).body.data.timeline.filter((e: { type: string }) => e.type === 'knowledge.answer_sms_sent');
    expect(events).toHaveLength(3);
  });

  it('refuses a caller without a mobile and writes nothing', async () => {
    const { a, articleId } = await setup('13900003333');
    const agent = await makeUser(env, 'agent');
    const { ticketId } = await makeTicket(env, agent.actor, { phone: '02087654321' });
    const r = await a.post(`/api/tickets/${ticketId}/knowledge-sms`, { articleId });
    expect(r.body.code).toBe('ANSWER_SMS_NO_MOBILE');
    expect((await a.get(`/api/tickets/${ticketId}`)).body.data.timeline.some((e: { type: string }) => e.type === 'knowledge.answer_sms_sent')).toBe(false);
  });

  it('answers directly from an article and closes, citing it', async () => {
    const { a, articleId, ticketId } = await setup('13900004444');
    expect((await a.action(ticketId, 'answer-directly', { answer: '居住证到派出所办理', knowledgeArticleId: articleId })).status).toBe(200);
    expect((await a.action(ticketId, 'close-direct', {})).status).toBe(200);
    const t = (await a.get(`/api/tickets/${ticketId}`)).body.data;
    expect(t.status).toBe('closed');
    expect(t.timeline.find((e: { type: string }) => e.type === 'ticket.answered_directly').data.knowledgeArticleId).toBe(articleId);
  });
});
