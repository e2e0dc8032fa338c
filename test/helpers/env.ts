import { inject, afterAll, beforeAll } from 'vitest';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hash } from '@node-rs/argon2';
import { createRuntime, type Runtime, type RuntimeOptions } from '../../server/platform/runtime';
import { createApp, type AppOptions } from '../../server/app';
import { makeCtx, type Actor, type Ctx } from '../../server/platform/context';
import { handlingUnits } from '../../server/dispatch/tables';
import { users, type Role } from '../../server/identity/tables';
import { ADMIN_URL } from './global-setup';

export const TEST_PII_KEY = Buffer.alloc(32, 7).toString('base64');
export const TEST_PASSWORD = 'Test-passw0rd!';

export async function createTestDatabase(): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  // CREATE DATABASE … TEMPLATE fails while anyone else is connected to the template; retry briefly.
  for (let i = 0; ; i++) {
    try {
      await admin.query(`create database "${name}" template "${inject('templateDb')}"`);
      break;
    } catch (e) {
      if (i > 50) throw e;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 100));
    }
  }
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists "${name}" with (force)`);
      await c.end();
    },
  };
}

export interface TestEnv {
  rt: Runtime;
  baseUrl: string;
  server: http.Server;
  prefix: string;
  ctx(actor: Actor, now?: Date): Ctx;
}

/** A real database and queue prefix for this file, a running app on a random port, torn down after. */
export function useTestEnv(
  opts: {
    classify?: Runtime['svc']['classify'];
    withServer?: boolean;
    app?: AppOptions;
    sms?: RuntimeOptions['sms'];
    /** Group commit for intake (off unless given). */
    intakeGroupWindowMs?: number;
  } = {},
) {
  const env = {} as TestEnv;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const db = await createTestDatabase();
    drop = db.drop;
    env.prefix = `rxt-${randomBytes(4).toString('hex')}`;
    env.rt = createRuntime({
      databaseUrl: db.url,
      redisUrl: 'redis://127.0.0.1:6379',
      queuePrefix: env.prefix,
      piiKey: TEST_PII_KEY,
      poolSize: 10,
      classify: opts.classify,
      sms: opts.sms,
      intakeGroupWindowMs: opts.intakeGroupWindowMs,
    });
    // Limits and replay records live in Redis; a first request before the client is ready would meet the fallbacks.
    if (env.rt.redis.status !== 'ready') await new Promise((r) => env.rt.redis.once('ready', r));
    env.ctx = (actor, now) => makeCtx({ db: env.rt.db, actor, log: env.rt.log, svc: env.rt.svc, ...(now ? { now: () => now } : {}) });
    if (opts.withServer !== false) {
      const app = createApp(env.rt, { devEndpoints: true, ...opts.app });
      env.server = http.createServer(app);
      await new Promise<void>((r) => env.server.listen(0, '127.0.0.1', r));
      env.baseUrl = `http://127.0.0.1:${(env.server.address() as AddressInfo).port}`;
    }
  });
  afterAll(async () => {
    if (env.server) await new Promise((r) => env.server.close(r));
    await env.rt?.close();
    await drop?.();
  });
  return env;
}

let unitSeq = 0;
export async function makeUnit(env: TestEnv, over: Partial<typeof handlingUnits.$inferInsert> = {}) {
  unitSeq += 1;
  const [u] = await env.rt.db
    .insert(handlingUnits)
    .values({
      code: `U${unitSeq}-${randomBytes(3).toString('hex')}`,
      name: `测试单位${unitSeq}`,
      kind: 'functional',
      regionCode: '440100',
      ...over,
    })
    .returning();
  return u;
}

let pwHash: string | null = null;
export async function makeUser(env: TestEnv, role: Role, over: Partial<typeof users.$inferInsert> = {}) {
  pwHash ??= await hash(TEST_PASSWORD);
  const [u] = await env.rt.db
    .insert(users)
    .values({
      username: `${role}-${randomBytes(4).toString('hex')}`,
      passwordHash: pwHash,
      displayName: `${role} 测试`,
      role,
      ...over,
    })
    .returning();
  const actor: Actor = { kind: 'staff', id: u.id, role, unitId: u.unitId ?? null, displayName: u.displayName };
  return { user: u, actor };
}
