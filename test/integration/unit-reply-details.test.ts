import { describe, expect, it } from 'vitest';
import { makeUnit, makeUser, useTestEnv } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { makeTicket } from '../helpers/factories';

const env = useTestEnv();

async function crew() {
  const unit = await makeUnit(env);
  const agent = await makeUser(env, 'agent');
  const a = await ApiClient.login(env.baseUrl, agent.user.username);
  const clerk = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId: unit.id })).user.username);
  const { ticketId } = await makeTicket(env, agent.actor);
  expect((await a.action(ticketId, 'submit', { appealType: 'complaint' })).status).toBe(200);
  expect((await a.action(ticketId, 'dispatch', { leadUnitId: unit.id })).status).toBe(200);
  expect((await clerk.action(ticketId, 'sign')).status).toBe(200);
  return { a, clerk, ticketId };
}

describe('a unit reply with structured fields (办理结果, 是否联系市民, contact time)', () => {
  it('stores them with the reply and puts them on the timeline; the sign-for deadline stays on the dispatch after signing', async () => {
    const { clerk, ticketId } = await crew();
    const contactedAt = new Date().toISOString(); // after the appeal came in, not in the future
    const r = await clerk.action(ticketId, 'reply', { text: '已现场处理，路灯已修复', outcome: 'resolved', citizenContacted: true, contactedAt });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const t = (await clerk.get(`/api/tickets/${ticketId}`)).body.data;
    expect(t.dispatches[0].replyDetails).toEqual({ outcome: 'resolved', citizenContacted: true, contactedAt });
    expect(t.dispatches[0].signDueAt).toBeTruthy();
    expect(t.dispatches[0].signedAt).toBeTruthy();
    const replied = t.timeline.find((e: { type: string }) => e.type === 'ticket.replied');
    expect(replied.data.details).toEqual({ outcome: 'resolved', citizenContacted: true, contactedAt });
  });

  it('refuses a contact time without contact, contact without a time, and a time in the future — nothing written', async () => {
    const { clerk, ticketId } = await crew();
    const past = new Date(Date.now() - 60_000).toISOString();
    for (const body of [
      { text: '已处理', outcome: 'resolved', citizenContacted: false, contactedAt: past },
      { text: '已处理', outcome: 'resolved', citizenContacted: true },
      { text: '已处理', outcome: 'resolved', citizenContacted: true, contactedAt: new Date(Date.now() + 3600_000).toISOString() },
    ]) {
      const r = await clerk.action(ticketId, 'reply', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.code).toBe('REPLY_CONTACT_INVALID');
    }
    const t = (await clerk.get(`/api/tickets/${ticketId}`)).body.data;
    expect(t.status).toBe('signed');
    expect(t.timeline.some((e: { type: string }) => e.type === 'ticket.replied')).toBe(false);
    // A text-only reply (older integrations) still goes through.
    expect((await clerk.action(ticketId, 'start')).status).toBe(200);
    expect((await clerk.action(ticketId, 'reply', { text: '已处理' })).status).toBe(200);
  });

  it('lists reply templates for the unit form', async () => {
    const { clerk } = await crew();
    const r = await clerk.get('/api/reply-templates');
    expect(r.status).toBe(200);
    expect(r.body.data.length).toBeGreaterThan(2);
    expect(r.body.data[0]).toMatchObject({ id: expect.any(String), outcome: expect.any(String), title: expect.any(String), text: expect.any(String) });
  });

  it('offers the reply templates the administrator keeps on /admin (in use only), after the built-in ones', async () => {
    const { clerk } = await crew();
    const admin = await ApiClient.login(env.baseUrl, (await makeUser(env, 'admin')).user.username);
    const made = await admin.post('/api/admin/text-snippets', {
      kind: 'unit_reply',
      title: '道路已修复',
      body: '经核查，路面坑洞已于{日期}修补完毕，已电话告知市民。',
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const retired = await admin.post('/api/admin/text-snippets', { kind: 'unit_reply', title: '旧模板', body: '不再使用的答复' });
    expect(
      (await admin.request('PUT', `/api/admin/text-snippets/${retired.body.data.id}`, { title: '旧模板', body: '不再使用的答复', active: false })).status,
    ).toBe(200);
    const phrase = await admin.post('/api/admin/text-snippets', { kind: 'agent_phrase', title: '坐席用语', body: '您好，这里是12345' });
    expect(phrase.status).toBe(201);
    const list = (await clerk.get('/api/reply-templates')).body.data as { id: string; outcome: string | null; title: string; text: string }[];
    const mine = list.find((x) => x.title === '道路已修复');
    expect(mine).toMatchObject({ id: made.body.data.id, outcome: null, text: '经核查，路面坑洞已于{日期}修补完毕，已电话告知市民。' });
    expect(list.indexOf(mine!)).toBeGreaterThan(list.findIndex((x) => x.outcome === 'resolved'));
    expect(list.map((x) => x.title)).not.toContain('旧模板');
    expect(list.map((x) => x.title)).not.toContain('坐席用语');
  });
});
