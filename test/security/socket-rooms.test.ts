/**
 * Attack over Socket.IO: `watch {ticketId}` joined any ticket's room, so a clerk of another unit
 * received its invalidations and the names of the staff viewing it; `presence:list` answered every
 * role with the whole centre's duty roster. Real socket.io-client connections against the app on
 * real PostgreSQL and Redis (the Redis adapter included).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as ioClient, type Socket } from 'socket.io-client';
import { useTestEnv, makeUnit, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { createRealtime } from '../../server/platform/realtime/socket';

const env = useTestEnv();
let realtime: ReturnType<typeof createRealtime>;
let agent: ApiClient;
let dispatcher: ApiClient;
let supervisor: ApiClient;
let clerkOwn: ApiClient;
let clerkOther: ApiClient;
let ticketId: string;
const sockets: Socket[] = [];

async function connect(c: ApiClient) {
  const s = ioClient(env.baseUrl, { extraHeaders: { cookie: c.cookie }, transports: ['websocket'], reconnection: false });
  sockets.push(s);
  await new Promise<void>((r, rej) => {
    s.on('connect', () => r());
    s.on('connect_error', rej);
  });
  return s;
}
const watch = (s: Socket, id: string) => s.timeout(3000).emitWithAck('watch', { ticketId: id }) as Promise<{ ok: boolean; code?: string }>;
const collect = (s: Socket, ev: string) => {
  const got: unknown[] = [];
  s.on(ev, (m: unknown) => got.push(m));
  return got;
};
const settle = async () => {
  for (let i = 0; i < 10; i++) await env.rt.relay.drain();
  await new Promise((r) => setTimeout(r, 400));
};

beforeAll(async () => {
  realtime = createRealtime(env.server, { db: env.rt.db, redisUrl: 'redis://127.0.0.1:6379', prefix: env.prefix, log: env.rt.log });
  env.rt.realtimeSinks.push(realtime.publish);
  const own = await makeUnit(env, { name: '市城管局' });
  const other = await makeUnit(env, { name: '市水务局' });
  agent = await ApiClient.login(env.baseUrl, (await makeUser(env, 'agent', { displayName: '坐席小王' })).user.username);
  dispatcher = await ApiClient.login(env.baseUrl, (await makeUser(env, 'dispatcher')).user.username);
  supervisor = await ApiClient.login(env.baseUrl, (await makeUser(env, 'supervisor')).user.username);
  clerkOwn = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId: own.id })).user.username);
  clerkOther = await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId: other.id })).user.username);
  const t = await agent.post('/api/tickets', { callerPhone: '13700137000', content: '举报夜间偷排污水', appealType: 'report' });
  ticketId = t.body.data.id;
  expect((await agent.action(ticketId, 'submit', { appealType: 'report' })).status).toBe(200);
  expect((await dispatcher.action(ticketId, 'dispatch', { leadUnitId: own.id })).status).toBe(200);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  env.rt.realtimeSinks.pop();
  await realtime?.close();
});

describe('watch {ticketId}', () => {
  it("refuses another unit's ticket: no viewer names, no invalidations reach that clerk", async () => {
    const spy = await connect(clerkOther);
    const viewers = collect(spy, 'viewers');
    const invalidations = collect(spy, 'invalidate');
    expect(await watch(spy, ticketId)).toEqual({ ok: false, code: 'TICKET_NOT_FOUND' });
    expect(await watch(spy, 'not-a-uuid')).toEqual({ ok: false, code: 'TICKET_NOT_FOUND' });
    const a = await connect(agent);
    expect(await watch(a, ticketId)).toEqual({ ok: true });
    const own = await connect(clerkOwn);
    const ownInvalidations = collect(own, 'invalidate');
    expect(await watch(own, ticketId)).toEqual({ ok: true });
    expect((await clerkOwn.action(ticketId, 'sign')).status).toBe(200);
    await settle();
    expect(ownInvalidations.length).toBeGreaterThan(0);
    expect(invalidations).toEqual([]);
    expect(JSON.stringify(viewers)).not.toContain('坐席小王');
    expect(viewers).toEqual([]);
  });

  it('a socket whose session ended (logout) can no longer watch, and is disconnected', async () => {
    const c = await ApiClient.login(env.baseUrl, (await makeUser(env, 'agent')).user.username);
    const s = await connect(c);
    expect((await c.post('/api/auth/logout')).status).toBeLessThan(300);
    const gone = new Promise<void>((r) => s.on('disconnect', () => r()));
    expect(await watch(s, ticketId)).toEqual({ ok: false, code: 'UNAUTHENTICATED' });
    await gone;
  });
});

describe('presence:list', () => {
  it("answers the centre's staff and gives a unit clerk nothing", async () => {
    const a = await connect(agent);
    a.emit('presence:set', { state: 'available' });
    await new Promise((r) => setTimeout(r, 300));
    const sup = await connect(supervisor);
    const list = (await sup.timeout(3000).emitWithAck('presence:list', {})) as { displayName: string }[];
    expect(list.map((x) => x.displayName)).toContain('坐席小王');
    const clerk = await connect(clerkOther);
    expect(await clerk.timeout(3000).emitWithAck('presence:list', {})).toEqual([]);
  });
});
