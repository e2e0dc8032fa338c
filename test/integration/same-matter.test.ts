import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { useTestEnv, makeUnit, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { backfillSameMatter } from '../../server/tickets/same-matter';

const env = useTestEnv();

const POTHOLE = '幸福路和人民路交叉口有一个大坑，直径一米多，已经有两辆电动车摔倒了，请尽快派人修补路面，晚上特别危险。';
const POTHOLE_AGAIN = '幸福路和人民路交叉口那个大坑直径一米多，又有电动车摔倒了，请尽快派人修补路面，晚上太危险。';
// The same pothole told by another caller in other words: little text in common, same district.
const POTHOLE_REWORDED = '人民路和幸福路路口的路面塌了一个大坑，有电动车摔倒，希望快点修补。';
const NOISE = '隔壁工地每天晚上十二点以后还在施工，噪音很大，影响睡眠，请城管查处。';

describe('same matter (并单) at intake', () => {
  it('offers the open ticket a new appeal repeats, while the agent types, on the shared index', async () => {
    const agent = await ApiClient.login(env.baseUrl, (await makeUser(env, 'agent')).user.username);
    const first = await agent.post('/api/tickets', { callerPhone: '13800000001', title: '路口大坑 13800000001', content: POTHOLE, regionCode: '440103' });
    expect(first.status).toBe(201);
    const firstId = first.body.data.id as string;
    // Written in the registration transaction: any node answers from the database.
    const stored = await env.rt.db.execute(sql`select cardinality(band_keys) as n from ticket_same_matter where ticket_id = ${firstId}`);
    expect(stored.rows[0]).toEqual({ n: 21 });
    await agent.post('/api/tickets', { callerPhone: '13800000002', content: NOISE, regionCode: '440103' });

    // Another caller, nearly the same words: offered on the text alone.
    const r = await agent.post('/api/tickets/similar', { text: POTHOLE_AGAIN, phone: '13900000009' });
    expect(r.status).toBe(200);
    expect(r.body.data).toHaveLength(1);
    const c = r.body.data[0];
    expect(c).toMatchObject({ ticketId: firstId, number: first.body.data.number, sameCitizen: false, samePlace: false, reasons: ['similarText'] });
    expect(c.score).toBeGreaterThanOrEqual(0.4);
    // Titles are masked in the list: the candidate's caller is never shown here.
    expect(c.title).not.toContain('13800000001');
    expect(JSON.stringify(c)).not.toContain('13800000001');

    // The same caller and district, other words: offered as related, the reasons say why.
    const reworded = await agent.post('/api/tickets/similar', { text: POTHOLE_REWORDED, phone: '13800000001', regionCode: '440103' });
    expect(reworded.body.data.map((x: { ticketId: string }) => x.ticketId)).toEqual([firstId]);
    expect(reworded.body.data[0].reasons).toEqual(['relatedText', 'sameCitizen', 'samePlace']);
    // The same reworded text from a stranger in another district is not the same matter.
    const stranger = await agent.post('/api/tickets/similar', { text: POTHOLE_REWORDED, phone: '13900000009', regionCode: '440104' });
    expect(stranger.body.data).toEqual([]);
    // Same district, different matter: nothing.
    const other = await agent.post('/api/tickets/similar', { text: '小区楼下的路灯坏了一个月，晚上很黑，请维修。', regionCode: '440103' });
    expect(other.body.data).toEqual([]);
  });

  it('lists the candidates of a registered ticket, and 并单 takes it off every list', async () => {
    const agent = await ApiClient.login(env.baseUrl, (await makeUser(env, 'agent')).user.username);
    const a = await agent.post('/api/tickets', { callerPhone: '13800000011', content: `${POTHOLE}（二）`, regionCode: '440105' });
    const b = await agent.post('/api/tickets', { callerPhone: '13800000012', content: `${POTHOLE_AGAIN}（二）`, regionCode: '440105' });
    const forB = await agent.post('/api/tickets/similar', { ticketId: b.body.data.id });
    const ids = forB.body.data.map((x: { ticketId: string }) => x.ticketId);
    expect(ids).toContain(a.body.data.id);
    expect(ids).not.toContain(b.body.data.id);
    const merged = await agent.post(`/api/tickets/${b.body.data.id}/actions/merge`, { intoTicketNumber: a.body.data.number });
    expect(merged.status).toBe(200);
    const forA = await agent.post('/api/tickets/similar', { ticketId: a.body.data.id });
    expect(forA.body.data.map((x: { ticketId: string }) => x.ticketId)).not.toContain(b.body.data.id);
  });

  it('signs open tickets registered before the index existed (npm run same-matter:backfill)', async () => {
    const agent = await ApiClient.login(env.baseUrl, (await makeUser(env, 'agent')).user.username);
    const old = await agent.post('/api/tickets', { callerPhone: '13800000021', content: `${POTHOLE}（三）` });
    await env.rt.db.execute(sql`delete from ticket_same_matter where ticket_id = ${old.body.data.id}`);
    const before = await agent.post('/api/tickets/similar', { text: `${POTHOLE_AGAIN}（三）` });
    expect(before.body.data.map((x: { ticketId: string }) => x.ticketId)).not.toContain(old.body.data.id);
    expect(await backfillSameMatter(env.rt.db)).toBe(1);
    expect(await backfillSameMatter(env.rt.db)).toBe(0);
    const after = await agent.post('/api/tickets/similar', { text: `${POTHOLE_AGAIN}（三）` });
    expect(after.body.data.map((x: { ticketId: string }) => x.ticketId)).toContain(old.body.data.id);
  });

  it('is for the centre only, and says what is wrong with a bad request', async () => {
    const unit = await makeUnit(env);
    const clerk = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId: unit.id })).user.username);
    expect((await clerk.post('/api/tickets/similar', { text: POTHOLE })).status).toBe(403);
    const agent = await ApiClient.login(env.baseUrl, (await makeUser(env, 'agent')).user.username);
    const bad = await agent.post('/api/tickets/similar', { regionCode: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
  });
});
