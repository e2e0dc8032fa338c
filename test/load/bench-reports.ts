/**
 * npm run bench:reports -- --tickets N [--checkpoints 500000,2000000] [--keep] [--db postgres://…]
 *
 * Generates N closed tickets a year long (2025) with their dispatches, timeline events and
 * rollup rows — multi-row INSERT … SELECT generate_series, in batches, progress on stderr — then
 * at each checkpoint times the 三率 dashboard (a year by unit, through the real measuresReport)
 * and, for contrast, the same figures computed by scanning tickets. Finally it times the real
 * rollup hook per event. No timed assertions: it prints figure / target.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { migrateDatabase } from '../../server/platform/db/migrate';
import { drizzle } from 'drizzle-orm/node-postgres';
import { createDb, type Db } from '../../server/platform/db/client';
import { measuresReport } from '../../server/reports/queries';
import { applyRollup } from '../../server/reports/rollup';
import type { Ctx } from '../../server/platform/context';

const { values: a } = parseArgs({
  options: {
    tickets: { type: 'string', default: '2000000' },
    checkpoints: { type: 'string' },
    keep: { type: 'boolean', default: false },
    db: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/rexian_bench_reports' },
    batch: { type: 'string', default: '50000' },
  },
});
const N = Number(a.tickets);
const BATCH = Number(a.batch);
const checkpoints = (a.checkpoints ? a.checkpoints.split(',').map(Number) : [Math.min(500_000, N), N])
  .filter((c, i, l) => c <= N && l.indexOf(c) === i)
  .sort((x, y) => x - y);
const UNITS = 30;
const TARGET_MS = 500;

// ~2.6 KB per ticket on disk measured (ticket + dispatch + 5–7 events + their indexes), plus WAL headroom.
const BYTES_PER_TICKET = 3200;
const st = fs.statfsSync('/work');
const free = st.bavail * st.bsize;
const need = N * BYTES_PER_TICKET * 1.5;
if (free < need) {
  console.error(
    `not enough disk: ${(free / 1e9).toFixed(1)} GB free on /work, ~${(need / 1e9).toFixed(1)} GB needed for ${N} tickets. Try a smaller --tickets.`,
  );
  process.exit(2);
}
process.stderr.write(`disk: ${(free / 1e9).toFixed(1)} GB free, ~${(need / 1e9).toFixed(1)} GB needed\n`);

function bar(done: number, total: number, t0: number) {
  const w = 30;
  const f = Math.round((done / total) * w);
  const rate = done / ((performance.now() - t0) / 1000);
  process.stderr.write(
    `\r[${'#'.repeat(f)}${'.'.repeat(w - f)}] ${done.toLocaleString()}/${total.toLocaleString()} tickets  ${Math.round(rate).toLocaleString()}/s  eta ${Math.round((total - done) / Math.max(rate, 1))}s   `,
  );
}

async function fresh(url: string) {
  const admin = new URL(url);
  const name = decodeURIComponent(admin.pathname.slice(1));
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  await c.query(`drop database if exists "${name}" with (force)`);
  await c.end();
  await migrateDatabase(url);
  return async () => {
    const d = new pg.Client({ connectionString: admin.toString() });
    await d.connect();
    await d.query(`drop database if exists "${name}" with (force)`);
    await d.end();
  };
}

/** One batch [s, e): tickets, lead dispatches, events, and the rollup rows those events make. */
const stepMs = [0, 0, 0, 0];
async function generate(db: Db, s: number, e: number) {
  let t = performance.now();
  const lap = (i: number) => {
    const n = performance.now();
    stepMs[i] += n - t;
    t = n;
  };
  await db.execute(sql`
    with g as (select i, timestamptz '2025-01-01 00:00+08' + ((i::bigint * 7919) % (365 * 86400)) * interval '1 second' as t0
               from generate_series(${s}::int, ${e - 1}::int) i)
    insert into tickets (id, number, status, channel, external_id, title, content, region_code, category_code, appeal_type,
      current_round, version, created_at, updated_at, replied_at, closed_at)
    select md5('t' || i)::uuid, lpad(i::text, 13, '0'), 'closed', (array['phone','web','wechat','app','sms'])[1 + i % 5], 'bench-' || i,
      '噪音扰民' || (i % 97), '小区楼下夜间施工噪音扰民', '4401' || lpad((1 + i % 11)::text, 2, '0'), lpad((1 + i % 15)::text, 2, '0'),
      'complaint', 1, case when i % 3 = 0 then 7 else 5 end, t0, t0 + interval '3 days', t0 + interval '2 days' + (case when i % 20 = 0 then interval '4 days' else interval '0' end),
      t0 + interval '3 days' + (case when i % 20 = 0 then interval '4 days' else interval '0' end)
    from g`);
  lap(0);
  await db.execute(sql`
    insert into dispatches (id, ticket_id, unit_id, role, round, status, dispatched_at, sign_due_at, signed_at, reply_due_at, replied_at)
    select md5('d' || i)::uuid, t.id, md5('u' || (i % ${UNITS}))::uuid, 'lead', 1, 'closed', t.created_at + interval '1 hour',
      t.created_at + interval '1 day', t.created_at + case when i % 10 = 0 then interval '2 days' else interval '3 hours' end,
      t.created_at + interval '5 days', t.replied_at
    from generate_series(${s}::int, ${e - 1}::int) i join tickets t on t.id = md5('t' || i)::uuid`);
  lap(1);
  // Events (registered, dispatched, signed, replied, closed; every third ticket also a callback and a rating)
  // and, in the same statement, the rollup rows they make: the counters the hook adds, summed per
  // dim × key × event day.
  await db.execute(sql`
    with ev as materialized (
      select t.id as tid, t.created_at, t.category_code, t.region_code, t.channel, d.unit_id, d.replied_at, d.reply_due_at, k.seq, k.type, k.data, k.at
      from generate_series(${s}::int, ${e - 1}::int) i
      join tickets t on t.id = md5('t' || i)::uuid join dispatches d on d.id = md5('d' || i)::uuid
      cross join lateral (values
        (1, 'ticket.registered', '{}'::jsonb, t.created_at),
        (2, 'ticket.dispatched', '{}'::jsonb, d.dispatched_at),
        (3, 'ticket.signed', jsonb_build_object('late', d.signed_at > d.sign_due_at), d.signed_at),
        (4, 'ticket.replied', '{}'::jsonb, d.replied_at),
        (5, 'ticket.closed', '{}'::jsonb, t.closed_at),
        (6, 'callback.completed', jsonb_build_object('reached', true, 'result', (array['solved','solved','partly','unsolved'])[1 + i % 4]), t.closed_at + interval '1 day'),
        (7, 'rating.submitted', jsonb_build_object('score', 1 + (i * 7) % 5), t.closed_at + interval '1 day')) k(seq, type, data, at)
      where k.seq <= 5 or i % 3 = 0),
    ins as (insert into ticket_events (ticket_id, seq, type, actor_role, unit_id, data, at)
      select tid, seq, type, 'bench', unit_id, data, at from ev)
    insert into report_rollups (dim, key, day, received, dispatched, signed, signed_on_time, replied, closed, closed_on_time, overdue,
      handling_seconds, callbacks_answered, callbacks_solved, callbacks_partly, rated, r1, r2, r3, r4, r5, bad_reviews)
    select k.dim, k.key, (e.at at time zone 'Asia/Shanghai')::date,
      count(*) filter (where e.type = 'ticket.registered'), count(*) filter (where e.type = 'ticket.dispatched'),
      count(*) filter (where e.type = 'ticket.signed'), count(*) filter (where e.type = 'ticket.signed' and not (e.data->>'late')::boolean),
      count(*) filter (where e.type = 'ticket.replied'), count(*) filter (where e.type = 'ticket.closed'),
      count(*) filter (where e.type = 'ticket.closed' and e.replied_at <= e.reply_due_at),
      count(*) filter (where e.type = 'ticket.closed' and e.replied_at > e.reply_due_at),
      coalesce(sum(extract(epoch from (e.at - e.created_at))) filter (where e.type = 'ticket.closed'), 0)::bigint,
      count(*) filter (where e.type = 'callback.completed'), count(*) filter (where e.type = 'callback.completed' and e.data->>'result' = 'solved'),
      count(*) filter (where e.type = 'callback.completed' and e.data->>'result' = 'partly'),
      count(*) filter (where e.type = 'rating.submitted'),
      count(*) filter (where e.data->>'score' = '1'), count(*) filter (where e.data->>'score' = '2'), count(*) filter (where e.data->>'score' = '3'),
      count(*) filter (where e.data->>'score' = '4'), count(*) filter (where e.data->>'score' = '5'),
      count(*) filter (where (e.data->>'score')::int <= 2)
    from ev e
    cross join lateral (values ('unit', e.unit_id::text), ('category', e.category_code), ('region', e.region_code), ('channel', e.channel)) k(dim, key)
    group by 1, 2, 3
    on conflict (dim, day, key) do update set
      received = report_rollups.received + excluded.received, dispatched = report_rollups.dispatched + excluded.dispatched,
      signed = report_rollups.signed + excluded.signed, signed_on_time = report_rollups.signed_on_time + excluded.signed_on_time,
      replied = report_rollups.replied + excluded.replied, closed = report_rollups.closed + excluded.closed,
      closed_on_time = report_rollups.closed_on_time + excluded.closed_on_time, overdue = report_rollups.overdue + excluded.overdue,
      handling_seconds = report_rollups.handling_seconds + excluded.handling_seconds,
      callbacks_answered = report_rollups.callbacks_answered + excluded.callbacks_answered,
      callbacks_solved = report_rollups.callbacks_solved + excluded.callbacks_solved,
      callbacks_partly = report_rollups.callbacks_partly + excluded.callbacks_partly, rated = report_rollups.rated + excluded.rated,
      r1 = report_rollups.r1 + excluded.r1, r2 = report_rollups.r2 + excluded.r2, r3 = report_rollups.r3 + excluded.r3,
      r4 = report_rollups.r4 + excluded.r4, r5 = report_rollups.r5 + excluded.r5, bad_reviews = report_rollups.bad_reviews + excluded.bad_reviews`);
  lap(2);
  // As autovacuum would in production: the small rollup table is upserted by every batch.
  await db.execute(sql`vacuum report_rollups`);
  lap(3);
}

async function timeIt(f: () => Promise<unknown>, runs = 5): Promise<number> {
  await f(); // warm
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    ts.push(performance.now() - t);
  }
  return ts.sort((x, y) => x - y)[Math.floor(runs / 2)];
}

/** The same year-by-unit figures the naive way, scanning tickets, dispatches and events: the contrast. */
const scanQuery = (db: Db) =>
  db.execute(sql`
  select d.unit_id, count(*) as dispatched, count(*) filter (where d.signed_at <= d.sign_due_at) as signed_on_time,
    count(*) filter (where t.status = 'closed') as closed,
    (select count(*) from ticket_events e where e.ticket_id = any(array_agg(t.id)) and e.type = 'callback.completed' and e.data->>'result' = 'solved') as solved
  from tickets t join dispatches d on d.ticket_id = t.id and d.role = 'lead'
  where t.created_at >= timestamptz '2025-01-01 00:00+08' and t.created_at < timestamptz '2026-01-01 00:00+08'
  group by d.unit_id`);

async function main() {
  const drop = await fresh(a.db!);
  const db = createDb(a.db!, 4);
  // The generator's own connection: no statement timeout, and FK triggers off (session_replication_role
  // = replica; the generated rows are consistent by construction). Timed queries use the app's pool.
  const genPool = new pg.Pool({ connectionString: a.db!, max: 1, options: '-c statement_timeout=0 -c session_replication_role=replica' });
  const gen = drizzle(genPool) as unknown as Db;
  const ctx = { db, actor: { kind: 'system', name: 'bench' }, now: () => new Date(), requestId: 'bench', lang: 'zh' } as unknown as Ctx;
  const results: string[] = [];
  try {
    await gen.execute(sql`insert into handling_units (id, code, name, kind, region_code)
      select md5('u' || k)::uuid, 'B' || k, '单位' || k, 'functional', '440100' from generate_series(0, ${UNITS - 1}) k`);
    const t0 = performance.now();
    let done = 0;
    for (const cp of checkpoints) {
      while (done < cp) {
        const e = Math.min(done + BATCH, cp);
        await generate(gen, done, e);
        done = e;
        bar(done, N, t0);
      }
      process.stderr.write('\n');
      await gen.execute(sql`vacuum analyze tickets`);
      await gen.execute(sql`vacuum analyze dispatches`);
      await gen.execute(sql`vacuum analyze ticket_events`);
      await gen.execute(sql`vacuum analyze report_rollups`);
      const rollupRows = Number((await db.execute<{ n: number }>(sql`select count(*)::int as n from report_rollups`)).rows[0].n);
      const q = { from: '2025-01-01', to: '2025-12-31', by: 'unit' as const, period: 'all' as const, format: 'json' as const };
      const rep = await measuresReport(ctx, q);
      const dash = await timeIt(() => measuresReport(ctx, q));
      const byMonth = await timeIt(() => measuresReport(ctx, { ...q, period: 'month' }));
      const scan = await timeIt(() => scanQuery(gen), 1);
      const line =
        `N=${cp.toLocaleString()}: dashboard (year × ${rep.rows.length} units, 三率 + 9 more) p50 ${dash.toFixed(1)} ms / ${TARGET_MS} ms = ${(dash / TARGET_MS).toFixed(3)}; ` +
        `by month ${byMonth.toFixed(1)} ms; rollup rows ${rollupRows.toLocaleString()}; scanning tickets instead: ${scan.toFixed(0)} ms; ` +
        `响应率 ${rep.total.figures.response_rate} 解决率 ${rep.total.figures.resolution_rate} 满意率 ${rep.total.figures.satisfaction_rate}`;
      console.log(line);
      results.push(line);
    }
    console.log(
      `generation steps (s): tickets ${(stepMs[0] / 1000).toFixed(0)}, dispatches ${(stepMs[1] / 1000).toFixed(0)}, events + rollups ${(stepMs[2] / 1000).toFixed(0)}, vacuum ${(stepMs[3] / 1000).toFixed(0)}`,
    );
    console.log(`generation: ${(N / ((performance.now() - t0) / 1000)).toFixed(0)} tickets/s overall (incl. checkpoints)`);
    // The hook's cost per event: the real applyRollup after the ticket update recordEvent makes in the same
    // transaction (so the ticket row is as warm as in production), against the same update alone.
    const sample = (await db.execute<{ id: string }>(sql`select id from tickets order by id limit 2000`)).rows.map((r) => r.id);
    const types = ['ticket.signed', 'ticket.closed', 'ticket.replied', 'rating.submitted'];
    const touch = (tx: Parameters<Parameters<Db['transaction']>[0]>[0], id: string) =>
      tx.execute(sql`update tickets set version = version + 1, updated_at = now() where id = ${id}`);
    let round = 0;
    const withHook = await timeIt(async () => {
      const base = (round++ % 4) * 500;
      for (let i = 0; i < 500; i++) {
        await db.transaction(async (tx) => {
          await touch(tx, sample[base + i]);
          await applyRollup(tx, sample[base + i], { type: types[i % 4], data: { score: 4, late: false } }, new Date());
        });
      }
    }, 3);
    round = 0;
    const bare = await timeIt(async () => {
      const base = (round++ % 4) * 500;
      for (let i = 0; i < 500; i++) await db.transaction((tx) => touch(tx, sample[base + i]));
    }, 3);
    console.log(
      `rollup hook: ${((withHook - bare) / 500).toFixed(3)} ms per event (500 events: ${withHook.toFixed(0)} ms for ticket update + hook vs ${bare.toFixed(0)} ms for the ticket update alone, one transaction each)`,
    );
  } finally {
    await db.$client.end();
    await genPool.end();
    if (!a.keep) await drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
