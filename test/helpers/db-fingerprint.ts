import { sql } from 'drizzle-orm';
import type { Db } from '../../server/platform/db/client';

/**
 * Row counts and an md5 over every row of the tables a write could touch: two equal
 * fingerprints mean the database was not changed (used by the fuzz and access tests).
 */
export const WRITE_TABLES = [
  'tickets',
  'outbox',
  'ticket_events',
  'dispatches',
  'citizens',
  'citizen_contacts',
  'users',
  'sessions',
  'sms_codes',
  'dispatch_rules',
  'holidays',
  'sla_policies',
  'category_tree_versions',
  'categories',
  'handling_units',
];

export async function dbFingerprint(db: Db, tables = WRITE_TABLES): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of tables) {
    const exists = await db.execute<{ ok: boolean }>(sql`select to_regclass(${t}) is not null as ok`);
    if (!exists.rows[0].ok) continue;
    // A session's idle clock (last_seen_at) moves with every request, refused ones too: not a change of data.
    const row = t === 'sessions' ? `(to_jsonb(x) - 'last_seen_at')::text` : 'x::text';
    const r = await db.execute<{ n: number; h: string | null }>(
      sql.raw(`select count(*)::int as n, md5(coalesce(string_agg(${row}, '|' order by ${row}), '')) as h from "${t}" x`),
    );
    out[t] = `${r.rows[0].n}:${r.rows[0].h}`;
  }
  return out;
}

/** Drains the outbox until no row is unsent (a kick's drain may be in flight when we look). */
export async function settleOutbox(db: Db, relay: { drain(): Promise<number> }) {
  for (let i = 0; i < 100; i++) {
    await relay.drain();
    const r = await db.execute<{ n: number }>(sql`select count(*)::int as n from outbox where sent_at is null`);
    if (r.rows[0].n === 0) {
      await new Promise((res) => setTimeout(res, 50));
      return;
    }
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error('outbox did not settle');
}
