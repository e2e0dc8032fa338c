/**
 * Attack: a unit clerk unmasks phones by search. `GET /api/tickets?q=<full mobile>` matched the
 * caller's phone for unit clerks, so a clerk found who filed an anonymous report, or walked the
 * 10,000 numbers behind `139****3927` until one matched. Real app, PostgreSQL and Redis.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { useTestEnv, makeUnit, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { PII_SEARCHES_PER_10_MIN } from '../../server/tickets/routes';

const env = useTestEnv();
const PHONE = '13912343927';
const ID_NUMBER = '11010519491231002X';
let agent: ApiClient;
let dispatcher: ApiClient;
let clerk: ApiClient;
let admin: ApiClient;
let ticketId: string;
let number: string;
let clerkId: string;

beforeAll(async () => {
  const unit = await makeUnit(env, { name: '市城管局' });
  agent = await ApiClient.login(env.baseUrl, (await makeUser(env, 'agent')).user.username);
  dispatcher = await ApiClient.login(env.baseUrl, (await makeUser(env, 'dispatcher')).user.username);
  const c = await makeUser(env, 'unit_clerk', { unitId: unit.id });
  clerkId = c.user.id;
  clerk = await ApiClient.login(env.baseUrl, c.user.username);
  admin = await ApiClient.login(env.baseUrl, (await makeUser(env, 'admin')).user.username);
  // An anonymous-to-units 举报 whose title even carries the number, dispatched to the clerk's unit.
  const r = await agent.post('/api/tickets', {
    callerPhone: PHONE,
    callerName: '司马相如',
    idNumber: ID_NUMBER,
    anonymousToUnits: true,
    title: `举报 ${PHONE} 违建`,
    content: '举报楼顶违建',
    appealType: 'report',
  });
  expect(r.status).toBe(201);
  ticketId = r.body.data.id;
  number = r.body.data.number;
  expect((await agent.action(ticketId, 'submit', { appealType: 'report' })).status).toBe(200);
  expect((await dispatcher.action(ticketId, 'dispatch', { leadUnitId: unit.id })).status).toBe(200);
});

const ids = (r: { body: { data: { id: string }[] } }) => r.body.data.map((x) => x.id);

describe('search by phone or ID number', () => {
  it("a unit clerk's search never matches the caller's phone, in any spelling, nor the ID number — only the ticket number", async () => {
    for (const q of [PHONE, '139 1234 3927', '139-1234-3927', `+86${PHONE}`, ID_NUMBER]) {
      const r = await clerk.get(`/api/tickets?q=${encodeURIComponent(q)}`);
      expect(r.status, q).toBe(200);
      expect(ids(r), q).toEqual([]);
    }
    // The clerk still sees the ticket, and finds it by its number.
    expect(ids(await clerk.get('/api/tickets'))).toContain(ticketId);
    expect(ids(await clerk.get(`/api/tickets?q=${number}`))).toEqual([ticketId]);
  });

  it('the administrator (not a desk role) cannot look a caller up by phone either', async () => {
    expect(ids(await admin.get(`/api/tickets?q=${PHONE}`))).toEqual([]);
  });

  it("the centre's desk finds the caller by phone and by ID number, and each such search is audited without the value in clear", async () => {
    expect(ids(await agent.get(`/api/tickets?q=${PHONE}`))).toEqual([ticketId]);
    expect(ids(await agent.get(`/api/tickets?q=${ID_NUMBER}`))).toEqual([ticketId]);
    const audits = (
      await env.rt.db.execute<{ actorRole: string; data: Record<string, unknown> }>(sql`select actor_role as "actorRole", data
      from audit_log where action = 'ticket.searched' order by id`)
    ).rows;
    expect(audits.filter((a) => a.actorRole === 'agent').map((a) => a.data)).toEqual([
      expect.objectContaining({ kind: 'phone', byPersonalData: true, results: 1 }),
      expect.objectContaining({ kind: 'idNumber', byPersonalData: true, results: 1 }),
    ]);
    expect(audits.some((a) => a.actorRole === 'unit_clerk' && a.data.byPersonalData === false)).toBe(true);
    expect(JSON.stringify(audits)).not.toContain(PHONE);
    expect(JSON.stringify(audits)).not.toContain(ID_NUMBER);
  });

  it('searches by number are rate-limited per staff member (429 RATE_LIMITED), words are not', async () => {
    let status = 0;
    let n = 0;
    for (; n < PII_SEARCHES_PER_10_MIN + 5 && status !== 429; n++) {
      status = (await clerk.get(`/api/tickets?q=13912340${String(n).padStart(3, '0')}`)).status;
    }
    expect(status).toBe(429);
    expect(n).toBeLessThanOrEqual(PII_SEARCHES_PER_10_MIN + 1);
    const limited = await clerk.get('/api/tickets?q=13912349999');
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(limited.headers.get('retry-after')).toBeTruthy();
    expect((await clerk.get(`/api/tickets?q=${encodeURIComponent('违建')}`)).status).toBe(200);
    const audited = (
      await env.rt.db.execute<{ n: number }>(sql`select count(*)::int as n from audit_log
      where action = 'ticket.searched' and actor_id = ${clerkId}`)
    ).rows[0].n;
    expect(audited).toBeGreaterThanOrEqual(PII_SEARCHES_PER_10_MIN - 10);
  });
});
