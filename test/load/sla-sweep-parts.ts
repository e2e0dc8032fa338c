/**
 * Where the SLA sweep's time goes, part by part: `npx tsx test/load/sla-sweep-parts.ts` (after
 * `npm run bench:sla -- --reuse` has kept its template database). Runs the sweeper's statement for one
 * batch (the first SWEEP_BATCH due dispatches) on a fresh copy of the template each time, whole and
 * with one part taken out, and prints the statement's wall time and its PostgreSQL backend's CPU (from
 * /proc). A part's cost is the whole minus the statement without it. Measurement only: the parts taken
 * out are the guarantee (each fired stage's event, audit and outbox row, its foreign keys).
 *
 * SLA_PARTS_REPS (default 3) runs per variant; SLA_PARTS_ONLY=whole only the whole statement, round robin so the box's load spreads over all of them.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { SQL } from 'drizzle-orm';
import pg from 'pg';
import { pino } from 'pino';
import { makeCtx, SYSTEM } from '../../server/platform/context.js';
import { fireDueTimers, SWEEP_BATCH } from '../../server/sla/use-cases/fire-due-timers.js';
import { dbUrl, dropDatabase, DUE_SHARE, procCpu, ROWS, templateName } from './bench-sla-sweep.js';

const REPS = Number(process.env.SLA_PARTS_REPS ?? 3);
// SLA_PARTS_ONLY=whole runs the whole statement alone (an A/B of a change to it, run before and after).
const ONLY = process.env.SLA_PARTS_ONLY;

/** The statement text and parameters fireDueTimers sends for one batch at `now`. */
async function statement(now: Date): Promise<{ sql: string; params: unknown[] }> {
  let captured: SQL | undefined;
  const db = {
    execute: async (q: SQL) => {
      captured = q;
      return { rows: [] };
    },
  };
  const ctx = makeCtx({ db: db as never, actor: SYSTEM, log: pino({ level: 'silent' }), svc: { pii: null as never, kickOutbox: () => {} }, now: () => now });
  await fireDueTimers(ctx, { limit: SWEEP_BATCH });
  if (!captured) throw new Error('fireDueTimers sent no statement');
  return new PgDialect().sqlToQuery(captured);
}

/**
 * Replaces the data-modifying CTE `name as ( … )` by a plain select: that part is not run. Its
 * parameters are still named (as text, which is how they are sent) so that the numbering holds.
 */
function without(text: string, name: string): string {
  const start = text.search(new RegExp(`\\b${name} as \\(`));
  if (start < 0) throw new Error(`no CTE ${name} in the sweeper's statement`);
  let i = text.indexOf('(', start);
  const open = i;
  for (let depth = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) break;
  }
  const params = [...text.slice(open, i).matchAll(/\$\d+/g)].map((m) => `${m[0]}::text`);
  return `${text.slice(0, open)}(select ${params.length ? params.join(', ') : '1'})${text.slice(i + 1)}`;
}

/** Replaces every jsonb_build_object(…) by an empty object: the JSON building is not done. */
function withoutJson(text: string): string {
  let out = text;
  for (;;) {
    const start = out.indexOf('jsonb_build_object(');
    if (start < 0) return out;
    let i = start + 'jsonb_build_object'.length;
    for (let depth = 0; i < out.length; i++) {
      if (out[i] === '(') depth++;
      else if (out[i] === ')' && --depth === 0) break;
    }
    out = `${out.slice(0, start)}'{}'::jsonb${out.slice(i + 1)}`;
  }
}

const variants: { name: string; sql: (s: string) => string; setup?: string }[] = [
  { name: 'whole statement', sql: (s) => s },
  { name: 'without foreign-key checks (triggers off)', sql: (s) => s, setup: 'set local session_replication_role = replica' },
  { name: 'without the event insert', sql: (s) => without(s, 'ev') },
  { name: 'without the audit insert', sql: (s) => without(s, 'au') },
  { name: 'without the outbox insert', sql: (s) => without(s, 'ob') },
  { name: 'without the supervision cases', sql: (s) => without(s, 'sc') },
  { name: 'without the report deltas', sql: (s) => without(s, 'rd0') },
  { name: 'without building JSON', sql: withoutJson },
  { name: 'claim + dispatch update + ticket update only', sql: (s) => ['ev', 'sc', 'au', 'rd0', 'ob'].reduce(without, s) },
];

if (ONLY) variants.splice(0, variants.length, ...variants.filter((v) => v.name.startsWith(ONLY)));
const admin = new pg.Client({ connectionString: dbUrl('postgres') });
await admin.connect();
// SLA_PARTS_TEMPLATE: another kept database to copy (e.g. one with more tickets), instead of bench:sla's template.
const template = process.env.SLA_PARTS_TEMPLATE ?? templateName();
const found = await admin.query(`select 1 from pg_database where datname = $1`, [template]);
if (!found.rowCount) {
  console.log(`no template ${template}: run npm run bench:sla -- --reuse first`);
  process.exit(1);
}
const results = new Map<string, { ms: number[]; cpu: number[] }>(variants.map((v) => [v.name, { ms: [], cpu: [] }]));
console.log(
  `SLA sweep statement by part: one batch of ${SWEEP_BATCH.toLocaleString('en-US')} on copies of ${template}; load average ${loadavg()[0].toFixed(1)}`,
);
try {
  for (let rep = 0; rep < REPS; rep++) {
    for (const v of variants) {
      const name = `bench_sla_${randomBytes(4).toString('hex')}`;
      await admin.query(`create database ${name} template ${template} strategy file_copy`);
      const c = new pg.Client({ connectionString: dbUrl(name) });
      await c.connect();
      try {
        const { rows } = await c.query(`select next_wake_at from dispatches order by next_wake_at offset $1 limit 1`, [Math.round(ROWS * DUE_SHARE) - 1]);
        const q = await statement(rows[0].next_wake_at);
        const text = v.sql(q.sql);
        const pid = (await c.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid;
        await c.query('begin');
        if (v.setup) await c.query(v.setup);
        const cpu0 = procCpu([pid]);
        const t = performance.now();
        await c.query(text, q.params);
        const ms = performance.now() - t;
        const cpu1 = procCpu([pid]);
        await c.query('rollback');
        results.get(v.name)!.ms.push(ms);
        if (cpu0 !== null && cpu1 !== null) results.get(v.name)!.cpu.push((cpu1 - cpu0) * 1000);
      } finally {
        await c.end();
        await dropDatabase(admin, name);
      }
    }
  }
} finally {
  await admin.end();
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const whole = results.get('whole statement')!;
for (const v of variants) {
  const r = results.get(v.name)!;
  const saved = v.name === 'whole statement' ? '' : `; part = ${(median(whole.cpu) - median(r.cpu)).toFixed(0)} ms CPU`;
  console.log(
    `  ${v.name}: wall ${median(r.ms).toFixed(0)} ms (${r.ms.map((x) => x.toFixed(0)).join(', ')}), PostgreSQL CPU ${median(r.cpu).toFixed(0)} ms (${r.cpu.map((x) => x.toFixed(0)).join(', ')})${saved}`,
  );
}
console.log(`  load average at the end ${loadavg()[0].toFixed(1)}`);
