/**
 * bench:intake — N concurrent HTTP clients register tickets for DURATION seconds against a
 * server started here (own database), then the same row is INSERTed plainly into PostgreSQL
 * with the same concurrency, and the two rates are compared (closed loop: each client sends its
 * next request when the last one is answered). Then an open loop offers a fixed rate (default
 * 200/s) whatever the answers do, and reports latency from each request's scheduled send time, so
 * a stall counts against every request it delays (no coordinated omission). Prints figures and
 * the box's load (the ratio is what compares across runs on a shared machine); asserts nothing.
 *   npm run bench:intake -- [--clients 32] [--seconds 20] [--rate 200] [--open-seconds 10]
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { cpus, loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { hash } from '@node-rs/argon2';
import { migrateDatabase } from '../../server/platform/db/migrate';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const CLIENTS = arg('clients', 32);
const SECONDS = arg('seconds', 20);
const RATE = arg('rate', 200);
const OPEN_SECONDS = arg('open-seconds', 10);
const PORT = arg('port', 3900 + Math.floor(Math.random() * 90));
const ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function main() {
  const dbName = `rexian_bench_${randomBytes(3).toString('hex')}`;
  // BENCH_PG_SOCKET=/var/run/postgresql connects the server over the Unix socket instead of loopback TCP.
  const socket = process.env.BENCH_PG_SOCKET;
  const dbUrl = `postgres://postgres@127.0.0.1:5432/${dbName}`;
  const serverDbUrl = socket ? `postgres://postgres@/${dbName}?host=${encodeURIComponent(socket)}` : dbUrl;
  await migrateDatabase(dbUrl);
  const pool = new pg.Pool({ connectionString: dbUrl, max: CLIENTS });
  pool.on('error', () => {}); // the database is dropped at the end while idle clients remain
  await pool.query(`insert into users (username, password_hash, display_name, role) values ('bench', $1, 'bench', 'agent')`, [await hash('bench-pass-1')]);

  // BENCH_PROFILE=dir writes a CPU profile of the server process there (node --cpu-prof).
  const profile = process.env.BENCH_PROFILE;
  // node itself, not npx: a signal to an npx wrapper never reaches the server it started.
  const server = spawn(process.execPath, [...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []), '--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      REXIAN_DEMO: '1',
      PORT: String(PORT),
      DATABASE_URL: serverDbUrl,
      QUEUE_PREFIX: `bench-${dbName}`,
      LOG_LEVEL: 'warn',
      PG_POOL_SIZE: '20',
      ...(process.env.BENCH_SPLIT === '1' ? { ROLES: 'web,realtime,cron' } : {}),
    },
  });
  // BENCH_SPLIT=1: the web node runs ROLES=web,realtime,cron and a second process the BullMQ
  // workers (ROLES=worker), the shape docs/SCALING.md recommends.
  const split = process.env.BENCH_SPLIT === '1';
  const worker = split
    ? spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
        cwd: root,
        stdio: ['ignore', 'ignore', 'inherit'],
        env: {
          ...process.env,
          REXIAN_DEMO: '1',
          PORT: String(PORT + 1),
          ROLES: 'worker',
          DATABASE_URL: serverDbUrl,
          QUEUE_PREFIX: `bench-${dbName}`,
          LOG_LEVEL: 'warn',
        },
      })
    : null;
  const base = `http://127.0.0.1:${PORT}`;
  try {
    for (let i = 0; i < 100; i++) {
      if (
        await fetch(`${base}/healthz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench', password: 'bench-pass-1' }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const csrf = ((await login.json()) as { data: { csrfToken: string } }).data.csrfToken;
    const headers = { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf };

    // Warm-up, then the timed run.
    await runFor(2, CLIENTS, () => fetch(`${base}/api/tickets`, { method: 'POST', headers, body: body() }).then((r) => r.arrayBuffer()));
    const cpu0 = processCpuMs(server.pid);
    const xact0 = await transactions(pool, dbName);
    const http = await runFor(SECONDS, CLIENTS, async () => {
      const r = await fetch(`${base}/api/tickets`, { method: 'POST', headers, body: body() });
      await r.arrayBuffer();
      if (r.status !== 201) throw new Error(`status ${r.status}`);
    });

    const cpuPerTicket = (processCpuMs(server.pid) - cpu0) / Math.max(1, http.ok);
    const groups = await intakeGroups(base);
    await new Promise((r) => setTimeout(r, 600)); // backends report their counts within half a second of a commit
    const xactPerTicket = ((await transactions(pool, dbName)) - xact0) / Math.max(1, http.ok);
    const loadDuring = loadavg()[0];
    // Open loop at a fixed offered rate, after the closed loop's backlog (relay, SMS jobs) has drained a little.
    await new Promise((r) => setTimeout(r, 2000));
    const open = await openLoop(OPEN_SECONDS, RATE, async () => {
      const r = await fetch(`${base}/api/tickets`, { method: 'POST', headers, body: body() });
      await r.arrayBuffer();
      if (r.status !== 201) throw new Error(`status ${r.status}`);
    });

    const insert = await runFor(Math.min(SECONDS, 10), CLIENTS, () =>
      pool.query(
        `insert into tickets (number, channel, channel_account, external_id, title, content, urgency) values ($1, 'phone', '', $2, $3, $4, 'normal')`,
        [`9${randomBytes(6).toString('hex').slice(0, 12)}`, randomUUID(), '小区噪音扰民', '晚上十点后仍在施工，严重影响休息'],
      ),
    );

    const lat = http.latencies.sort((a, b) => a - b);
    const rate = http.ok / http.seconds;
    const insRate = insert.ok / insert.seconds;
    console.log(`bench:intake  clients=${CLIENTS} duration=${http.seconds.toFixed(1)}s`);
    console.log(`  HTTP register   ${rate.toFixed(0)} tickets/s  (ok ${http.ok}, errors ${http.errors})`);
    console.log(
      `  server CPU      ${cpuPerTicket.toFixed(2)} ms per registration (user + system of the server process${split ? '; workers in their own process' : ', all roles'})`,
    );
    console.log(`  latency         p50 ${pct(lat, 50).toFixed(1)} ms   p99 ${pct(lat, 99).toFixed(1)} ms`);
    console.log(`  plain INSERT    ${insRate.toFixed(0)} rows/s`);
    console.log(`  ratio           ${(rate / insRate).toFixed(3)} of a plain INSERT`);
    console.log(
      groups.count > 0
        ? `  intake groups   ${groups.count} transactions, ${(groups.sum / groups.count).toFixed(1)} appeals each on average (warm-up and closed loop), ${groups.fallbacks} fallbacks`
        : `  intake groups   off (INTAKE_GROUP_WINDOW_MS=0): one transaction per appeal`,
    );
    console.log(
      `  PostgreSQL      ${xactPerTicket.toFixed(2)} transactions per registration during the closed loop (intake, outbox relay, SMS receipt jobs, sessions)`,
    );
    const olat = open.latencies.sort((a, b) => a - b);
    console.log(
      `  open loop       ${RATE}/s offered for ${OPEN_SECONDS}s: ${open.ok} ok, ${open.errors} errors${open.errors ? ` (${[...open.kinds].map(([k, n]) => `${k}: ${n}`).join(', ')})` : ''}, ${(open.ok / open.seconds).toFixed(0)}/s answered`,
    );
    console.log(
      `                  p50 ${pct(olat, 50).toFixed(1)} ms   p99 ${pct(olat, 99).toFixed(1)} ms   max ${olat[olat.length - 1].toFixed(1)} ms  (bar p99 < 100 ms, goal < 50 ms)`,
    );
    console.log(
      `  box             ${cpus().length} CPUs (nproc), load average ${loadDuring.toFixed(1)} during the closed loop, ${loadavg()[0].toFixed(1)} at the end`,
    );
    console.log(
      `  target          ${rate.toFixed(0)} / 1000 tickets/s = ${(rate / 1000).toFixed(2)};  p99 ${pct(lat, 99).toFixed(1)} / 50 ms = ${(pct(lat, 99) / 50).toFixed(2)}`,
    );
  } finally {
    server.kill('SIGTERM');
    worker?.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1000));
    await pool.end();
    const admin = new pg.Client({ connectionString: ADMIN });
    await admin.connect();
    await admin.query(`drop database if exists "${dbName}" with (force)`);
    await admin.end();
  }
}

let seq = 0;
function body() {
  seq++;
  return JSON.stringify({
    callerPhone: `13${String(100000000 + (seq % 800000000)).padStart(9, '0')}`,
    content: `第${seq}号来电：小区门口路灯坏了一个月，晚上出行不便，请尽快维修。`,
    appealType: 'complaint',
    address: '广州市天河区林和街道体育东路100号',
  });
}

async function runFor(seconds: number, clients: number, op: () => Promise<unknown>) {
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        const s = performance.now();
        try {
          await op();
          ok++;
          latencies.push(performance.now() - s);
        } catch {
          errors++;
        }
      }
    }),
  );
  return { ok, errors, latencies, seconds: (performance.now() - t0) / 1000 };
}

/** Transactions committed or rolled back in the bench database so far (pg_stat_database). */
async function transactions(pool: pg.Pool, dbName: string): Promise<number> {
  const r = await pool.query<{ n: string }>(`select xact_commit + xact_rollback as n from pg_stat_database where datname = $1`, [dbName]);
  return Number(r.rows[0]?.n ?? 0);
}

/** The server's group-commit counters so far (GET /metrics): transactions, appeals in them, fallbacks. */
async function intakeGroups(base: string) {
  const text = await fetch(`${base}/metrics`).then(
    (r) => r.text(),
    () => '',
  );
  const value = (name: string) => Number(text.match(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm'))?.[1] ?? 0);
  return {
    count: value('rexian_intake_group_members_count'),
    sum: value('rexian_intake_group_members_sum'),
    fallbacks: value('rexian_intake_group_fallbacks_total'),
  };
}

/** User + system CPU of a process so far (Linux /proc; NaN elsewhere): load-independent cost per request. */
function processCpuMs(pid: number | undefined): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return ((Number(rest[11]) + Number(rest[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

/** Starts op() every 1000/rate ms for `seconds`, never waiting for answers; latency counts from the scheduled instant. */
async function openLoop(seconds: number, rate: number, op: () => Promise<unknown>) {
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  const t0 = performance.now();
  const total = Math.round(seconds * rate);
  const kinds = new Map<string, number>();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      op().then(
        () => {
          ok++;
          latencies.push(performance.now() - due);
        },
        (e: Error) => {
          errors++;
          kinds.set(e.message, (kinds.get(e.message) ?? 0) + 1);
        },
      ),
    );
  }
  await Promise.all(inflight);
  return { ok, errors, kinds, latencies, seconds: (performance.now() - t0) / 1000 };
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
