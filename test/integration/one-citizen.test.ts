import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { useTestEnv, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { registerTicket } from '../../server/tickets/use-cases/register-ticket';
import { SYSTEM } from '../../server/platform/context';

const env = useTestEnv();
let agent: ApiClient;
beforeAll(async () => {
  agent = await ApiClient.login(env.baseUrl, (await makeUser(env, 'agent')).user.username);
});
const appeal = (citizen: Record<string, string>, channel: 'phone' | 'wechat' | 'email') => registerTicket(env.ctx(SYSTEM), {
  channel, channelAccount: '', externalId: randomBytes(6).toString('hex'), citizen, content: { text: '诉求内容' }, attachments: [],
});
const citizenOf = async (ticketId: string) => (await env.rt.db.execute<{ c: string }>(sql`select citizen_id as c from tickets where id = ${ticketId}`)).rows[0].c;

describe('one citizen, one history', () => {
  it('resolves the same phone from any channel to one citizen, and attaches new contact points to it', async () => {
    const a = await appeal({ phone: '13700001111' }, 'phone');
    const b = await appeal({ phone: '+86 137 0000 1111', openId: 'o-wx-1' }, 'wechat');
    const c = await appeal({ openId: 'o-wx-1' }, 'wechat');
    expect(new Set([await citizenOf(a.ticketId), await citizenOf(b.ticketId), await citizenOf(c.ticketId)]).size).toBe(1);
  });

  it('flags two records that one appeal ties together, and merges them only when an agent confirms', async () => {
    const a = await appeal({ phone: '13700002222' }, 'phone');
    const b = await appeal({ email: 'li@example.com' }, 'email');
    expect(await citizenOf(a.ticketId)).not.toBe(await citizenOf(b.ticketId));
    await appeal({ phone: '13700002222', email: 'li@example.com' }, 'email');
    const list = (await agent.get('/api/citizens/merge-candidates')).body.data;
    expect(list).toHaveLength(1);
    expect(list[0].contacts[0].value).toBe('137****2222');
    expect(await citizenOf(a.ticketId)).not.toBe(await citizenOf(b.ticketId));
    expect((await agent.post(`/api/citizens/merge-candidates/${list[0].id}`, { decision: 'merge' })).status).toBe(200);
    expect(await citizenOf(a.ticketId)).toBe(await citizenOf(b.ticketId));
    const history = (await agent.get('/api/tickets?q=13700002222')).body.data;
    expect(history).toHaveLength(3);
    expect((await agent.post(`/api/citizens/merge-candidates/${list[0].id}`, { decision: 'reject' })).status).toBe(409);
  });
});
