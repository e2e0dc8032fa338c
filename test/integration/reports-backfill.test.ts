/**
 * Back-fill of the report rollups: after the rollups are emptied and rebuilt from ticket_events and
 * channel_events, every report (by unit, category, region, channel; by day; the unit × category and region × category
 * cross tables) shows exactly the figures
 * the live hook kept; a second run changes nothing. The fixture moves tickets between categories,
 * regions and units (submit, return → reassign, reopen → round 2), fires the SLA sweeper's overdue
 * flag, rates, excludes a contested review, and has calls.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { useTestEnv } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { twoUnitsWithStaff } from '../helpers/two-units';
import { signRequest } from '../../integrations/shared/hmac';
import { setPolicy } from '../../server/callbacks/policy';
import { callbacks } from '../../server/callbacks/tables';
import { rectifications } from '../../server/reviews/tables';
import { fireDueTimers } from '../../server/sla/use-cases/fire-due-timers';
import { backfillRollups } from '../../server/reports/backfill';
import { extensionDayFor } from '../../server/sla/extension';
import { SYSTEM } from '../../server/platform/context';

const env = useTestEnv({ app: { channels: { ctiKeys: 'cti1:cti-secret-1', open311ApiKeys: '', open311Jurisdiction: 'rexian.test' } } });
let agent: ApiClient, dispatcher: ApiClient, supervisor: ApiClient, clerkU: ApiClient, clerkV: ApiClient;
let U: { id: string }, V: { id: string };
const day = (d: number) => new Date(Date.now() + 8 * 3600_000 + d * 86400_000).toISOString().slice(0, 10);
const from = day(-2),
  to = day(1);

async function ok(p: Promise<{ status: number; body: any }>, status = 200) {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body.data;
}

async function register(o: { categoryCode?: string; regionCode?: string } = {}) {
  return (await ok(agent.post('/api/tickets', { callerPhone: '13800138000', callerName: '李四', content: '小区门口道路破损严重影响通行', ...o }), 201))
    .id as string;
}
const dueIn = (id: string, col: 'sign_due_at' | 'reply_due_at', past: boolean) =>
  // The current round only: an earlier round's stored deadline is history the back-fill reads.
  env.rt.db.execute(sql`update dispatches set ${sql.identifier(col)} = now() + ${past ? sql`interval '-1 day'` : sql`interval '10 days'`}
    where ticket_id = ${id} and round = (select current_round from tickets where id = ${id})`);
async function callbackOf(id: string, result: string, score: number) {
  const rows = await env.rt.db.select().from(callbacks).where(eq(callbacks.ticketId, id));
  const cb = rows.find((r) => r.status === 'pending')!;
  return ok(agent.post(`/api/callbacks/${cb.id}/outcome`, { reached: true, result, score }));
}
async function calls(events: unknown[]) {
  const body = JSON.stringify(events);
  const res = await fetch(`${env.baseUrl}/channels/phone/events`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      ...signRequest({ keyId: 'cti1', secret: 'cti-secret-1', method: 'POST', path: '/channels/phone/events', body }),
    },
  });
  expect(res.status).toBe(202);
}

beforeAll(async () => {
  ({ U, V, agent, dispatcher, supervisor, clerkU, clerkV } = await twoUnitsWithStaff(env));
  await setPolicy(env.rt.db, { sampleRate: 1, onDissatisfied: 'reopen' }, null);

  // 1: registered as 01/440106, corrected on submit to 02/440104; dispatched to U, returned, reassigned to V;
  //    V signs late, extends, replies; closed; callback unsolved/1 → reopened (round 2) → dispatched to U again and closed.
  const a = await register({ categoryCode: '01', regionCode: '440106' });
  await ok(agent.action(a, 'submit', { categoryCode: '02', regionCode: '440104' }));
  await ok(dispatcher.action(a, 'dispatch', { leadUnitId: U.id }));
  await ok(clerkU.action(a, 'request-return', { reasonCode: 'not_our_duty', note: '不属本单位' }));
  await ok(dispatcher.action(a, 'approve-return', { leadUnitId: V.id }));
  await dueIn(a, 'sign_due_at', true);
  await dueIn(a, 'reply_due_at', false);
  await ok(clerkV.action(a, 'sign'));
  await ok(clerkV.action(a, 'start'));
  await ok(clerkV.action(a, 'request-extension', { newDueDate: await extensionDayFor(env.rt.db, a), reason: '需协调' }));
  await ok(dispatcher.action(a, 'approve-extension', {}));
  await ok(clerkV.action(a, 'reply', { text: '已处理' }));
  await ok(dispatcher.action(a, 'accept-reply'));
  await callbackOf(a, 'unsolved', 1);
  await ok(dispatcher.action(a, 'dispatch', { leadUnitId: U.id }));
  await dueIn(a, 'sign_due_at', false);
  await dueIn(a, 'reply_due_at', true);
  await ok(clerkU.action(a, 'sign'));
  await ok(clerkU.action(a, 'start'));
  await ok(clerkU.action(a, 'reply', { text: '已再次处理' }));
  await ok(dispatcher.action(a, 'accept-reply'));
  await callbackOf(a, 'solved', 4);

  // 2: uncategorised at registration, categorised on submit; U lets the reply deadline pass (the sweeper flags it).
  const b = await register();
  await ok(agent.action(b, 'submit', { categoryCode: '01', regionCode: '440106' }));
  await ok(dispatcher.action(b, 'dispatch', { leadUnitId: U.id }));
  await env.rt.db.execute(sql`update dispatches set reply_due_at = now() - interval '1 hour', next_wake_at = now() - interval '1 hour' where ticket_id = ${b}`);
  expect((await fireDueTimers(env.ctx(SYSTEM), {})).map((f) => f.stage)).toContain('overdue');

  // 3: closed by U on time, rated 1 by callback; U contests, the centre upholds → excluded.
  const c = await register({ categoryCode: '01' });
  await ok(agent.action(c, 'submit', {}));
  await ok(dispatcher.action(c, 'dispatch', { leadUnitId: U.id }));
  await dueIn(c, 'reply_due_at', false);
  await ok(clerkU.action(c, 'sign'));
  await ok(clerkU.action(c, 'start'));
  await ok(clerkU.action(c, 'reply', { text: '已处理' }));
  await ok(dispatcher.action(c, 'accept-reply'));
  await setPolicy(env.rt.db, { onDissatisfied: 'agent_decides' }, null);
  const cb = (await env.rt.db.select().from(callbacks).where(eq(callbacks.ticketId, c)))[0];
  await ok(
    agent.post(`/api/callbacks/${cb.id}/outcome`, { reached: true, result: 'solved', score: 1, decision: 'close', decisionReason: '已解决，仅对态度不满' }),
  );
  const [rect] = await env.rt.db.select().from(rectifications).where(eq(rectifications.ticketId, c));
  await ok(clerkU.post(`/api/rectifications/${rect.id}/actions/contest`, { reason: '恶意差评' }));
  await ok(supervisor.post(`/api/rectifications/${rect.id}/actions/uphold-contest`, { note: '经复核予以剔除' }));

  // 4: a direct answer; 5: calls (answered, abandoned).
  const d = await register({ categoryCode: '02' });
  await ok(agent.action(d, 'answer-directly', { answer: '可在政务服务网办理' }));
  const call = (callId: string, eventId: string, type: string, at: Date) => ({
    eventId,
    callId,
    type,
    at: at.toISOString(),
    direction: 'inbound',
    caller: '13800138000',
    callee: '12345',
  });
  const t0 = Date.now() - 3600_000;
  await calls([
    call('k1', 'k1a', 'ringing', new Date(t0)),
    call('k1', 'k1b', 'answered', new Date(t0 + 15_000)),
    call('k1', 'k1c', 'ended', new Date(t0 + 200_000)),
    call('k2', 'k2a', 'ringing', new Date(t0 + 300_000)),
    call('k2', 'k2c', 'ended', new Date(t0 + 320_000)),
  ]);
});

type Rep = { rows: { key: string; period: string | null; counters: Record<string, number>; figures: Record<string, number | null> }[] };
async function snapshot() {
  const out: Record<string, unknown> = {};
  for (const by of ['unit', 'category', 'region', 'channel']) {
    const rep = (await ok(supervisor.get(`/api/reports/measures?from=${from}&to=${to}&by=${by}&period=day`))) as Rep;
    // A key whose counters cancelled out (a rating and its exclusion) may or may not keep an all-zero row.
    out[by] = rep.rows
      .filter((r) => Object.values(r.counters).some((v) => v !== 0))
      .map((r) => ({ key: r.key, period: r.period, counters: r.counters, figures: r.figures }))
      .sort((x, y) => `${x.period}${x.key}`.localeCompare(`${y.period}${y.key}`));
  }
  for (const [rows, cols] of [
    ['unit', 'category'],
    ['region', 'category'],
  ]) {
    const t = await ok(supervisor.get(`/api/reports/cross?from=${from}&to=${to}&rows=${rows}&cols=${cols}`));
    out[`${rows}×${cols}`] = (t.cells as { counters: Record<string, number> }[]).filter((c) => Object.values(c.counters).some((v) => v !== 0));
  }
  return out;
}

describe('reports:backfill', () => {
  it('rebuilds from history exactly the figures kept incrementally, and a second run changes nothing', async () => {
    const live = await snapshot();
    // The fixture did reach the interesting counters.
    const unitRows = live.unit as Rep['rows'];
    const sum = (c: string) => unitRows.reduce((s, r) => s + r.counters[c], 0);
    expect({
      overdue: sum('overdue'),
      returns: sum('returns'),
      reopens: sum('reopens'),
      excluded: sum('excluded_reviews'),
      extensions: sum('extensions'),
    }).toEqual({ overdue: 1, returns: 1, reopens: 1, excluded: 1, extensions: 1 });
    expect((live.channel as Rep['rows']).find((r) => r.key === 'phone' && r.counters.calls_offered)?.counters).toMatchObject({
      calls_offered: 2,
      calls_answered: 1,
    });
    expect((live.category as Rep['rows']).map((r) => r.key)).toEqual(expect.arrayContaining(['01', '02', '-']));

    await env.rt.db.execute(sql`delete from report_rollups`);
    expect(((await ok(supervisor.get(`/api/reports/measures?from=${from}&to=${to}&by=unit`))) as Rep).rows).toHaveLength(0);
    const r1 = await backfillRollups(env.rt.db, from, to);
    expect(r1.events).toBeGreaterThan(20);
    expect(r1.calls).toBe(2);
    expect(await snapshot()).toEqual(live);

    await backfillRollups(env.rt.db, from, to);
    expect(await snapshot()).toEqual(live);
  });

  it('runs as npm run reports:backfill and refuses a bad range', async () => {
    const { spawnSync } = await import('node:child_process');
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'server/reports/backfill-cli.ts', ...args], {
        env: { ...process.env, DATABASE_URL: env.rt.db.$client.options.connectionString },
        encoding: 'utf8',
        timeout: 60_000,
      });
    const bad = run(['--from', to, '--to', from]);
    expect(bad.status).toBe(2);
    const good = run(['--from', from, '--to', to]);
    expect(good.stderr).toBe('');
    expect(good.stdout).toMatch(/rebuilt .* events, 2 calls/);
  });
});
