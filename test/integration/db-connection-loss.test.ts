/**
 * Found by the PostgreSQL outage fault run (test/fault/intake-faults.ts): when the database went away,
 * (1) a pooled connection that was checked out but idle inside a transaction emitted 'error' with no
 * listener and Node ended the whole server process, and (2) requests whose query failed answered 500,
 * because Drizzle wraps the driver's error ("Failed query: begin") and the 503 mapping only looked at
 * the wrapper. Here one backend is terminated under an open transaction — deterministic and in
 * milliseconds, on this file's own database (no server is stopped).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { createTestDatabase } from '../helpers/env';
import { createDb, type Db } from '../../server/platform/db/client';
import { isDependencyDown } from '../../server/platform/http/middleware';

let test: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db;
let admin: pg.Client;
beforeAll(async () => {
  test = await createTestDatabase();
  db = createDb(test.url, 2);
  admin = new pg.Client({ connectionString: test.url });
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
  await db?.$client.end();
  await test?.drop();
});

it('a transaction whose connection dies between two queries fails as "dependency down" (503), the process lives on and the pool serves again', async () => {
  let caught: unknown;
  await db
    .transaction(async (tx) => {
      const { pid } = (await tx.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`)).rows[0];
      await admin.query('select pg_terminate_backend($1)', [pid]);
      // Idle inside the transaction, as while a use case waits on Redis: the backend's goodbye arrives now.
      await new Promise((r) => setTimeout(r, 300));
      await tx.execute(sql`select 1`);
    })
    .catch((e) => (caught = e));

  expect(caught).toBeInstanceOf(Error);
  expect(String((caught as Error).message)).toMatch(/Failed query/); // Drizzle's wrapper, the driver's error as its cause
  expect(isDependencyDown(caught)).toBe(true);
  expect(isDependencyDown(new Error('Failed query: select 1', { cause: { code: '23505', message: 'duplicate key' } }))).toBe(false);
  // The broken client was dropped, not handed out again.
  expect((await db.execute<{ x: number }>(sql`select 1 as x`)).rows[0].x).toBe(1);
});
