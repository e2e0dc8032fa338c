/**
 * Signs the open tickets that have no same-matter (并单) row yet — those registered before migration 0020 — so the
 * desk finds them too. Idempotent; run once after deploying: npm run same-matter:backfill
 */
import { env } from '../server/platform/config/env';
import { createDb } from '../server/platform/db/client';
import { backfillSameMatter } from '../server/tickets/same-matter';

const db = createDb(env.DATABASE_URL, 2);
const written = await backfillSameMatter(db);
process.stderr.write(`${written} open tickets signed\n`);
await db.$client.end();
