/**
 * SLA benchmark: `npm run bench:sla`. Prints figure / target; no timed assertions (house style §4).
 *
 * Part 1 (pure): deadline computations per second on one core, target ≥ 1,000,000/s.
 * Part 2 (PostgreSQL sweep over 1 M open dispatches, 1% due, target < 1 s): bench-sla-sweep.ts;
 * `--pure` skips it. `--reuse` keeps the filled 1 M rows as a template database for the next `--reuse`
 * run; `--drop-templates` drops the kept ones. BENCH_SWEEP_CONCURRENCY=1,2 sweeps once per value.
 */
import { cpus, loadavg } from 'node:os';
import { createCalendar, type DeadlineOptions, type TimeLimit } from '../../server/sla/calendar.js';
import { SHIPPED_HOLIDAY_ROWS } from '../../server/sla/holidays.js';
import { computeDispatchDeadlines, resolvePolicy } from '../../server/sla/policy.js';
import { presetPolicies } from '../../server/sla/presets.js';
import { runSweepBench } from './bench-sla-sweep.js';

const TARGET_PER_SECOND = 1_000_000;

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Runs `body(i)` in batches until `seconds` have passed; returns calls per second. */
function rate(seconds: number, body: (i: number) => number): { perSecond: number; sink: number } {
  let sink = 0;
  let calls = 0;
  for (let i = 0; i < 200_000; i++) sink += body(i); // warm-up so the JIT has compiled the hot path
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let i = 0; i < 100_000; i++) sink += body(calls + i);
    calls += 100_000;
    elapsed = process.hrtime.bigint() - start;
  }
  return { perSecond: calls / (Number(elapsed) / 1e9), sink };
}

function benchPure(): void {
  const calendar = createCalendar(SHIPPED_HOLIDAY_ROWS);
  // 4096 receipt instants spread over 2025-01-01 … 2026-10-31 (every deadline stays inside 2026).
  const from = Date.parse('2025-01-01T00:00:00+08:00');
  const span = Date.parse('2026-10-31T00:00:00+08:00') - from;
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const received = Array.from({ length: 4096 }, () => new Date(from + Math.floor(random() * span)));
  const limits: TimeLimit[] = [2, 5, 10, 15].map((value) => ({ unit: 'working_days', value }));
  const plain: DeadlineOptions = { endOfDay: '24:00' };
  const policyLike: DeadlineOptions = { endOfDay: '17:30', afterHoursCutoff: '17:00', countReceiptDay: true };

  const results = [
    ['working days, end of day 24:00', rate(2, (i) => calendar.computeDeadline(received[i & 4095], limits[i & 3], plain).getTime())],
    [
      'working days, 17:30 close, 17:00 cut-off, receipt day counted',
      rate(2, (i) => calendar.computeDeadline(received[i & 4095], limits[i & 3], policyLike).getTime()),
    ],
    ['hour limit (wall clock)', rate(1, (i) => calendar.computeDeadline(received[i & 4095], { unit: 'hours', value: 24 }).getTime())],
  ] as const;
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.log(`SLA deadline computations, one core (node ${process.version}; ${cpus().length} CPUs, load average ${load})`);
  for (const [name, r] of results) {
    console.log(`  ${name}: ${fmt(r.perSecond)}/s / ${fmt(TARGET_PER_SECOND)}/s = ${(r.perSecond / TARGET_PER_SECOND).toFixed(2)}`);
  }
  const policy = resolvePolicy(presetPolicies('guangdong-2022'), { regionCode: '440106', appealType: 'complaint', urgency: 'normal' });
  const full = rate(1, (i) => computeDispatchDeadlines(calendar, policy, received[i & 4095]).remindAt.getTime());
  console.log(`  computeDispatchDeadlines (sign + reply + reminder + return): ${fmt(full.perSecond)} dispatches/s`);
}

benchPure();
if (!process.argv.includes('--pure')) {
  console.log('Overdue sweep over open dispatches in PostgreSQL (the cron sweep: disjoint slices side by side, one connection each)');
  await runSweepBench();
}
