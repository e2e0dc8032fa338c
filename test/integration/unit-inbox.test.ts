/**
 * The unit inbox is worked top-down by deadline. It must come sorted and paged from the server: a
 * browser that sorts only the newest page loses the oldest overdue tickets from view.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { useTestEnv, makeUnit, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { makeTicket } from '../helpers/factories';

const env = useTestEnv();
let clerk: ApiClient;
const ids: string[] = [];

beforeAll(async () => {
  const unit = await makeUnit(env, { name: '市住建局' });
  const other = await makeUnit(env, { name: '市水务局' });
  const agent = await makeUser(env, 'agent');
  const dispatcher = await ApiClient.login(env.baseUrl, (await makeUser(env, 'dispatcher')).user.username);
  const agentApi = await ApiClient.login(env.baseUrl, agent.user.username);
  clerk = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId: unit.id })).user.username);
  for (let i = 0; i < 8; i++) {
    const { ticketId } = await makeTicket(env, agent.actor, { content: `路灯坏了第${i}处，晚上很黑` });
    expect((await agentApi.action(ticketId, 'submit', { appealType: 'complaint' })).status).toBe(200);
    expect((await dispatcher.action(ticketId, 'dispatch', { leadUnitId: i === 7 ? other.id : unit.id })).status).toBe(200);
    ids.push(ticketId);
  }
  // The oldest ticket is overdue, the others due later the newer they are; ticket 7 belongs to another unit.
  for (const [i, id] of ids.entries()) {
    await env.rt.db.execute(sql`update dispatches set reply_due_at = now() + make_interval(days => ${i === 0 ? -3 : i}),
      sign_due_at = now() + make_interval(hours => ${i === 0 ? -50 : i}) where ticket_id = ${id}`);
  }
});

describe('unit inbox', () => {
  it('pages the unit’s tickets by deadline on the server: the overdue one is first even when it is the oldest', async () => {
    const first = await clerk.get('/api/tickets?sort=deadline&page=1&pageSize=3');
    expect(first.status).toBe(200);
    expect(first.body.data.map((r: { id: string }) => r.id)).toEqual([ids[0], ids[1], ids[2]]);
    expect(first.body.page).toMatchObject({ total: 7, page: 1, pageSize: 3 });
    const third = await clerk.get('/api/tickets?sort=deadline&page=3&pageSize=3');
    expect(third.body.data.map((r: { id: string }) => r.id)).toEqual([ids[6]]);
    // Newest first (the default) would have shown the overdue ticket last.
    const newest = await clerk.get('/api/tickets?page=1&pageSize=3');
    expect(newest.body.data.map((r: { id: string }) => r.id)).not.toContain(ids[0]);
  });

  it('refuses an unknown sort with a clear 400', async () => {
    const r = await clerk.get('/api/tickets?sort=whatever');
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('VALIDATION_FAILED');
  });
});
