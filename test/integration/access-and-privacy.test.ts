import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { io as ioClient } from 'socket.io-client';
import { useTestEnv, makeUnit, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { createRealtime } from '../../server/platform/realtime/socket';
import pino from 'pino';
import { REDACT_PATHS } from '../../server/platform/log/logger';

const env = useTestEnv();
let agent: ApiClient, dispatcher: ApiClient, clerkA: ApiClient, clerkB: ApiClient;
let unitA: { id: string }, unitB: { id: string };
let ticketId: string;

beforeAll(async () => {
  unitA = await makeUnit(env);
  unitB = await makeUnit(env);
  agent = await ApiClient.login(env.baseUrl, (await makeUser(env, 'agent')).user.username);
  dispatcher = await ApiClient.login(env.baseUrl, (await makeUser(env, 'dispatcher')).user.username);
  clerkA = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId: unitA.id })).user.username);
  clerkB = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId: unitB.id })).user.username);
  const r = await agent.post('/api/tickets', {
    callerPhone: '138 1234 5678',
    callerName: '李小龙',
    idNumber: '11010519491231002X',
    content: '单位拖欠工资三个月',
    address: '广州市天河区林和街道体育东路100号3栋502',
    appealType: 'complaint',
  });
  expect(r.status).toBe(201);
  ticketId = r.body.data.id;
  await agent.action(ticketId, 'submit');
  await dispatcher.action(ticketId, 'dispatch', { leadUnitId: unitA.id });
});

describe('unit isolation', () => {
  it('shows a unit only its own tickets, in lists and by id', async () => {
    const listA = await clerkA.get('/api/tickets');
    expect(listA.body.data.map((t: { id: string }) => t.id)).toContain(ticketId);
    const listB = await clerkB.get('/api/tickets');
    expect(listB.body.data.map((t: { id: string }) => t.id)).not.toContain(ticketId);
    expect((await clerkB.get(`/api/tickets/${ticketId}`)).status).toBe(404);
    expect((await clerkB.action(ticketId, 'sign')).status).toBe(404);
  });
});

describe('personal data', () => {
  it('masks the caller for the unit and shows it to the centre, auditing that read', async () => {
    const forUnit = (await clerkA.get(`/api/tickets/${ticketId}`)).body.data;
    expect(forUnit.caller).toEqual({ name: '李**', phone: '138****5678' });
    expect(forUnit.address).toBe('广州市天河区***');
    expect(JSON.stringify(forUnit)).not.toContain('12345678');
    const before = await piiReads();
    const forCentre = (await agent.get(`/api/tickets/${ticketId}`)).body.data;
    expect(forCentre.caller).toEqual({ name: '李小龙', phone: '13812345678' });
    expect(await piiReads()).toBe(before + 1);
    const list = (await agent.get('/api/tickets')).body.data;
    expect(list[0].caller.phone).toBe('138****5678');
  });

  it('finds a caller history by phone number (screen pop)', async () => {
    const r = await agent.get('/api/tickets?q=13812345678');
    expect(r.body.data.map((t: { id: string }) => t.id)).toEqual([ticketId]);
  });

  it('stores phone, name, ID number and address only encrypted', async () => {
    const dump = JSON.stringify(
      (
        await env.rt.db.execute(sql`select c.*, cc.*, t.address_enc from citizens c
      join citizen_contacts cc on cc.citizen_id = c.id join tickets t on t.citizen_id = c.id`)
      ).rows,
    );
    for (const clear of ['13812345678', '李小龙', '11010519491231002X', '体育东路']) expect(dump).not.toContain(clear);
  });

  it('redacts personal data in logs', () => {
    const lines: string[] = [];
    const log = pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, { write: (s: string) => lines.push(s) });
    log.info({ body: { callerPhone: '13812345678', idNumber: '11010519491231002X', name: '李小龙' } }, 'x');
    expect(lines.join('')).not.toMatch(/13812345678|11010519491231002X|李小龙/);
  });

  it('rejects an ID number or credit code whose check character is wrong', async () => {
    const bad = await agent.post('/api/tickets', { callerPhone: '13812345678', idNumber: '110105194912310021', content: '测试' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('ID_NUMBER_INVALID');
    const cc = await agent.post('/api/tickets', { callerPhone: '13812345678', creditCode: '91350100M000100Y44', content: '测试' });
    expect(cc.body.code).toBe('CREDIT_CODE_INVALID');
    const ok = await agent.post('/api/tickets', { callerPhone: '+86 138-1234-5678', creditCode: '91350100M000100Y43', content: '企业诉求' });
    expect(ok.status).toBe(201);
    const phone = await agent.post('/api/tickets', { callerPhone: '1381234567', content: '测试' });
    expect(phone.body.code).toBe('PHONE_INVALID');
  });
});

describe('realtime', () => {
  it('pushes an invalidation to the unit room when a ticket is dispatched to it, and rejects sockets without a session', async () => {
    const rt = createRealtime(env.server, { db: env.rt.db, redisUrl: 'redis://127.0.0.1:6379', prefix: env.prefix, log: env.rt.log });
    env.rt.realtimeSinks.push(rt.publish);
    const sock = ioClient(env.baseUrl, { extraHeaders: { cookie: clerkB.cookie }, transports: ['websocket'] });
    const anon = ioClient(env.baseUrl, { transports: ['websocket'], reconnection: false });
    const refused = new Promise<string>((r) => anon.on('connect_error', (e) => r(e.message)));
    await new Promise<void>((r) => sock.on('connect', () => r()));
    const got = new Promise<{ ids: string[]; cause: string }>((r) => sock.on('invalidate', r));
    const t = await agent.post('/api/tickets', { callerPhone: '13700137000', content: '噪音' });
    await agent.action(t.body.data.id, 'submit');
    await dispatcher.action(t.body.data.id, 'dispatch', { leadUnitId: unitB.id });
    for (let i = 0; i < 20; i++) await env.rt.relay.drain();
    const msg = await Promise.race([got, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no invalidate')), 5000))]);
    expect(msg.ids).toEqual([t.body.data.id]);
    expect(['ticket.dispatched', 'ticket.submitted', 'ticket.registered']).toContain(msg.cause);
    expect(JSON.stringify(msg)).not.toContain('13700137000');
    expect(await refused).toBe('UNAUTHENTICATED');
    sock.close();
    anon.close();
    env.rt.realtimeSinks.pop();
    await rt.close();
  });
});

async function piiReads() {
  return (await env.rt.db.execute<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'pii.read'`)).rows[0].n;
}
