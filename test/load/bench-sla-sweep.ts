/**
 * Second half of `npm run bench:sla`: one overdue/reminder sweep over 1 M open dispatches in
 * PostgreSQL with 1% due; target < 1 s, and the plan must use the next-wake index.
 *
 * Runs against the foundation's schema (its drizzle migrations, `dispatches.next_wake_at` with the
 * partial index `dispatches_next_wake_idx`) in a throw-away database `bench_sla_<random>` on
 * postgres://postgres@127.0.0.1:5432/, dropped at the end. Deadlines are computed with the real
 * calendar and the Guangdong preset, as dispatch would store them.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { createCalendar } from '../../server/sla/calendar.js';
import { SHIPPED_HOLIDAY_ROWS } from '../../server/sla/holidays.js';
import { type AppealType, computeDispatchDeadlines, resolvePolicy } from '../../server/sla/policy.js';
import { presetPolicies } from '../../server/sla/presets.js';

const SERVER_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/';
const MIGRATIONS = process.env.BENCH_MIGRATIONS_DIR ?? fileURLToPath(new URL('../../server/platform/db/migrations', import.meta.url));
const ROWS = Number(process.env.BENCH_SWEEP_ROWS ?? 1_000_000);
const DUE_SHARE = 0.01;
const TARGET_MS = 1000;
const BATCH = 50_000;
// Production inserts a dispatch when it is made, so heap order follows dispatched_at and the rows
// due now sit together. BENCH_SWEEP_SHUFFLED=1 scatters them instead (worst case for the heap reads).
const SHUFFLED = process.env.BENCH_SWEEP_SHUFFLED === '1';

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
    await sweep(pool);
    return true;
  } finally {
    await pool.end();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

async function fill(pool: pg.Pool): Promise<void> {
  const calendar = createCalendar(SHIPPED_HOLIDAY_ROWS);
  const presets = presetPolicies('guangdong-2022');
  const types: AppealType[] = ['consult', 'help', 'complaint', 'report', 'suggestion'];
  const policies = types.map((appealType) => resolvePolicy(presets, { regionCode: '440106', appealType, urgency: 'normal' }));
  const from = Date.parse('2025-01-01T00:00:00+08:00');
  const span = Date.parse('2026-10-31T00:00:00+08:00') - from;
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const unit = '00000000-0000-4000-8000-000000000001';
  const started = performance.now();
  const client = await pool.connect();
  try {
    // The bench rows reference no real tickets or units: skip FK triggers for this session only.
    await client.query(`set session_replication_role = replica`);
    for (let done = 0; done < ROWS; done += BATCH) {
      const n = Math.min(BATCH, ROWS - done);
      const cols: string[][] = [[], [], [], [], [], []];
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
      }
      await client.query(
        `insert into dispatches (ticket_id, unit_id, role, status, dispatched_at, sign_due_at, reply_due_at, remind_at, return_window_ends_at, next_wake_at)
         select gen_random_uuid(), $1, 'lead', 'in_progress', a, s, r, m, w, nw
         from unnest($2::timestamptz[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[]) as t(a, s, r, m, w, nw)`,
        [unit, ...cols],
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

// What the sweeper does each minute: lock what is due (skipping rows another sweeper holds),
// record the reminder (and the overdue flag if the reply deadline has passed too), and move each
// row's next wake to its following deadline (none here: supervision is not set in this bench).
const SELECT_DUE = `select id from dispatches where next_wake_at <= $1 order by next_wake_at for update skip locked`;
const MARK_FIRED = `update dispatches set
    reminded_at = $1,
    overdue_at = case when reply_due_at <= $1 then $1 end,
    next_wake_at = case when reply_due_at > $1 then reply_due_at end,
    updated_at = now()
  where id = any($2::uuid[])`;

async function sweep(pool: pg.Pool): Promise<void> {
  const dueCount = Math.round(ROWS * DUE_SHARE);
  // The sweep instant: exactly the earliest 1% of next wakes are due.
  const { rows } = await pool.query(`select next_wake_at from dispatches order by next_wake_at offset $1 limit 1`, [dueCount - 1]);
  const now: Date = rows[0].next_wake_at;
  const client = await pool.connect();
  try {
    await client.query('begin');
    const plan = await client.query(`explain (analyze, buffers) ${SELECT_DUE}`, [now]);
    await client.query('rollback');
    const planText = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    console.log(`  EXPLAIN (ANALYZE, BUFFERS) of the due query:\n${planText.replace(/^/gm, '    ')}`);
    console.log(`  uses dispatches_next_wake_idx: ${/dispatches_next_wake_idx/.test(planText) ? 'yes' : 'NO'}`);

    const t0 = performance.now();
    await client.query('begin');
    const due = await client.query(SELECT_DUE, [now]);
    const t1 = performance.now();
    await client.query(MARK_FIRED, [now, due.rows.map((r) => r.id)]);
    await client.query('commit');
    const t2 = performance.now();
    const total = t2 - t0;
    console.log(`  due rows found: ${due.rowCount?.toLocaleString('en-US')} of ${ROWS.toLocaleString('en-US')} (${(DUE_SHARE * 100).toFixed(0)}%)`);
    console.log(`  sweep (lock due + mark fired + commit): ${total.toFixed(0)} ms / ${TARGET_MS} ms = ${(total / TARGET_MS).toFixed(2)}  [select ${(t1 - t0).toFixed(0)} ms, update+commit ${(t2 - t1).toFixed(0)} ms]`);
    const again = await client.query(`select count(*)::int as n from dispatches where next_wake_at <= $1`, [now]);
    console.log(`  still due after the sweep: ${again.rows[0].n} (expected 0)`);
  } finally {
    client.release();
  }
}
