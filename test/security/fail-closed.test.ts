/**
 * Attack: find a production node started with `npm start` and no NODE_ENV, which used to mean
 * development — the published PII key (every phone decryptable from a dump), /api/dev/sms (every
 * citizen's SMS code readable) and cookies without `Secure`. Now only REXIAN_DEMO=1 means demo.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createTestDatabase } from '../helpers/env';
import { insertUser, ROOT, spawnServer, type ServerProcess } from '../helpers/server-process';
import { DEV_PII_KEY } from '../../server/platform/config/dev-keys';

const GOOD_KEY = randomBytes(32).toString('base64');
const GOOD_SECRET = randomBytes(32).toString('hex');

/** The process environment of an operator's shell: no NODE_ENV, no demo flag, no test settings. */
function bareEnv(extra: Record<string, string>) {
  const e: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !['NODE_ENV', 'REXIAN_DEMO', 'PII_KEY', 'SESSION_SECRET', 'VITEST', 'VITEST_WORKER_ID', 'VITEST_POOL_ID'].includes(k)) e[k] = v;
  }
  return { ...e, PORT: '0', ROLES: 'web', ...extra };
}

/** Starts `server/main.ts` and waits for it to exit (a refusal happens before any connection). */
function startExpectingExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    p.stdout.on('data', (d: Buffer) => (output += d.toString()));
    p.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`server did not refuse to start: ${output.slice(-1000)}`));
    }, 30_000);
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('npm start without the demo flag refuses an unsafe configuration, naming the variable', () => {
  it.each([
    ['no PII_KEY', {}, /PII_KEY is not set/],
    ['the published PII key', { PII_KEY: DEV_PII_KEY, SESSION_SECRET: GOOD_SECRET }, /PII_KEY is the published development key/],
    ['no SESSION_SECRET', { PII_KEY: GOOD_KEY }, /SESSION_SECRET is not set/],
    ['a short SESSION_SECRET', { PII_KEY: GOOD_KEY, SESSION_SECRET: 'short' }, /SESSION_SECRET must be at least 32/],
  ])('%s', async (_name, extra, message) => {
    const r = await startExpectingExit(bareEnv(extra as Record<string, string>));
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(message);
  });
});

describe('a production node and a demo node', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let prod: ServerProcess;
  let demo: ServerProcess;
  let username: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    username = (await insertUser(pool, { role: 'agent' })).username;
    await pool.end();
    const common = { databaseUrl: db.url, redisUrl: 'redis://127.0.0.1:6379', roles: 'web', logLevel: 'warn' };
    prod = await spawnServer({
      ...common,
      prefix: `rxfc-${randomBytes(3).toString('hex')}`,
      extraEnv: { REXIAN_DEMO: '0', NODE_ENV: '', PII_KEY: GOOD_KEY, SESSION_SECRET: GOOD_SECRET },
    });
    demo = await spawnServer({ ...common, prefix: `rxfd-${randomBytes(3).toString('hex')}` });
  }, 120_000);
  afterAll(async () => {
    await prod?.kill('SIGTERM');
    await demo?.kill('SIGTERM');
    await db?.drop();
  });
  const login = (base: string) =>
    fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'Test-passw0rd!' }),
    });

  it('production: no /api/dev/sms, and the session cookie is Secure', async () => {
    expect((await fetch(`${prod.url}/api/dev/sms?phone=13800138000`)).status).toBe(404);
    const r = await login(prod.url);
    expect(r.status).toBe(200);
    expect(r.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
  });

  it('demo (REXIAN_DEMO=1): /api/dev/sms answers and the cookie works over plain http', async () => {
    expect((await fetch(`${demo.url}/api/dev/sms?phone=13800138000`)).status).toBe(200);
    const r = await login(demo.url);
    expect(r.status).toBe(200);
    expect(r.headers.get('set-cookie')).not.toMatch(/;\s*Secure/i);
  });
});
