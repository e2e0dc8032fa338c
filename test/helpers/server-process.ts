import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import { migrateDatabase } from '../../server/platform/db/migrate';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PG_ADMIN = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A real server process (`node --import tsx server/main.ts`) on its own port, started in its own
 * process group so `kill('SIGKILL')` takes down everything it started, like a crashed box (no npx
 * wrapper: one that outlives its child leaves orphans).
 * stdout/stderr are kept (for the personal-data log check).
 */
export interface ServerProcess {
  port: number;
  url: string;
  /** everything the process wrote to stdout + stderr, across restarts */
  output(): string;
  start(): Promise<void>;
  /** Resolves with the exit code once the process is gone (null: ended by the signal, or not running). */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
  alive(): boolean;
}

export async function spawnServer(o: {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  port?: number;
  roles?: string;
  piiKey?: string;
  logLevel?: string;
  poolSize?: number;
  extraEnv?: Record<string, string>;
}): Promise<ServerProcess> {
  const port = o.port ?? (await freePort());
  let proc: ChildProcess | null = null;
  let out = '';
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    REXIAN_DEMO: '1',
    PORT: String(port),
    DATABASE_URL: o.databaseUrl,
    REDIS_URL: o.redisUrl,
    QUEUE_PREFIX: o.prefix,
    ROLES: o.roles ?? 'web,worker,realtime,cron',
    LOG_LEVEL: o.logLevel ?? 'info',
    PG_POOL_SIZE: String(o.poolSize ?? 10),
    ...(o.piiKey ? { PII_KEY: o.piiKey } : {}),
    ...(o.extraEnv ?? {}),
  };
  delete (env as Record<string, unknown>).VITEST_WORKER_ID;
  const sp: ServerProcess = {
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => out,
    alive: () => proc !== null && proc.exitCode === null && proc.signalCode === null,
    async start() {
      const p = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      proc = p;
      p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      p.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      const t0 = Date.now();
      while (Date.now() - t0 < 60_000) {
        if (p.exitCode !== null) throw new Error(`server exited ${p.exitCode}: ${out.slice(-2000)}`);
        // Any HTTP answer means it listens (healthz may say 503 while Redis is away).
        const up = await fetch(`${sp.url}/healthz`, { signal: AbortSignal.timeout(3000) }).then(
          () => true,
          () => false,
        );
        if (up) return;
        await new Promise((r) => setTimeout(r, 150));
      }
      throw new Error(`server on ${port} did not start: ${out.slice(-2000)}`);
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      const p = proc;
      if (!p || p.exitCode !== null || p.signalCode !== null) return null;
      const gone = new Promise<number | null>((r) => p.once('exit', (code) => r(code)));
      try {
        process.kill(-p.pid!, signal); // the whole group
      } catch {
        p.kill(signal);
      }
      const code = await gone;
      proc = null;
      return code;
    },
  };
  await sp.start();
  return sp;
}

/** A migrated database of its own (outside vitest, where the template is not provided). */
export async function createScratchDatabase(tag = 'rx_scratch'): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `${tag}_${randomBytes(4).toString('hex')}`;
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  return { url: url.toString(), name, drop: () => dropDatabase(name) };
}

export async function dropDatabase(name: string) {
  const c = new pg.Client({ connectionString: PG_ADMIN });
  await c.connect();
  await c.query(`drop database if exists "${name}" with (force)`);
  await c.end();
}

const pwCache = new Map<string, string>();
/** Inserts a staff user straight into the database (fast; argon2 hash computed once per password). */
export async function insertUser(pool: pg.Pool | pg.Client, o: { username?: string; role: string; unitId?: string | null; password?: string }) {
  const password = o.password ?? 'Test-passw0rd!';
  if (!pwCache.has(password)) pwCache.set(password, await hash(password));
  const username = o.username ?? `${o.role}-${randomBytes(4).toString('hex')}`;
  const r = await pool.query(`insert into users (username, password_hash, display_name, role, unit_id) values ($1, $2, $3, $4, $5) returning id`, [
    username,
    pwCache.get(password),
    `${o.role} 测试`,
    o.role,
    o.unitId ?? null,
  ]);
  return { id: r.rows[0].id as string, username, password };
}

/** Logs in over HTTP; returns the cookie header and CSRF token. */
export async function loginHttp(baseUrl: string, username: string, password = 'Test-passw0rd!') {
  const r = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${await r.text()}`);
  const cookie = r.headers.get('set-cookie')!.split(';')[0];
  const csrf = ((await r.json()) as { data: { csrfToken: string } }).data.csrfToken;
  return { cookie, csrf, headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf } };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** A private redis-server; `aofDir` turns on the append-only file so a kill -9 keeps acknowledged writes. */
export async function startRedisProcess(o: { aofDir?: string } = {}) {
  const port = await freePort();
  let proc: ChildProcess | null = null;
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', ''];
  if (o.aofDir) args.push('--appendonly', 'yes', '--appendfsync', 'everysec', '--dir', o.aofDir);
  else args.push('--appendonly', 'no');
  const { default: Redis } = await import('ioredis');
  const start = async () => {
    proc = spawn('redis-server', args, { stdio: 'ignore' });
    for (let i = 0; i < 200; i++) {
      const c = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      c.on('error', () => {});
      try {
        await c.connect();
        // LOADING while replaying the AOF: wait until it answers.
        await c.ping();
        c.disconnect();
        return;
      } catch {
        c.disconnect();
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error('private redis did not start');
  };
  const kill = async () => {
    const p = proc;
    if (!p) return;
    proc = null;
    await new Promise<void>((r) => {
      p.once('exit', () => r());
      p.kill('SIGKILL');
    });
  };
  await start();
  return { port, url: `redis://127.0.0.1:${port}`, start, kill };
}
