/** The supervisor wall's queue counts come from one server query over every ticket, not a sample. */
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { useTestEnv, makeUnit, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { makeTicket } from '../helpers/factories';
import { signRequest } from '../../integrations/shared/hmac';

const env = useTestEnv({ app: { channels: { ctiKeys: 'cti1:cti-secret-1', open311ApiKeys: '', open311Jurisdiction: 'rexian.test' } } });
let supervisor: ApiClient;

beforeAll(async () => {
  const unit = await makeUnit(env, { name: '市住建局' });
  const agent = await makeUser(env, 'agent');
  const agentApi = await ApiClient.login(env.baseUrl, agent.user.username);
  const dispatcher = await ApiClient.login(env.baseUrl, (await makeUser(env, 'dispatcher')).user.username);
  supervisor = await ApiClient.login(env.baseUrl, (await makeUser(env, 'supervisor')).user.username);
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await makeTicket(env, agent.actor)).ticketId);
  for (const id of ids.slice(0, 3)) expect((await agentApi.action(id, 'submit', { appealType: 'complaint' })).status).toBe(200);
  for (const id of ids.slice(0, 2)) expect((await dispatcher.action(id, 'dispatch', { leadUnitId: unit.id })).status).toBe(200);
  // One dispatched ticket is overdue, the other due in three hours.
  await env.rt.db.execute(sql`update dispatches set reply_due_at = now() - interval '1 day' where ticket_id = ${ids[0]}`);
  await env.rt.db.execute(sql`update dispatches set reply_due_at = now() + interval '3 hours' where ticket_id = ${ids[1]}`);
});

describe('wall queue counts', () => {
  it('counts every open status and the tickets past or near their deadline in one answer', async () => {
    const r = await supervisor.get('/api/reports/queue-counts');
    expect(r.status).toBe(200);
    expect(r.body.data.byStatus).toMatchObject({ received: 2, pending_dispatch: 1, dispatched: 2, signed: 0, replied: 0 });
    expect(r.body.data).toMatchObject({ overdue: 1, nearDeadline: 1, nearDeadlineHours: 24 });
  });

  it('shows today’s calls: answered, abandoned, the 20-second service level and the average wait', async () => {
    const send = async (events: unknown[]) => {
      const body = JSON.stringify(events);
      const r = await fetch(`${env.baseUrl}/channels/phone/events`, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          ...signRequest({ keyId: 'cti1', secret: 'cti-secret-1', method: 'POST', path: '/channels/phone/events', body }),
        },
      });
      expect(r.status).toBe(202);
    };
    const t0 = Date.now() - 600_000;
    const at = (s: number) => new Date(t0 + s * 1000).toISOString();
    const ev = (callId: string, n: number, type: string, s: number) => ({
      eventId: `${callId}-${n}`,
      callId,
      type,
      at: at(s),
      direction: 'inbound',
      caller: '13911112222',
      callee: '12345',
    });
    await send([ev('A', 1, 'ringing', 0), ev('A', 2, 'answered', 10), ev('A', 3, 'ended', 100)]); // answered in 10 s
    await send([ev('B', 1, 'ringing', 0), ev('B', 2, 'answered', 30), ev('B', 3, 'ended', 90)]); // answered in 30 s
    await send([ev('C', 1, 'ringing', 0), ev('C', 2, 'ended', 45)]); // gave up
    const r = await supervisor.get('/api/reports/queue-counts');
    expect(r.body.data.calls).toEqual({
      waiting: 0,
      longestWaitSeconds: null,
      offered: 3,
      answered: 2,
      abandoned: 1,
      serviceLevel: 1 / 3,
      serviceLevelSeconds: 20,
      averageWaitSeconds: 20,
    });

    // 排队: a call ringing now (and one in the IVR) waits; once answered or ended it no longer does.
    await send([{ ...ev('D', 1, 'ringing', 560), at: new Date(Date.now() - 40_000).toISOString() }]);
    await send([
      { ...ev('E', 1, 'ringing', 590), at: new Date(Date.now() - 10_000).toISOString() },
      { ...ev('E', 2, 'ivr', 595), at: new Date(Date.now() - 5_000).toISOString() },
    ]);
    let calls = (await supervisor.get('/api/reports/queue-counts')).body.data.calls;
    expect(calls.waiting).toBe(2);
    expect(calls.longestWaitSeconds).toBeGreaterThanOrEqual(39);
    await send([{ ...ev('D', 2, 'answered', 600), at: new Date().toISOString() }]);
    await send([{ ...ev('E', 3, 'ended', 600), at: new Date().toISOString() }]);
    calls = (await supervisor.get('/api/reports/queue-counts')).body.data.calls;
    expect(calls).toMatchObject({ waiting: 0, longestWaitSeconds: null });
  });

  it('an agent who logs out leaves the wall (their presence row is removed)', async () => {
    const agent = await makeUser(env, 'agent');
    const api = await ApiClient.login(env.baseUrl, agent.user.username);
    const key = `${env.prefix}:presence`;
    await env.rt.redis.hset(key, agent.user.id, JSON.stringify({ userId: agent.user.id, state: 'after_call' }));
    expect(await env.rt.redis.hexists(key, agent.user.id)).toBe(1);
    const r = await api.post('/api/auth/logout', {});
    expect(r.status).toBe(204);
    expect(await env.rt.redis.hexists(key, agent.user.id)).toBe(0);
  });
});
