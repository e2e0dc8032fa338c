import type { Db } from './client';

/**
 * Runs `fn` only if this node takes the PostgreSQL advisory lock `key` (session level, on a
 * connection held for the run); another node holding it → skipped, returns undefined. For loops
 * that must run once across nodes whatever the deployment's roles (the IMAP poller: two pollers
 * would move one message twice).
 */
export async function ifLockTaken<T>(db: Db, key: number, fn: () => Promise<T>): Promise<T | undefined> {
  const client = await db.$client.connect();
  try {
    const r = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [key]);
    if (!r.rows[0].ok) return undefined;
    try {
      return await fn();
    } finally {
      await client.query('select pg_advisory_unlock($1)', [key]);
    }
  } finally {
    client.release();
  }
}
