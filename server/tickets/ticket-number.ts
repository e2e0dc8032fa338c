import type { Db } from '../platform/db/client';

/** Calendar day in China (UTC+8, no DST) as YYYYMMDD. */
export function chinaDay(d: Date): string {
  const t = new Date(d.getTime() + 8 * 3600_000);
  return t.toISOString().slice(0, 10).replace(/-/g, '');
}

/**
 * Ticket numbers read `YYYYMMDD` + a 5-digit serial of that day (2026112400042), unique per day.
 * A sequence per day is used instead of a counter row because nextval takes no row lock, so
 * concurrent intakes never queue behind one another; a rolled-back intake leaves a gap, which
 * is harmless for a tracking number. Called outside the intake transaction: a failed nextval
 * (first ticket of the day) would otherwise abort it.
 */
export async function nextTicketNumber(db: Db, now: Date): Promise<string> {
  const day = chinaDay(now);
  const seq = `ticket_seq_${day}`;
  try {
    const r = await db.$client.query(`select nextval('${seq}') as n`);
    return format(day, r.rows[0].n);
  } catch (e) {
    if ((e as { code?: string }).code !== '42P01') throw e;
    // Two first-of-the-day intakes may race to create it; the loser's error is harmless.
    await db.$client.query(`create sequence if not exists ${seq}`).catch((err: { code?: string }) => {
      if (err.code !== '23505' && err.code !== '42P07') throw err;
    });
    const r = await db.$client.query(`select nextval('${seq}') as n`);
    return format(day, r.rows[0].n);
  }
}

const format = (day: string, n: string | number) => `${day}${String(n).padStart(5, '0')}`;
