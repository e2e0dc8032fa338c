/**
 * Second half of `npm run bench:sla`: one overdue/reminder sweep over 1 M open dispatches in
 * PostgreSQL with 1% due; target < 1 s, and the plan must use the next-wake index.
 *
 * Runs the foundation's real sweeper (`fireDueTimers`, server/sla/use-cases/fire-due-timers.ts:
 * claim ≤ 500 due rows FOR UPDATE SKIP LOCKED, fire each stage once with its event, audit and
 * outbox rows) on its schema (drizzle migrations; `dispatches.next_wake_at` and the partial index
 * `dispatches_next_wake_idx`) in a throw-away database `bench_sla_<random>` on
 * postgres://postgres@127.0.0.1:5432/, dropped at the end. Deadlines are computed with the real
 * calendar and the Guangdong preset, as dispatch stores them.
 *
 * The 1 M rows are built once into a template database `bench_sla_tpl_<fingerprint>` (the fingerprint
 * covers the migrations, the row count, the order and this file's fill code); each sweep runs on a copy
 * (`CREATE DATABASE … TEMPLATE`, a file copy: seconds), so runs with several concurrencies start from the
 * same rows. Without `--reuse` the template is dropped at the end; with `--reuse` it is kept and the next
 * `--reuse` run starts from it (seconds instead of a minute). `--drop-templates` drops every kept one.
 *
 * BENCH_SWEEP_CONCURRENCY=1,2 sweeps once per listed concurrency, back to back, each on a fresh copy
 * (default: the cron's SWEEP_CONCURRENCY). Each run prints wall time, the lower bound in the same copy,
 * and CPU: PostgreSQL's (the sweep's backends, from /proc, when the server runs on this machine) and
 * this process's.
 */
import { createHash, randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { sql, type SQL } from 'drizzle-orm';
import { pino } from 'pino';
import { SYSTEM, makeCtx } from '../../server/platform/context.js';
import { createDb } from '../../server/platform/db/client.js';
import { OPEN_DISPATCH_STATUSES } from '../../server/dispatch/tables.js';
import { fireDueTimers, sweepDueTimers, SWEEP_BATCH, SWEEP_CONCURRENCY } from '../../server/sla/use-cases/fire-due-timers.js';
import { createCalendar } from '../../server/sla/calendar.js';
import { SHIPPED_HOLIDAY_ROWS } from '../../server/sla/holidays.js';
import { type AppealType, computeDispatchDeadlines, computeSupervisionAt, resolvePolicy } from '../../server/sla/policy.js';
import { presetPolicies } from '../../server/sla/presets.js';

const SERVER_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/';
const MIGRATIONS = process.env.BENCH_MIGRATIONS_DIR ?? fileURLToPath(new URL('../../server/platform/db/migrations', import.meta.url));
const ROWS = Number(process.env.BENCH_SWEEP_ROWS ?? 1_000_000);
const DUE_SHARE = 0.01;
const TARGET_MS = 1000;
const BATCH = 50_000;
const TICKETS = 100_000; // ten dispatches per ticket (rounds and assisting units)
// Production inserts a dispatch when it is made, so heap order follows dispatched_at and the rows
// due now sit together. BENCH_SWEEP_SHUFFLED=1 scatters them instead (worst case for the heap reads).
const SHUFFLED = process.env.BENCH_SWEEP_SHUFFLED === '1';
// The sweep's batch size; the cron's own (SWEEP_BATCH) unless BENCH_SWEEP_BATCH says otherwise.
const SWEEP = Number(process.env.BENCH_SWEEP_BATCH ?? SWEEP_BATCH);
// Slices swept side by side: one run per listed value, each on a fresh copy of the template.
const CONCURRENCIES = (process.env.BENCH_SWEEP_CONCURRENCY ?? String(SWEEP_CONCURRENCY)).split(',').map((v) => {
  const n = Number(v.trim());
  if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_SWEEP_CONCURRENCY: ${v} is not a positive integer`);
  return n;
});
const REUSE = process.argv.includes('--reuse');
const DROP_TEMPLATES = process.argv.includes('--drop-templates');
// --explain: EXPLAIN (ANALYZE, BUFFERS) of the sweeper's whole statement (first batch, rolled back) on a copy of its own.
const EXPLAIN = process.argv.includes('--explain');
const TEMPLATE_PREFIX = 'bench_sla_tpl_';

const dbUrl = (name: string) => {
  const u = new URL(SERVER_URL);
  u.pathname = `/${name}`;
  return u.toString();
};

/** Runs the sweep bench; returns false (with the reason printed) when the schema is not there. */
export async function runSweepBench(): Promise<boolean> {
  const admin = new pg.Client({ connectionString: dbUrl('postgres') });
  await admin.connect();
  try {
    if (DROP_TEMPLATES) {
      const kept = await admin.query<{ datname: string }>(`select datname from pg_database where datname like '${TEMPLATE_PREFIX}%'`);
      for (const { datname } of kept.rows) await admin.query(`drop database if exists ${datname} with (force)`);
      console.log(`  dropped ${kept.rowCount} kept template database(s)${kept.rowCount ? `: ${kept.rows.map((r) => r.datname).join(', ')}` : ''}`);
      return true;
    }
    if (!existsSync(MIGRATIONS)) {
      console.log(`Overdue sweep: NOT RUN (no migrations at ${MIGRATIONS}; needs the foundation's dispatches table)`);
      return false;
    }
    const template = templateName();
    let built = false;
    try {
      built = await ensureTemplate(admin, template);
      if (!built) return false;
      if (EXPLAIN) {
        const name = `bench_sla_${randomBytes(4).toString('hex')}`;
        await admin.query(`create database ${name} template ${template} strategy file_copy`);
        try {
          await explainSweep(dbUrl(name));
        } finally {
          await dropDatabase(admin, name);
        }
      }
      for (const concurrency of CONCURRENCIES) {
        const name = `bench_sla_${randomBytes(4).toString('hex')}`;
        const t = performance.now();
        // A file copy of the template: no WAL for every page, seconds for the whole million rows.
        await admin.query(`create database ${name} template ${template} strategy file_copy`);
        console.log(`  copied ${template} into ${name} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
        try {
          await sweep(dbUrl(name), concurrency);
        } finally {
          await dropDatabase(admin, name);
        }
      }
      return true;
    } finally {
      if (!REUSE) await dropDatabase(admin, template);
      else if (built) console.log(`  template ${template} kept for the next --reuse run (drop it: npm run bench:sla -- --drop-templates)`);
    }
  } finally {
    await admin.end();
  }
}

/**
 * Drops a database this bench made. pg's Pool.end() resolves before its sockets have closed, so wait
 * (up to 2 s) for the backends to leave before forcing: a forced drop would cut them mid-goodbye.
 */
export async function dropDatabase(admin: pg.Client, name: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    const { rows } = await admin.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity where datname = $1`, [name]);
    if (rows[0].n === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await admin.query(`drop database if exists ${name} with (force)`);
}

/** The template's name part: what the filled rows depend on (schema, size, order, the fill code itself). */
/** The kept template's name (`npm run bench:sla -- --reuse` builds it). */
export const templateName = () => `${TEMPLATE_PREFIX}${fingerprint()}`;
export { dbUrl, ROWS, DUE_SHARE };

function fingerprint(): string {
  const h = createHash('sha256');
  for (const f of readdirSync(MIGRATIONS)
    .filter((f) => f.endsWith('.sql'))
    .sort())
    h.update(f).update(readFileSync(join(MIGRATIONS, f)));
  h.update(JSON.stringify({ ROWS, SHUFFLED, TICKETS, BATCH })).update(fill.toString());
  return h.digest('hex').slice(0, 12);
}

/**
 * Makes sure the filled template exists: reuses a complete one with --reuse (its comment says it is
 * complete; a half-built one from an interrupted run is dropped and rebuilt), else builds it.
 */
async function ensureTemplate(admin: pg.Client, template: string): Promise<boolean> {
  const found = await admin.query<{ done: string | null }>(`select shobj_description(oid, 'pg_database') as done from pg_database where datname = $1`, [
    template,
  ]);
  if (REUSE && found.rows[0]?.done === 'complete') {
    console.log(`  reusing ${template} (${ROWS.toLocaleString('en-US')} open dispatches, built by an earlier --reuse run)`);
    return true;
  }
  if (found.rowCount) await admin.query(`drop database if exists ${template} with (force)`);
  await admin.query(`create database ${template}`);
  const pool = new pg.Pool({ connectionString: dbUrl(template), max: 2 });
  pool.on('error', (err) => console.error(`  bench pool: ${err.message}`));
  try {
    await migrate(drizzle(pool), { migrationsFolder: MIGRATIONS });
    const cols = await pool.query(`select 1 from information_schema.columns where table_name = 'dispatches' and column_name = 'next_wake_at'`);
    if (cols.rowCount === 0) {
      console.log('Overdue sweep: NOT RUN (dispatches.next_wake_at missing from the schema)');
      return false;
    }
    await fill(pool);
  } finally {
    await pool.end();
  }
  await admin.query(`comment on database ${template} is 'complete'`);
  return true;
}

export async function fill(pool: pg.Pool): Promise<void> {
  const calendar = createCalendar(SHIPPED_HOLIDAY_ROWS);
  const presets = presetPolicies('guangdong-2022');
  const types: AppealType[] = ['consult', 'help', 'complaint', 'report', 'suggestion'];
  const policies = types.map((appealType) => resolvePolicy(presets, { regionCode: '440106', appealType, urgency: 'normal' }));
  const from = Date.parse('2025-01-01T00:00:00+08:00');
  const span = Date.parse('2026-10-31T00:00:00+08:00') - from;
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const unit = '00000000-0000-4000-8000-000000000001';
  const started = performance.now();
  const client = await pool.connect();
  try {
    // Real tickets and a unit for the rows to belong to (the sweeper writes each ticket's timeline).
    await client.query(`insert into handling_units (id, code, name, kind, region_code) values ($1, 'bench', 'bench unit', 'district_gov', '440106')`, [unit]);
    await client.query(
      `insert into tickets (id, number, status, channel, external_id, title, content, region_code, appeal_type, current_round)
       select md5('t' || i)::uuid, 'B' || i, 'dispatched', 'phone', 'bench-' || i, 'bench', 'bench', '440106', 'complaint', 1
       from generate_series(0, $1 - 1) i`,
      [TICKETS],
    );
    // Every reference exists; skip the per-row FK trigger lookups for this bulk load only.
    await client.query(`set session_replication_role = replica`);
    for (let done = 0; done < ROWS; done += BATCH) {
      const n = Math.min(BATCH, ROWS - done);
      const cols: string[][] = [[], [], [], [], [], [], []];
      for (let i = 0; i < n; i++) {
        const share = SHUFFLED ? random() : (done + i + random()) / ROWS;
        const at = new Date(from + Math.floor(share * span));
        const d = computeDispatchDeadlines(calendar, policies[(done + i) % policies.length], at);
        cols[0].push(at.toISOString());
        cols[1].push(d.signDueAt.toISOString());
        cols[2].push(d.replyDueAt.toISOString());
        cols[3].push(d.remindAt.toISOString());
        cols[4].push(d.returnWindowEndsAt.toISOString());
        cols[5].push(d.remindAt.toISOString()); // next wake: the reminder, nothing has fired yet
        cols[6].push(computeSupervisionAt(calendar, policies[(done + i) % policies.length], d.replyDueAt).toISOString());
      }
      await client.query(
        `insert into dispatches (ticket_id, unit_id, role, status, dispatched_at, sign_due_at, reply_due_at, remind_at, return_window_ends_at, supervision_due_at, next_wake_at)
         select md5('t' || (($8::int + n - 1) % $9::int))::uuid, $1, case when ($8::int + n) % 10 = 1 then 'lead' else 'assisting' end,
           'in_progress', a, s, r, m, w, sv, nw
         from unnest($2::timestamptz[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[], $10::timestamptz[])
           with ordinality as t(a, s, r, m, w, nw, sv, n)`,
        [unit, ...cols.slice(0, 6), done, TICKETS, cols[6]],
      );
    }
  } finally {
    client.release();
  }
  // Steady state, as autovacuum and the checkpointer would leave it: the sweep should not pay for
  // the bulk load's hint bits and dirty pages.
  await pool.query('vacuum (analyze) dispatches');
  await pool.query('checkpoint');
  const order = SHUFFLED ? 'shuffled (worst case)' : 'in dispatch order (as inserted in production)';
  console.log(`  filled ${ROWS.toLocaleString('en-US')} open dispatches ${order} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

// The claim query of fire-due-timers.ts, written out for EXPLAIN (drizzle builds the same SQL).
const CLAIM_DUE = `select * from dispatches
  where next_wake_at is not null and next_wake_at <= $1 and status = any($2::text[])
  order by next_wake_at limit 500 for update skip locked`;

/** The sweeper's statement for one batch under EXPLAIN (ANALYZE, BUFFERS), in a transaction rolled back. */
async function explainSweep(url: string): Promise<void> {
  const db = createDb(url, 1);
  try {
    const { rows } = await db.$client.query(`select next_wake_at from dispatches order by next_wake_at offset $1 limit 1`, [Math.round(ROWS * DUE_SHARE) - 1]);
    const now: Date = rows[0].next_wake_at;
    const plan: string[] = [];
    await db
      .transaction(async (tx) => {
        // fireDueTimers runs its one statement through ctx.db.execute: wrap it in EXPLAIN.
        const explaining = {
          execute: async (q: SQL) => {
            const r = await tx.execute<{ 'QUERY PLAN': string }>(sql`explain (analyze, buffers) ${q}`);
            plan.push(...r.rows.map((x) => x['QUERY PLAN']));
            return { rows: [] };
          },
        };
        const ctx = makeCtx({
          db: explaining as never,
          actor: SYSTEM,
          log: pino({ level: 'silent' }),
          svc: { pii: null as never, kickOutbox: () => {} },
          now: () => now,
        });
        await fireDueTimers(ctx, { limit: SWEEP });
        throw new RollBack();
      })
      .catch((err) => {
        if (!(err instanceof RollBack)) throw err;
      });
    console.log(`  EXPLAIN (ANALYZE, BUFFERS) of the sweeper's statement, first batch of ${SWEEP.toLocaleString('en-US')} (rolled back):`);
    console.log(plan.join('\n').replace(/^/gm, '    '));
  } finally {
    await db.$client.end();
  }
}
class RollBack extends Error {}

/** CPU seconds (user + system) of these processes so far, from /proc; null where /proc does not show them. */
export function procCpu(pids: number[]): number | null {
  let ticks = 0;
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return null; // PostgreSQL on another machine or in another container: not measurable from here
    }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15 of stat)
  }
  return ticks / 100; // USER_HZ is 100 on Linux
}

async function sweep(url: string, concurrency: number): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', (err) => console.error(`  bench pool: ${err.message}`));
  try {
    await sweepIn(pool, url, concurrency);
  } finally {
    await pool.end();
  }
}

async function sweepIn(pool: pg.Pool, url: string, concurrency: number): Promise<void> {
  const loadAtStart = loadavg()[0];
  const dueCount = Math.round(ROWS * DUE_SHARE);
  // The sweep instant: exactly the earliest 1% of next wakes are due.
  const { rows } = await pool.query(`select next_wake_at from dispatches order by next_wake_at offset $1 limit 1`, [dueCount - 1]);
  const now: Date = rows[0].next_wake_at;
  const due = await pool.query(`select count(*)::int as n from dispatches where next_wake_at <= $1`, [now]);

  const client = await pool.connect();
  try {
    await client.query('begin');
    const plan = await client.query(`explain (analyze, buffers) ${CLAIM_DUE}`, [now, OPEN_DISPATCH_STATUSES]);
    await client.query('rollback');
    const planText = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    console.log(`  EXPLAIN (ANALYZE, BUFFERS) of the sweeper's claim query (one batch of 500):\n${planText.replace(/^/gm, '    ')}`);
    console.log(`  uses dispatches_next_wake_idx: ${/dispatches_next_wake_idx/.test(planText) ? 'yes' : 'NO'}`);
  } finally {
    client.release();
  }

  // Lower bound for the same work done set-based: claim every due row and mark it in one UPDATE
  // (no per-row events), then roll back so the real sweeper below finds the same rows.
  const lower = await pool.connect();
  let setBased: number;
  let setBasedCpu: number | null = null;
  try {
    const pid = (await lower.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid;
    const cpu0 = procCpu([pid]);
    const t = performance.now();
    await lower.query('begin');
    const ids = await lower.query(
      `select id from dispatches where next_wake_at <= $1 and status = any($2::text[]) order by next_wake_at for update skip locked`,
      [now, OPEN_DISPATCH_STATUSES],
    );
    await lower.query(
      `update dispatches set reminded_at = coalesce(reminded_at, $1), overdue_at = case when reply_due_at <= $1 then $1 end,
         next_wake_at = case when reply_due_at > $1 then reply_due_at end, updated_at = $1 where id = any($2::uuid[])`,
      [now, ids.rows.map((r) => r.id)],
    );
    setBased = performance.now() - t;
    const cpu1 = procCpu([pid]);
    if (cpu0 !== null && cpu1 !== null) setBasedCpu = cpu1 - cpu0;
    await lower.query('rollback');
  } finally {
    lower.release();
  }
  console.log(
    `  set-based lower bound (claim all due + one UPDATE, no events; commit not timed): ${setBased.toFixed(0)} ms / ${TARGET_MS} ms = ${(setBased / TARGET_MS).toFixed(2)}; PostgreSQL CPU ${setBasedCpu === null ? 'not measurable' : `${(setBasedCpu * 1000).toFixed(0)} ms`}`,
  );

  const db = createDb(url, concurrency);
  const ctx = makeCtx({ db, actor: SYSTEM, log: pino({ level: 'silent' }), svc: { pii: null as never, kickOutbox: () => {} }, now: () => now });
  let result: Awaited<ReturnType<typeof sweepDueTimers>>;
  let total: number;
  let pgCpu: number | null = null;
  let nodeCpu: number;
  try {
    // The pool's connections exist before the clock starts (as in a running cron node), so their
    // backends' CPU can be read before and after.
    const held = await Promise.all(Array.from({ length: concurrency }, () => db.$client.connect()));
    const pids = await Promise.all(held.map(async (c) => (await c.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid));
    held.forEach((c) => c.release());
    const cpu0 = procCpu(pids);
    const node0 = process.cpuUsage();
    const t0 = performance.now();
    // One sweep as the cron runs it (sla-wake.job.ts): `concurrency` disjoint slices side by side,
    // each in batches of SWEEP until a batch claims fewer than a full one.
    result = await sweepDueTimers(() => ctx, { concurrency, batch: SWEEP });
    total = performance.now() - t0;
    const node1 = process.cpuUsage(node0);
    nodeCpu = (node1.user + node1.system) / 1e6;
    const cpu1 = procCpu(pids);
    if (cpu0 !== null && cpu1 !== null) pgCpu = cpu1 - cpu0;
  } finally {
    await db.$client.end();
  }
  const left = await pool.query(`select count(*)::int as n from dispatches where next_wake_at <= $1`, [now]);
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
  console.log(`  due: ${due.rows[0].n.toLocaleString('en-US')} of ${ROWS.toLocaleString('en-US')} dispatches (${(DUE_SHARE * 100).toFixed(0)}%)`);
  console.log(
    `  sweep, concurrency ${concurrency}: ${result.claimed.toLocaleString('en-US')} dispatches, ${result.fired.toLocaleString('en-US')} stages fired (event + audit + outbox each), ${result.batches} statements in batches of ${SWEEP.toLocaleString('en-US')}`,
  );
  console.log(
    `  sweep time (concurrency ${concurrency}): ${total.toFixed(0)} ms / ${TARGET_MS} ms = ${(total / TARGET_MS).toFixed(2)}  (${(total / Math.max(1, result.fired)).toFixed(3)} ms per stage fired)`,
  );
  console.log(
    `  CPU (concurrency ${concurrency}): PostgreSQL backends ${pgCpu === null ? 'not measurable (server not on this machine)' : `${(pgCpu * 1000).toFixed(0)} ms`}, this process ${(nodeCpu * 1000).toFixed(0)} ms`,
  );
  console.log(`  sweep ÷ lower bound: ${(total / setBased).toFixed(2)} (load average at start ${loadAtStart.toFixed(1)}, now ${load()})`);
  console.log(`  still due after the sweep: ${left.rows[0].n} (expected 0)`);
}
