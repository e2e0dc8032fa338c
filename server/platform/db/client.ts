import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import * as schema from './schema';
import { logger } from '../log/logger';
import { failureTo } from '../background';

export type Db = NodePgDatabase<typeof schema> & { $client: pg.Pool };
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Anything that runs queries: the pool-backed db or an open transaction. */
export type Queryable = Db | Tx;

// timestamptz → Date is pg's default; DATE (1082) stays a 'YYYY-MM-DD' string so a calendar
// date never shifts by the server's time zone.
pg.types.setTypeParser(1082, (v) => v);

export function createDb(url: string, max = 20): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    // A dead database must turn into a quick 503, never a hung request.
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 15_000,
  });
  pool.on('error', () => {
    /* idle client lost (database restart): the pool replaces it on next use */
  });
  // pg-pool listens for errors only on idle clients. A checked-out client between two queries of a
  // transaction (waiting on Redis, the classifier) that loses its connection emits 'error' with no
  // listener, and Node ends the process: found by the PostgreSQL outage fault test. The query that
  // runs next fails instead (→ 503), and the pool discards the broken client on release.
  pool.on('connect', (client) => {
    client.on('error', failureTo(logger, 'postgres-connection'));
  });
  return drizzle(pool, { schema }) as Db;
}
