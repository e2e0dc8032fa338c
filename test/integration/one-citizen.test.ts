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
const appeal = (citizen: Record<string, string>, channel: 'phone' | 'wechat' | 'email') =>
  registerTicket(env.ctx(SYSTEM), {
    channel,
    channelAccount: '',
    externalId: randomBytes(6).toString('hex'),
    citizen,
    content: { text: '诉求内容' },
    attachments: [],
  });
const citizenOf = async (ticketId: string) =>
  (await env.rt.db.execute<{ c: string }>(sql`select citizen_id as c from tickets where id = ${ticketId}`)).rows[0].c;

describe('one citizen, one history', () => {
  it('resolves the same phone from any channel to one citizen; a new contact point nobody proved goes to a new record and a merge candidate', async () => {
    const a = await appeal({ phone: '13700001111' }, 'phone');
    const a2 = await appeal({ phone: '+86 137 0000 1111' }, 'email');
    expect(await citizenOf(a2.ticketId)).toBe(await citizenOf(a.ticketId));
    // A WeChat user who types that phone: the OpenID is proven, the phone is not, so the OpenID must
    // not join the phone's record (it would show that record's tickets under "my appeals").
    const b = await appeal({ phone: '+86 137 0000 1111', openId: 'o-wx-1' }, 'wechat');
    const c = await appeal({ openId: 'o-wx-1' }, 'wechat');
    expect(await citizenOf(b.ticketId)).not.toBe(await citizenOf(a.ticketId));
    expect(await citizenOf(c.ticketId)).toBe(await citizenOf(b.ticketId));
    const list = (await agent.get('/api/citizens/merge-candidates')).body.data as { citizenId: string; otherCitizenId: string; reason: string }[];
    expect(list).toEqual([
      expect.objectContaining({ citizenId: await citizenOf(b.ticketId), otherCitizenId: await citizenOf(a.ticketId), reason: 'unverified_contact_point' }),
    ]);
  });

  it('flags two records that one appeal ties together, and merges them only when an agent confirms', async () => {
    const a = await appeal({ phone: '13700002222' }, 'phone');
    const b = await appeal({ email: 'li@example.com' }, 'email');
    expect(await citizenOf(a.ticketId)).not.toBe(await citizenOf(b.ticketId));
    await appeal({ phone: '13700002222', email: 'li@example.com' }, 'email');
    const list = (await agent.get('/api/citizens/merge-candidates')).body.data.filter((x: { reason: string }) => x.reason === 'contact_points_in_one_appeal');
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

describe('a first-time caller registered twice at once', () => {
  it('ends as one citizen with one contact point: the intake that loses the race files its ticket under the winner and leaves no empty record', async () => {
    const before = (await env.rt.db.execute<{ n: number }>(sql`select count(*)::int n from citizens`)).rows[0].n;
    const [x, y] = await Promise.all([appeal({ phone: '13700003333' }, 'phone'), appeal({ phone: '13700003333' }, 'phone')]);
    expect(await citizenOf(x.ticketId)).toBe(await citizenOf(y.ticketId));
    const contacts = (
      await env.rt.db.execute<{ n: number }>(sql`select count(*)::int n from citizen_contacts where citizen_id = ${await citizenOf(x.ticketId)}`)
    ).rows[0].n;
    expect(contacts).toBe(1);
    expect((await env.rt.db.execute<{ n: number }>(sql`select count(*)::int n from citizens`)).rows[0].n).toBe(before + 1);
  });
});
