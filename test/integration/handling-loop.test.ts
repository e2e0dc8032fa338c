/**
 * The handling loop's open items, over HTTP on real PostgreSQL and Redis: a manual reopen (重办)
 * supersedes the earlier round's open callback task, and the new round gets its own task.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { useTestEnv, makeUnit, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { closeOverHttp, makeTicket, type HandlingCrew } from '../helpers/factories';
import { setPolicy } from '../../server/callbacks/policy';
import type { Actor } from '../../server/platform/context';

const env = useTestEnv();
let agent: ApiClient, dispatcher: ApiClient, clerk: ApiClient;
let crew: HandlingCrew, unitId: string, agentActor: Actor;

beforeAll(async () => {
  const unit = await makeUnit(env, { name: '市水务局' });
  unitId = unit.id;
  const a = await makeUser(env, 'agent');
  agentActor = a.actor;
  agent = await ApiClient.login(env.baseUrl, a.user.username);
  dispatcher = await ApiClient.login(env.baseUrl, (await makeUser(env, 'dispatcher')).user.username);
  clerk = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId })).user.username);
  crew = { agent, dispatcher, clerk, unitId };
});

async function callbacksOf(ticketId: string) {
  return (await env.rt.db.execute<{ id: string; round: number; status: string; reason: string }>(sql`
    select id, round, status, reason from callbacks where ticket_id = ${ticketId} order by round`)).rows;
}

describe('manual reopen (重办) and the open callback task', () => {
  it('supersedes the earlier round\'s pending callback, with its event, audit and outbox rows, and calls back the new round', async () => {
    await setPolicy(env.rt.db, { sampleRate: 1, callbackBy: 'agent' }, null);
    const { ticketId } = await makeTicket(env, agentActor);
    await closeOverHttp(env, ticketId, crew);
    const [first] = await callbacksOf(ticketId);
    expect(first).toMatchObject({ round: 1, status: 'pending' });

    // Staff reopen by hand while the callback is still open.
    const r = await dispatcher.action(ticketId, 'reopen', { reason: '诉求人来电反映问题仍未解决' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);

    const [after] = await callbacksOf(ticketId);
    expect(after).toMatchObject({ id: first.id, status: 'superseded' });
    // The agent's open task list no longer offers it; the superseded list does.
    const open = (await agent.get('/api/callbacks')).body.data as { id: string }[];
    expect(open.map((c) => c.id)).not.toContain(first.id);
    const superseded = await agent.get('/api/callbacks?status=superseded');
    expect(superseded.status).toBe(200);
    expect((superseded.body.data as { id: string; status: string }[]).find((c) => c.id === first.id)?.status).toBe('superseded');
    // Recording an answer on it is refused: it asks about a reply that has been replaced.
    const late = await agent.post(`/api/callbacks/${first.id}/outcome`, { reached: true, result: 'solved', score: 5 });
    expect(late.status).toBe(409);

    // The timeline says so, in the reopen's transaction: event + audit + outbox rows.
    const ev = (await env.rt.db.execute<{ seq: number; data: { callbackId: string } }>(sql`
      select seq, data from ticket_events where ticket_id = ${ticketId} and type = 'callback.superseded'`)).rows;
    expect(ev).toHaveLength(1);
    expect(ev[0].data.callbackId).toBe(first.id);
    const reopenSeq = (await env.rt.db.execute<{ seq: number; txid: string }>(sql`
      select seq from ticket_events where ticket_id = ${ticketId} and type = 'ticket.reopened'`)).rows[0].seq;
    expect(Math.abs(ev[0].seq - reopenSeq)).toBe(1);
    const rows = (await env.rt.db.execute<{ audits: number; outbox: number }>(sql`select
      (select count(*)::int from audit_log where entity_type = 'ticket' and entity_id = ${ticketId} and action = 'callback.superseded') as audits,
      (select count(*)::int from outbox where payload->>'ticketId' = ${ticketId} and topic = 'callback.superseded') as outbox`)).rows[0];
    expect(rows).toEqual({ audits: 1, outbox: 1 });

    // The new round closes: the citizen is called back about the new answer (reason: reopened), even outside the sample.
    await setPolicy(env.rt.db, { sampleRate: 0 }, null);
    for (const [who, action, body] of [[dispatcher, 'dispatch', { leadUnitId: unitId }], [clerk, 'sign', {}], [clerk, 'start', {}],
      [clerk, 'reply', { text: '已重新处理' }], [dispatcher, 'accept-reply', {}]] as const) {
      if (action === 'sign') await env.rt.db.execute(sql`update dispatches set reply_due_at = now() + interval '10 days' where ticket_id = ${ticketId}`);
      const s = await who.action(ticketId, action, body);
      expect(s.status, `${action}: ${JSON.stringify(s.body)}`).toBe(200);
    }
    const all = await callbacksOf(ticketId);
    expect(all).toHaveLength(2);
    expect(all[1]).toMatchObject({ round: 2, status: 'pending', reason: 'reopened' });
    expect(((await agent.get('/api/callbacks')).body.data as { id: string }[]).map((c) => c.id)).toContain(all[1].id);
  });
});
