import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { migrateDatabase } from '../../server/platform/db/migrate';

export const ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Migrates one template database per run; each test file clones it (CREATE DATABASE …
 * TEMPLATE), which takes milliseconds and keeps parallel files apart. The name is unique per
 * run so two runs on one machine never share a template.
 */
export default async function setup(project: TestProject) {
  const name = `rx_tpl_${randomBytes(4).toString('hex')}`;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  project.provide('templateDb', name);
  return async () => {
    const c = new pg.Client({ connectionString: ADMIN_URL });
    await c.connect();
    await c.query(`drop database if exists "${name}" with (force)`);
    await c.end();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    templateDb: string;
  }
}
