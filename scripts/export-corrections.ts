/**
 * Writes the agents' category corrections as training rows ({title, content, category}, one JSON
 * object a line) for `npm run classifier:train -- --with-corrections FILE`.
 *   npm run --silent classifier:export-corrections > corrections.jsonl
 */
import { sql } from 'drizzle-orm';
import { env } from '../server/platform/config/env';
import { createDb } from '../server/platform/db/client';

const db = createDb(env.DATABASE_URL, 2);
const rows = await db.execute<{ title: string; content: string; category: string }>(sql`select t.title, t.content, k.confirmed as category
  from classifier_corrections k join tickets t on t.id = k.ticket_id order by k.id`);
for (const r of rows.rows) process.stdout.write(JSON.stringify(r) + '\n');
process.stderr.write(`${rows.rows.length} corrections\n`);
await db.$client.end();
