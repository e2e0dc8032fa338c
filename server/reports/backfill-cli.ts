/**
 * npm run reports:backfill -- --from YYYY-MM-DD --to YYYY-MM-DD
 * Rebuilds the report rollups of those China days from ticket_events and channel_events
 * (backfill.ts); prints what it read. Safe to run again: the same range gives the same figures.
 */
import { parseArgs } from 'node:util';
import { env } from '../platform/config/env';
import { createDb } from '../platform/db/client';
import { backfillRollups } from './backfill';

const { values: a } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } } });
const day = /^\d{4}-\d{2}-\d{2}$/;
if (!a.from || !a.to || !day.test(a.from) || !day.test(a.to) || a.from > a.to) {
  console.error('usage: npm run reports:backfill -- --from YYYY-MM-DD --to YYYY-MM-DD (from ≤ to, China days)');
  process.exit(2);
}
const db = createDb(env.DATABASE_URL, 2);
const t0 = performance.now();
backfillRollups(db, a.from, a.to)
  .then((r) => {
    console.log(
      `rebuilt ${r.from}..${r.to}: ${r.events} events, ${r.calls} calls → ${r.rows} rollup rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  })
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => db.$client.end());
