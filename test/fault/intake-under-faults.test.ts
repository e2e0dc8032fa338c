/**
 * Sustained intake of FAULT_ORDERS work orders (default 10,000) through two real server
 * processes while (1) the private Redis is killed -9 and restarted and (2) one server process is
 * killed -9 and restarted. Each order carries a unique callId, so a client that got no answer
 * retries the same order safely. Afterwards every accepted order is stored exactly once and
 * every outbox row has been relayed to its BullMQ job `ob-<id>`.
 *
 *   npm run test:faults                          # 10,000 orders
 *   FAULT_ORDERS=1000 npm run test:faults        # quick
 *   FAULT_REDIS_AOF=0 npm run test:faults        # Redis without persistence: shows the jobs a crash loses
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { createScratchDatabase, insertUser, loginHttp, spawnServer, startRedisProcess, type ServerProcess } from '../helpers/server-process';

const N = Number(process.env.FAULT_ORDERS ?? 10_000);
const CLIENTS = Number(process.env.FAULT_CLIENTS ?? 16);
const REQ_TIMEOUT_MS = 10_000;
const AOF = process.env.FAULT_REDIS_AOF !== '0';
/** Dispatched tickets whose three SLA timers (reminder, overdue, supervision) fall due during the faults. */
const SLA_TICKETS = Number(process.env.FAULT_SLA_TICKETS ?? 100);
const SLA_WINDOW_S = Number(process.env.FAULT_SLA_WINDOW_S ?? (N >= 5000 ? 90 : 30));
const run = randomBytes(3).toString('hex');
const prefix = `rxf-${run}`;

let db: Awaited<ReturnType<typeof createScratchDatabase>>;
let pool: pg.Pool;
let redis: Awaited<ReturnType<typeof startRedisProcess>>;
let aofDir: string | undefined;
const nodes: ServerProcess[] = [];

beforeAll(async () => {
  db = await createScratchDatabase('rx_fault');
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
  pool.on('error', () => {});
  aofDir = AOF ? fs.mkdtempSync(path.join(os.tmpdir(), 'rx-redis-')) : undefined;
  redis = await startRedisProcess({ aofDir });
  // No BullMQ worker on these nodes: the jobs stay in Redis so the test can look every one up.
  for (let i = 0; i < 2; i++) {
    nodes.push(await spawnServer({ databaseUrl: db.url, redisUrl: redis.url, prefix, roles: 'web,realtime,cron', logLevel: 'warn' }));
  }
});

afterAll(async () => {
  for (const n of nodes) await n.kill('SIGKILL');
  await redis?.kill();
  await pool?.end();
  await db?.drop();
  if (aofDir) fs.rmSync(aofDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it(`stores every accepted order exactly once and relays every outbox row across Redis and server kills (${N} orders)`, async () => {
  const agent = await insertUser(pool, { role: 'agent' });
  const { headers } = await loginHttp(nodes[0].url, agent.username, agent.password);

  // SLA timers due inside the fault window: real dispatches (deadlines computed by the dispatch use
  // case), then their instants pulled in to now + 5 s … now + 5 s + window. Both nodes run the sweeper (cron).
  const unitId = (await pool.query(`insert into handling_units (code, name, kind, region_code) values ('F1', '市住建局', 'functional', '440100') returning id`)).rows[0].id;
  const dispatcher = await insertUser(pool, { role: 'dispatcher' });
  const dh = (await loginHttp(nodes[1].url, dispatcher.username, dispatcher.password)).headers;
  const slaTickets: string[] = [];
  for (let k = 0; k < SLA_TICKETS; k++) {
    const r = await fetch(`${nodes[1].url}/api/tickets`, { method: 'POST', headers: dh, body: JSON.stringify({ callerPhone: '13800138000', content: `SLA ${k}：路灯不亮`, appealType: 'complaint' }) });
    const id = ((await r.json()) as { data: { id: string } }).data.id;
    for (const [action, body] of [['submit', {}], ['dispatch', { leadUnitId: unitId }]] as const) {
      const x = await fetch(`${nodes[1].url}/api/tickets/${id}/actions/${action}`, { method: 'POST', headers: dh, body: JSON.stringify(body) });
      if (x.status !== 200) throw new Error(`${action}: ${x.status} ${await x.text()}`);
    }
    slaTickets.push(id);
  }
  await pool.query(`update dispatches d set remind_at = x.at, reply_due_at = x.at + interval '2 seconds', supervision_due_at = x.at + interval '4 seconds',
      next_wake_at = x.at, reminded_at = null, overdue_at = null, supervised_at = null
    from (select id, now() + interval '5 seconds' + (row_number() over (order by id) * ($1::float / $2) || ' seconds')::interval as at
      from dispatches) x where x.id = d.id`, [SLA_WINDOW_S, Math.max(1, SLA_TICKETS)]);
  const lastDue = (await pool.query(`select max(supervision_due_at) as t from dispatches`)).rows[0].t as Date | null;

  const accepted = new Set<number>();
  const tally = { sent: 0, accepted: 0, s503: 0, connErrors: 0, hangs: 0, other: 0, gaveUp: 0 };
  const otherSamples: string[] = [];
  const latencies: number[] = [];
  const events: string[] = [];
  let next = 0;
  const t0 = Date.now();

  async function client() {
    for (;;) {
      const i = next++;
      if (i >= N) return;
      let done = false;
      for (let attempt = 0; attempt < 60 && !done; attempt++) {
        const node = nodes[(i + attempt) % nodes.length];
        tally.sent++;
        const s = performance.now();
        try {
          const r = await fetch(`${node.url}/api/tickets`, {
            method: 'POST', headers, signal: AbortSignal.timeout(REQ_TIMEOUT_MS),
            body: JSON.stringify({
              callId: `${run}-${i}`, callerPhone: `139${String(i).padStart(8, '0')}`, appealType: 'complaint',
              content: `第${i}号来电：小区门口路灯坏了，晚上出行不便，请尽快维修。`, address: '广州市天河区林和街道体育东路100号',
            }),
          });
          await r.arrayBuffer();
          if (r.status === 201 || r.status === 200) {
            latencies.push(performance.now() - s);
            accepted.add(i);
            tally.accepted++;
            done = true;
          } else if (r.status === 503) {
            tally.s503++;
            await sleep(200);
          } else {
            tally.other++;
            if (otherSamples.length < 5) otherSamples.push(`${r.status}`);
            await sleep(200);
          }
        } catch (e) {
          if ((e as Error).name === 'TimeoutError') tally.hangs++;
          else tally.connErrors++;
          await sleep(200);
        }
      }
      if (!done) tally.gaveUp++;
    }
  }

  // The faults, driven by progress so they land in the middle of the load.
  const healthDuringRedisOutage: number[] = [];
  async function faults() {
    while (accepted.size < N * 0.2) await sleep(50);
    events.push(`${((Date.now() - t0) / 1000).toFixed(1)}s kill -9 redis`);
    await redis.kill();
    const outageEnd = Date.now() + 3000;
    while (Date.now() < outageEnd) {
      for (const n of nodes) {
        const st = await fetch(`${n.url}/healthz`, { signal: AbortSignal.timeout(5000) }).then((r) => r.status, () => -1);
        healthDuringRedisOutage.push(st);
      }
      await sleep(300);
    }
    await redis.start();
    for (const [k, n] of nodes.entries()) if (!n.alive()) { events.push(`server ${'AB'[k]} found dead after the Redis outage; restarting`); await n.start(); }
    events.push(`${((Date.now() - t0) / 1000).toFixed(1)}s redis restarted`);

    while (accepted.size < N * 0.5) await sleep(50);
    events.push(`${((Date.now() - t0) / 1000).toFixed(1)}s kill -9 server A`);
    killing[0] = true;
    await nodes[0].kill('SIGKILL');
    await sleep(2000);
    await nodes[0].start();
    killing[0] = false;
    events.push(`${((Date.now() - t0) / 1000).toFixed(1)}s server A restarted`);
  }

  let loadDone = false;
  async function watchdog() {
    // A node that dies on its own (not killed by the test) is a finding: report when and why.
    const seen = nodes.map(() => true);
    while (!loadDone) {
      nodes.forEach((n, k) => {
        if (seen[k] && !n.alive() && !killing[k]) events.push(`${((Date.now() - t0) / 1000).toFixed(1)}s server ${'AB'[k]} DIED BY ITSELF: ${n.output().slice(-800)}`);
        seen[k] = n.alive() || !!killing[k];
      });
      await sleep(100);
    }
  }
  const killing: boolean[] = [];
  await Promise.all([watchdog(), (async () => {
    await Promise.all([faults(), ...Array.from({ length: CLIENTS }, client)]);
    loadDone = true;
  })()]);
  const loadSeconds = (Date.now() - t0) / 1000;

  // SLA: wait past the last instant plus one sweep (10 s), then every timer fired exactly once, not early.
  if (lastDue) while (Date.now() < lastDue.getTime() + 12_000) await sleep(200);
  const sla = (await pool.query(`select
      count(*)::int as dispatches,
      count(*) filter (where reminded_at is null or overdue_at is null or supervised_at is null)::int as unfired,
      count(*) filter (where reminded_at < remind_at or overdue_at < reply_due_at or supervised_at < supervision_due_at)::int as early,
      extract(epoch from max(greatest(reminded_at - remind_at, overdue_at - reply_due_at, supervised_at - supervision_due_at)))::float as max_late
    from dispatches`)).rows[0];
  const slaEvents = (await pool.query(`select ticket_id, type, count(*)::int as n from ticket_events
    where type in ('ticket.reminded', 'ticket.overdue', 'ticket.supervised') group by 1, 2`)).rows as { n: number }[];
  const slaTimers = SLA_TICKETS * 3;
  const slaFiredOnce = slaEvents.filter((e) => e.n === 1).length;
  const slaTwice = slaEvents.filter((e) => e.n > 1).length;

  // Let the relays (both nodes' sweepers) drain what waited for Redis.
  const unsent = async () => (await pool.query('select count(*)::int as n from outbox where sent_at is null')).rows[0].n as number;
  for (let i = 0; i < 600 && (await unsent()) > 0; i++) await sleep(100);

  const stored = (await pool.query(`select external_id, count(*)::int as n from tickets where external_id like $1 group by external_id`,
    [`call-${run}-%`])).rows as { external_id: string; n: number }[];
  const storedIdx = new Set(stored.map((r) => Number(r.external_id.split('-').pop())));
  const duplicates = stored.reduce((a, r) => a + r.n - 1, 0);
  const lost = [...accepted].filter((i) => !storedIdx.has(i)).length;
  const outbox = (await pool.query('select id::int as id, sent_at from outbox order by id')).rows as { id: number; sent_at: Date | null }[];
  const notSent = outbox.filter((r) => r.sent_at === null).length;

  const rc = new Redis(redis.url);
  const pipe = rc.pipeline();
  for (const r of outbox) pipe.exists(`${prefix}:events:ob-${r.id}`);
  const exists = (await pipe.exec())!.map(([, v]) => v as number);
  const missingJobs = exists.filter((v) => v !== 1).length;
  const waiting = await rc.llen(`${prefix}:events:wait`);
  rc.disconnect();
  const registeredRows = (await pool.query(`select count(*)::int as n from outbox where topic = 'ticket.registered' and payload->>'ticketId' in
    (select id::text from tickets where external_id like $1)`, [`call-${run}-%`])).rows[0].n as number;

  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  console.log(`\nfault suite: ${N} orders, ${CLIENTS} clients, 2 server processes, Redis ${AOF ? 'AOF (appendfsync everysec)' : 'without persistence'}`);
  for (const e of events) console.log(`  ${e}`);
  console.table([{
    'requests sent': tally.sent, accepted: accepted.size, stored: stored.length, duplicates, lost, '503s': tally.s503,
    'conn errors': tally.connErrors, hangs: tally.hangs, 'other 4xx/5xx': tally.other, 'gave up': tally.gaveUp,
  }]);
  console.table([{
    'outbox rows': outbox.length, 'not sent': notSent, 'jobs ob-<id> missing': missingJobs, 'jobs waiting': waiting,
    'registered rows': registeredRows,
  }]);
  console.table([{ 'SLA timers due in window': slaTimers, 'fired once': slaFiredOnce, 'fired twice+': slaTwice, unfired: sla.unfired,
    early: sla.early, 'latest firing after due (s)': sla.max_late === null ? '-' : Number(sla.max_late).toFixed(1) }]);
  console.log(`  load ${loadSeconds.toFixed(1)} s = ${(accepted.size / loadSeconds).toFixed(0)} orders/s; accepted latency p50 ${pct(50).toFixed(0)} ms p99 ${pct(99).toFixed(0)} ms`);
  console.log(`  /healthz while Redis was down: ${JSON.stringify(countBy(healthDuringRedisOutage))}`);
  if (otherSamples.length) console.log(`  other statuses: ${otherSamples.join(', ')}`);

  expect(accepted.size).toBe(N);
  expect(tally.gaveUp).toBe(0);
  expect(stored.length).toBe(N);
  expect(duplicates).toBe(0);
  expect(lost).toBe(0);
  expect(tally.hangs).toBe(0);
  expect(tally.other).toBe(0);
  expect(notSent).toBe(0);
  expect(registeredRows).toBe(N); // one ticket.registered row per order, none for a retried duplicate
  expect(missingJobs).toBe(0);
  expect(slaFiredOnce).toBe(slaTimers);
  expect(slaTwice).toBe(0);
  expect(sla.unfired).toBe(0);
  expect(sla.early).toBe(0);
  expect(waiting).toBe(outbox.length); // one job per row: a re-relayed row made no second job
  // While Redis was away the health check said so, with a 503 and not a hang.
  expect(healthDuringRedisOutage.filter((s) => s === 503).length).toBeGreaterThan(0);
  expect(healthDuringRedisOutage.filter((s) => s === -1).length).toBe(0);
});

function countBy(xs: number[]) {
  const m: Record<string, number> = {};
  for (const x of xs) m[x] = (m[x] ?? 0) + 1;
  return m;
}
