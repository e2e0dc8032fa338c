import { migrate } from 'drizzle-orm/node-postgres/migrator';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createDb } from './client';
import { ensureSlaDefaults } from '../../sla/reference-defaults';

const here = path.dirname(fileURLToPath(import.meta.url));
export const MIGRATIONS_DIR = path.join(here, 'migrations');

/** Creates the database if missing, then applies versioned migrations (drizzle-kit output). */
export async function migrateDatabase(url: string) {
  const target = new URL(url);
  const dbName = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [dbName]);
    if (exists.rowCount === 0) await client.query(`create database "${dbName.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
  const db = createDb(url, 2);
  try {
    await migrate(db, { migrationsFolder: MIGRATIONS_DIR });
    await ensureSlaDefaults(db);
  } finally {
    await db.$client.end();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { env } = await import('../config/env');
  await migrateDatabase(env.DATABASE_URL);
  console.log('migrations applied');
}
