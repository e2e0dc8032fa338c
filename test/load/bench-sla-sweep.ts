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
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { pino } from 'pino';
import { SYSTEM, makeCtx } from '../../server/platform/context.js';
import { createDb } from '../../server/platform/db/client.js';
import { OPEN_DISPATCH_STATUSES } from '../../server/dispatch/tables.js';
import { fireDueTimers, SWEEP_BATCH } from '../../server/sla/use-cases/fire-due-timers.js';
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

const dbUrl = (name: string) => {
  const u = new URL(SERVER_URL);
  u.pathname = `/${name}`;
  return u.toString();
};

/** Runs the sweep bench; returns false (with the reason printed) when the schema is not there. */
export async function runSweepBench(): Promise<boolean> {
  if (!existsSync(MIGRATIONS)) {
    console.log(`Overdue sweep: NOT RUN (no migrations at ${MIGRATIONS}; needs the foundation's dispatches table)`);
    return false;
  }
  const name = `bench_sla_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: dbUrl('postgres') });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const pool = new pg.Pool({ connectionString: dbUrl(name), max: 2 });
  pool.on('error', () => {
    /* connections are cut when the database is dropped at the end */
  });
  try {
    await migrate(drizzle(pool), { migrationsFolder: MIGRATIONS });
    const cols = await pool.query(`select 1 from information_schema.columns where table_name = 'dispatches' and column_name = 'next_wake_at'`);
    if (cols.rowCount === 0) {
      console.log('Overdue sweep: NOT RUN (dispatches.next_wake_at missing from the schema)');
      return false;
    }
    await fill(pool);
    await sweep(pool, dbUrl(name));
    return true;
  } finally {
    await pool.end();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
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

async function sweep(pool: pg.Pool, url: string): Promise<void> {
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
  try {
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
    await lower.query('rollback');
  } finally {
    lower.release();
  }
  console.log(
    `  set-based lower bound (claim all due + one UPDATE, no events; commit not timed): ${setBased.toFixed(0)} ms / ${TARGET_MS} ms = ${(setBased / TARGET_MS).toFixed(2)}`,
  );

  const db = createDb(url, 2);
  const ctx = makeCtx({ db, actor: SYSTEM, log: pino({ level: 'silent' }), svc: { pii: null as never, kickOutbox: () => {} }, now: () => now });
  const t0 = performance.now();
  const claimed = new Set<string>();
  let stages = 0;
  let batches = 0;
  try {
    // One sweep as the cron runs it (sla-wake.job.ts): batches of SWEEP (SWEEP_BATCH), each its own
    // transaction, until a batch claims fewer than a full one.
    for (;;) {
      const fired = await fireDueTimers(ctx, { limit: SWEEP });
      batches++;
      stages += fired.length;
      for (const f of fired) claimed.add(f.dispatchId);
      if (fired.claimed < SWEEP) break;
    }
  } finally {
    await db.$client.end();
  }
  const total = performance.now() - t0;
  const left = await pool.query(`select count(*)::int as n from dispatches where next_wake_at <= $1`, [now]);
  console.log(`  due: ${due.rows[0].n.toLocaleString('en-US')} of ${ROWS.toLocaleString('en-US')} dispatches (${(DUE_SHARE * 100).toFixed(0)}%)`);
  console.log(
    `  sweep with fireDueTimers: ${claimed.size.toLocaleString('en-US')} dispatches, ${stages.toLocaleString('en-US')} stages fired (event + audit + outbox each), ${batches} batches of ${SWEEP.toLocaleString('en-US')} (one statement each)`,
  );
  console.log(
    `  sweep time (fireDueTimers): ${total.toFixed(0)} ms / ${TARGET_MS} ms = ${(total / TARGET_MS).toFixed(2)}  (${(total / Math.max(1, stages)).toFixed(2)} ms per stage fired)`,
  );
  console.log(
    `  sweep ÷ lower bound: ${(total / setBased).toFixed(2)} (load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')})`,
  );
  console.log(`  still due after the sweep: ${left.rows[0].n} (expected 0)`);
}
