/**
 * The intake-under-faults scenario, shared by the full suite (`npm run test:faults`, 10,000 orders)
 * and the reduced one `npm test` runs (`npm run test:faults:ci`, 600 orders).
 *
 * Sustained intake through two real server processes on a PRIVATE PostgreSQL cluster and a PRIVATE
 * Redis (never the shared ones) while, in turn: (1) Redis is killed -9 and restarted; (2) PostgreSQL
 * is stopped (`pg_ctl stop -m immediate`, every backend killed at once) and started again, the servers
 * not restarted; (3) one server process is killed -9 and restarted (last, so the other node carries
 * the rest of the load while it boots). Every order carries a unique callId, so a client that got no
 * answer (or a 503) retries the same order safely. SLA timers fall due during the faults. Afterwards:
 * every accepted order stored exactly once, every outbox row relayed to exactly one BullMQ job
 * `ob-<id>`, every due timer fired once and not early, no hung request, no 500, no node that died by itself.
 *
 * Faults are triggered by progress (share of orders accepted), and no client starts an order past the
 * next fault's trigger until the current fault is over, so each fault lands under load whatever the
 * order count and the machine's speed.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { migrateDatabase } from '../../server/platform/db/migrate';
import { freePort, insertUser, loginHttp, spawnServer, startRedisProcess, type ServerProcess } from '../helpers/server-process';
import { startPrivatePostgres, type PrivatePostgres } from '../helpers/private-postgres';

export interface IntakeFaultOptions {
  label: string;
  orders: number;
  clients: number;
  /** Redis with the append-only file (production setting); off shows the jobs a crash loses. */
  aof: boolean;
  /** dispatched tickets whose three SLA timers (reminder, overdue, supervision) fall due during the run */
  slaTickets: number;
  /** their instants are spread over this many seconds, starting 5 s after setup */
  slaWindowS: number;
  /** how long each dependency stays down */
  redisOutageMs: number;
  pgOutageMs: number;
  /** a 503 must come back within this time (no request waits on a dead database for long) */
  max503Ms: number;
  /** the cron nodes' SLA sweep period (production default 10 s) */
  slaSweepMs?: number;
}

const REQ_TIMEOUT_MS = 10_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function intakeUnderFaults(o: IntakeFaultOptions) {
  const run = randomBytes(3).toString('hex');
  const prefix = `rxf-${run}`;
  let pgc: PrivatePostgres;
  let dbUrl: string;
  let pool: pg.Pool;
  let redis: Awaited<ReturnType<typeof startRedisProcess>>;
  let aofDir: string | undefined;
  const nodes: ServerProcess[] = [];
  const setupStarted = Date.now();

  beforeAll(async () => {
    aofDir = o.aof ? fs.mkdtempSync(path.join(os.tmpdir(), 'rx-redis-')) : undefined;
    const pgPort = await freePort();
    dbUrl = `postgres://postgres@127.0.0.1:${pgPort}/rx_fault`;
    redis = await startRedisProcess({ aofDir });
    // The servers boot while the cluster is still being created (they answer /healthz 503 and connect
    // once it exists): that saves the slowest part of setup, and shows a node may start before its database.
    // No BullMQ worker on these nodes: the jobs stay in Redis so the test can look every one up.
    const [cluster, ...started] = await Promise.all([
      startPrivatePostgres({ port: pgPort }).then(async (c) => (await migrateDatabase(dbUrl), c)),
      ...[0, 1].map(() =>
        spawnServer({
          databaseUrl: dbUrl,
          redisUrl: redis.url,
          prefix,
          roles: 'web,realtime,cron',
          logLevel: 'warn',
          extraEnv: o.slaSweepMs ? { SLA_SWEEP_MS: String(o.slaSweepMs) } : {},
        }),
      ),
    ] as const);
    pgc = cluster as PrivatePostgres;
    nodes.push(...(started as ServerProcess[]));
    pool = new pg.Pool({ connectionString: dbUrl, max: 4 });
    pool.on('error', () => {});
  });

  afterAll(async () => {
    for (const n of nodes) await n.kill('SIGKILL');
    await redis?.kill();
    await pool?.end();
    await pgc?.destroy();
    if (aofDir) fs.rmSync(aofDir, { recursive: true, force: true });
  });

  it(`${o.label}: every accepted order stored once, every outbox row relayed, timers fired once, across Redis, server and PostgreSQL faults (${o.orders} orders)`, async () => {
    const N = o.orders;
    const setupSeconds = (Date.now() - setupStarted) / 1000;
    const agent = await insertUser(pool, { role: 'agent' });
    const { headers } = await loginHttp(nodes[0].url, agent.username, agent.password);

    // SLA timers due inside the fault window: real dispatches (deadlines computed by the dispatch use
    // case), then their instants pulled in to now + 5 s … now + 5 s + window. Both nodes run the sweeper (cron).
    const unitId = (
      await pool.query(`insert into handling_units (code, name, kind, region_code) values ('F1', '市住建局', 'functional', '440100') returning id`)
    ).rows[0].id;
    const dispatcher = await insertUser(pool, { role: 'dispatcher' });
    const dh = (await loginHttp(nodes[1].url, dispatcher.username, dispatcher.password)).headers;
    await Promise.all(
      Array.from({ length: 4 }, async (_, w) => {
        for (let k = w; k < o.slaTickets; k += 4) {
          const r = await fetch(`${nodes[1].url}/api/tickets`, {
            method: 'POST',
            headers: dh,
            body: JSON.stringify({ callerPhone: '13800138000', content: `SLA ${k}：路灯不亮`, appealType: 'complaint' }),
          });
          const id = ((await r.json()) as { data: { id: string } }).data.id;
          for (const [action, body] of [
            ['submit', {}],
            ['dispatch', { leadUnitId: unitId }],
          ] as const) {
            const x = await fetch(`${nodes[1].url}/api/tickets/${id}/actions/${action}`, { method: 'POST', headers: dh, body: JSON.stringify(body) });
            if (x.status !== 200) throw new Error(`${action}: ${x.status} ${await x.text()}`);
          }
        }
      }),
    );
    await pool.query(
      `update dispatches d set remind_at = x.at, reply_due_at = x.at + interval '2 seconds', supervision_due_at = x.at + interval '4 seconds',
        next_wake_at = x.at, reminded_at = null, overdue_at = null, supervised_at = null
      from (select id, now() + interval '5 seconds' + (row_number() over (order by id) * ($1::float / $2) || ' seconds')::interval as at
        from dispatches) x where x.id = d.id`,
      [o.slaWindowS, Math.max(1, o.slaTickets)],
    );
    const lastDue = (await pool.query(`select max(supervision_due_at) as t from dispatches`)).rows[0].t as Date | null;

    const accepted = new Set<number>();
    const tally = { sent: 0, accepted: 0, s503: 0, connErrors: 0, hangs: 0, other: 0, gaveUp: 0 };
    const otherSamples: string[] = [];
    const latencies: number[] = [];
    const events: string[] = [];
    const t0 = Date.now();
    const at = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
    /** requests answered while PostgreSQL was down (started after the stop, before the start returned) */
    const pgWindow = { down: Infinity, up: Infinity };
    const duringPg = { n: 0, s503: 0, max503Ms: 0, other: 0, conn: 0 };
    const firstOkAfterPg: (number | null)[] = nodes.map(() => null);

    // The faults, in order; each is triggered when this share of the orders has been accepted.
    const healthRedis: number[] = [];
    const healthPg: { status: number; postgres?: string }[] = [];
    const plan: { at: number; name: string; run: () => Promise<void> }[] = [
      {
        at: 0.2,
        name: 'redis',
        run: async () => {
          events.push(`${at()} kill -9 redis`);
          await redis.kill();
          const end = Date.now() + o.redisOutageMs;
          while (Date.now() < end) {
            healthRedis.push(
              ...(await Promise.all(
                nodes.map((n) =>
                  fetch(`${n.url}/healthz`, { signal: AbortSignal.timeout(5000) }).then(
                    (r) => r.status,
                    () => -1,
                  ),
                ),
              )),
            );
            await sleep(300);
          }
          await redis.start();
          events.push(`${at()} redis restarted`);
        },
      },
      {
        at: 0.45,
        name: 'postgres',
        run: async () => {
          events.push(`${at()} pg_ctl stop -m immediate`);
          await pgc.stop('immediate');
          pgWindow.down = Date.now();
          events.push(`${at()} postgres down`);
          const end = Date.now() + o.pgOutageMs;
          while (Date.now() < end) {
            healthPg.push(
              ...(await Promise.all(
                nodes.map((n) =>
                  fetch(`${n.url}/healthz`, { signal: AbortSignal.timeout(5000) }).then(
                    async (r) => ({ status: r.status, postgres: ((await r.json()) as { postgres?: string }).postgres }),
                    () => ({ status: -1 }),
                  ),
                ),
              )),
            );
            await sleep(300);
          }
          pgWindow.up = Infinity;
          await pgc.start();
          pgWindow.up = Date.now();
          events.push(`${at()} postgres started (servers not restarted)`);
        },
      },
      {
        at: 0.7,
        name: 'server',
        run: async () => {
          events.push(`${at()} kill -9 server A`);
          killing[0] = true;
          await nodes[0].kill('SIGKILL');
          await sleep(500);
          await nodes[0].start();
          killing[0] = false;
          events.push(`${at()} server A restarted`);
        },
      },
    ];
    let current = 0; // index of the fault not yet finished
    const allowed = () => (current + 1 < plan.length ? Math.floor(plan[current + 1].at * N) : N);
    let next = 0;

    async function client() {
      for (;;) {
        while (next >= allowed() && next < N) await sleep(20);
        const i = next++;
        if (i >= N) return;
        let done = false;
        for (let attempt = 0; attempt < 100 && !done; attempt++) {
          const k = (i + attempt) % nodes.length;
          const node = nodes[k];
          tally.sent++;
          const started = Date.now();
          const inPg = started >= pgWindow.down && started < pgWindow.up;
          const s = performance.now();
          try {
            const r = await fetch(`${node.url}/api/tickets`, {
              method: 'POST',
              headers,
              signal: AbortSignal.timeout(REQ_TIMEOUT_MS),
              body: JSON.stringify({
                callId: `${run}-${i}`,
                callerPhone: `139${String(i).padStart(8, '0')}`,
                appealType: 'complaint',
                content: `第${i}号来电：小区门口路灯坏了，晚上出行不便，请尽快维修。`,
                address: '广州市天河区林和街道体育东路100号',
              }),
            });
            await r.arrayBuffer();
            const ms = performance.now() - s;
            if (inPg) {
              duringPg.n++;
              if (r.status === 503) {
                duringPg.s503++;
                duringPg.max503Ms = Math.max(duringPg.max503Ms, ms);
              } else if (r.status !== 200 && r.status !== 201) duringPg.other++;
            }
            if (r.status === 201 || r.status === 200) {
              if (started >= pgWindow.up && firstOkAfterPg[k] === null) firstOkAfterPg[k] = Date.now() - pgWindow.up;
              latencies.push(ms);
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
            else {
              tally.connErrors++;
              if (inPg) duringPg.conn++;
            }
            await sleep(200);
          }
        }
        if (!done) tally.gaveUp++;
      }
    }

    async function faults() {
      for (; current < plan.length; current++) {
        while (accepted.size < plan[current].at * N) await sleep(20);
        await plan[current].run();
      }
    }

    let loadDone = false;
    const killing: boolean[] = [];
    let diedByItself = 0;
    async function watchdog() {
      // A node that dies on its own (not killed by the test) is a finding: report when and why, restart it.
      while (!loadDone) {
        for (const [k, n] of nodes.entries()) {
          if (!n.alive() && !killing[k]) {
            diedByItself++;
            events.push(`${at()} server ${'AB'[k]} DIED BY ITSELF: ${n.output().slice(-800)}`);
            killing[k] = true;
            await n.start().catch(() => {});
            killing[k] = false;
          }
        }
        await sleep(100);
      }
    }
    await Promise.all([
      watchdog(),
      (async () => {
        await Promise.all([faults(), ...Array.from({ length: o.clients }, client)]);
        loadDone = true;
      })(),
    ]);
    const loadSeconds = (Date.now() - t0) / 1000;

    // SLA: every timer fired exactly once, not early. One due during an outage fires at the first sweep
    // after it, so wait until all have fired, at most one sweep (+2 s) past the last instant or the restart.
    const sweepMs = o.slaSweepMs ?? 10_000;
    const slaDeadline = Math.max(lastDue?.getTime() ?? 0, pgWindow.up) + sweepMs + 2000;
    const unfired = async () =>
      (
        await pool.query(`select count(*)::int as n from dispatches
      where reminded_at is null or overdue_at is null or supervised_at is null`)
      ).rows[0].n as number;
    while (Date.now() < slaDeadline && (await unfired()) > 0) await sleep(250);
    const sla = (
      await pool.query(`select
        count(*) filter (where reminded_at is null or overdue_at is null or supervised_at is null)::int as unfired,
        count(*) filter (where reminded_at < remind_at or overdue_at < reply_due_at or supervised_at < supervision_due_at)::int as early,
        extract(epoch from max(greatest(reminded_at - remind_at, overdue_at - reply_due_at, supervised_at - supervision_due_at)))::float as max_late
      from dispatches`)
    ).rows[0];
    const slaEvents = (
      await pool.query(`select ticket_id, type, count(*)::int as n from ticket_events
      where type in ('ticket.reminded', 'ticket.overdue', 'ticket.supervised') group by 1, 2`)
    ).rows as { n: number }[];
    const slaTimers = o.slaTickets * 3;
    const slaFiredOnce = slaEvents.filter((e) => e.n === 1).length;
    const slaTwice = slaEvents.filter((e) => e.n > 1).length;

    // Let the relays (both nodes' sweepers) drain what waited for Redis or PostgreSQL.
    const unsent = async () => (await pool.query('select count(*)::int as n from outbox where sent_at is null')).rows[0].n as number;
    for (let i = 0; i < 600 && (await unsent()) > 0; i++) await sleep(100);

    const stored = (await pool.query(`select external_id, count(*)::int as n from tickets where external_id like $1 group by external_id`, [`call-${run}-%`]))
      .rows as { external_id: string; n: number }[];
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
    const registeredRows = (
      await pool.query(
        `select count(*)::int as n from outbox where topic = 'ticket.registered' and payload->>'ticketId' in
      (select id::text from tickets where external_id like $1)`,
        [`call-${run}-%`],
      )
    ).rows[0].n as number;

    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
    console.log(
      `\n${o.label}: ${N} orders, ${o.clients} clients, 2 server processes, private PostgreSQL (fsync off) and Redis ` +
        `${o.aof ? 'AOF (appendfsync everysec)' : 'without persistence'}; setup ${setupSeconds.toFixed(1)} s`,
    );
    for (const e of events) console.log(`  ${e}`);
    console.table([
      {
        'requests sent': tally.sent,
        accepted: accepted.size,
        stored: stored.length,
        duplicates,
        lost,
        '503s': tally.s503,
        'conn errors': tally.connErrors,
        hangs: tally.hangs,
        'other 4xx/5xx': tally.other,
        'gave up': tally.gaveUp,
        'died by itself': diedByItself,
      },
    ]);
    console.table([
      {
        'outbox rows': outbox.length,
        'not sent': notSent,
        'jobs ob-<id> missing': missingJobs,
        'jobs waiting': waiting,
        'registered rows': registeredRows,
      },
    ]);
    console.table([
      {
        'SLA timers due in window': slaTimers,
        'fired once': slaFiredOnce,
        'fired twice+': slaTwice,
        unfired: sla.unfired,
        early: sla.early,
        'latest firing after due (s)': sla.max_late === null ? '-' : Number(sla.max_late).toFixed(1),
      },
    ]);
    console.table([
      {
        'requests during PG outage': duringPg.n,
        '503 answers': duringPg.s503,
        'slowest 503 (ms)': Math.round(duringPg.max503Ms),
        'conn errors': duringPg.conn,
        'other 4xx/5xx': duringPg.other,
        'first 2xx after PG start, A / B (ms)': firstOkAfterPg.map((x) => x ?? '-').join(' / '),
      },
    ]);
    console.log(
      `  load ${loadSeconds.toFixed(1)} s = ${(accepted.size / loadSeconds).toFixed(0)} orders/s; accepted latency p50 ${pct(50).toFixed(0)} ms p99 ${pct(99).toFixed(0)} ms`,
    );
    console.log(`  /healthz while Redis was down: ${JSON.stringify(countBy(healthRedis.map(String)))}`);
    console.log(`  /healthz while PostgreSQL was down: ${JSON.stringify(countBy(healthPg.map((h) => `${h.status} postgres=${h.postgres ?? '-'}`)))}`);
    if (otherSamples.length) console.log(`  other statuses: ${otherSamples.join(', ')}`);

    expect(accepted.size).toBe(N);
    expect(tally.gaveUp).toBe(0);
    expect(stored.length).toBe(N);
    expect(duplicates).toBe(0);
    expect(lost).toBe(0);
    expect(tally.hangs).toBe(0);
    expect(tally.other).toBe(0); // no 500: a dead dependency is a 503
    expect(diedByItself).toBe(0);
    expect(notSent).toBe(0);
    expect(registeredRows).toBe(N); // one ticket.registered row per order, none for a retried duplicate
    expect(missingJobs).toBe(0);
    expect(slaFiredOnce).toBe(slaTimers);
    expect(slaTwice).toBe(0);
    expect(sla.unfired).toBe(0);
    expect(sla.early).toBe(0);
    expect(waiting).toBe(outbox.length); // one job per row: a re-relayed row made no second job
    // While Redis was away the health check said so, with a 503 and not a hang.
    expect(healthRedis.filter((s) => s === 503).length).toBeGreaterThan(0);
    expect(healthRedis.filter((s) => s === -1).length).toBe(0);
    // While PostgreSQL was away: intake answered 503 quickly (no request waited on the dead database),
    // the health check named PostgreSQL, and both nodes took orders again without being restarted.
    expect(duringPg.s503).toBeGreaterThan(0);
    expect(duringPg.max503Ms).toBeLessThan(o.max503Ms);
    expect(healthPg.length).toBeGreaterThan(0);
    expect(healthPg.every((h) => h.status === 503 && h.postgres === 'down')).toBe(true);
    expect(firstOkAfterPg.every((x) => x !== null)).toBe(true);
  });
}

function countBy(xs: string[]) {
  const m: Record<string, number> = {};
  for (const x of xs) m[x] = (m[x] ?? 0) + 1;
  return m;
}
