import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../platform/db/client';

/** Calendar day in China (UTC+8, no DST) as YYYYMMDD. */
export function chinaDay(d: Date): string {
  const t = new Date(d.getTime() + 8 * 3600_000);
  return t.toISOString().slice(0, 10).replace(/-/g, '');
}

/** Per database, the days whose sequence this process has seen exist. */
const knownDays = new WeakMap<Db, Set<string>>();

/**
 * Ticket numbers read `YYYYMMDD` + a 5-digit serial of that day (2026112400042), unique per day.
 * A sequence per day is used instead of a counter row because nextval takes no row lock, so
 * concurrent intakes never queue behind one another; a rolled-back intake leaves a gap, which
 * is harmless for a tracking number.
 *
 * Returned as an SQL expression for the intake INSERT itself, so numbering costs no round trip of
 * its own (issue 18). The day's sequence must exist before the transaction starts (a missing one
 * would abort it), so it is created here once per process per day: one extra round trip for the
 * first intake of the day on each node, none after. `forgetTicketSequences` drops that knowledge
 * (a restored or recreated database), after which the next call with `repair` creates it again
 * and moves it past the day's stored numbers.
 */
export async function ticketNumberSql(db: Db, now: Date, opts: { repair?: boolean } = {}): Promise<SQL> {
  const day = chinaDay(now);
  let days = knownDays.get(db);
  if (!days) knownDays.set(db, (days = new Set()));
  if (!days.has(day)) {
    await db.$client.query(`create sequence if not exists ticket_seq_${day}`).catch((err: { code?: string }) => {
      // Two first-of-the-day intakes may race to create it; the loser's error is harmless.
      if (err.code !== '23505' && err.code !== '42P07') throw err;
    });
    if (opts.repair) {
      // The sequence went missing under this process (a database restored or replaced): it restarts
      // past the day's highest stored number, so a recreated sequence never hands out a number twice.
      await db.$client.query(`select setval('ticket_seq_${day}', m) from (select max(substr(number, 9)::bigint) as m from tickets
        where number like '${day}%') x where m > (select last_value from ticket_seq_${day})`);
    }
    if (days.size > 8) days.clear();
    days.add(day);
  }
  return sql`${day} || lpad(nextval(${`ticket_seq_${day}`}::regclass)::text, 5, '0')`;
}

export function forgetTicketSequences(db: Db) {
  knownDays.delete(db);
}

/** PostgreSQL's "relation does not exist" (42P01), also when drizzle wraps the driver's error. */
export function isMissingRelation(err: unknown): boolean {
  for (let e = err as { code?: string; cause?: unknown } | undefined, i = 0; e && i < 4; e = e.cause as typeof e, i++) {
    if (e.code === '42P01') return true;
  }
  return false;
}
