import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './server-process';

const run = promisify(execFile);
// Debian installs each major version under its own directory (15 on bookworm, 17 on trixie): the newest one present.
const BIN =
  process.env.PG_BIN ??
  (() => {
    const root = '/usr/lib/postgresql';
    const versions = fs.existsSync(root)
      ? fs
          .readdirSync(root)
          .filter((v) => /^\d+$/.test(v))
          .sort((a, b) => Number(b) - Number(a))
      : [];
    return path.join(root, versions[0] ?? '15', 'bin');
  })();

/**
 * A private PostgreSQL cluster in a temp directory on a free port (trust auth, loopback only), for
 * tests that stop the database under load. The shared PostgreSQL on 5432 is never touched.
 * initdb refuses to run as root, so as root the cluster belongs to the `postgres` OS user.
 *
 * fsync is off: `stop('immediate')` kills the server processes, not the OS, so every write a commit
 * acknowledged is already in the kernel's page cache and survives; synchronous_commit stays on.
 */
export interface PrivatePostgres {
  port: number;
  /** connection URL for a database on this cluster */
  url(db: string): string;
  /** `pg_ctl stop -m immediate` by default: every backend killed at once, like a crash (recovery on start). */
  stop(mode?: 'immediate' | 'fast'): Promise<void>;
  start(): Promise<void>;
  /** stop (fast) and delete the data directory */
  destroy(): Promise<void>;
}

export async function startPrivatePostgres(o: { port?: number } = {}): Promise<PrivatePostgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rx-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) fs.chownSync(dir, ...postgresIds());
  const pgRun = (cmd: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(BIN, cmd), ...args], { cwd: dir }) : run(path.join(BIN, cmd), args, { cwd: dir });
  await pgRun('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  const port = o.port ?? (await freePort());
  const opts = [
    `-p ${port}`,
    `-c listen_addresses=127.0.0.1`,
    `-c unix_socket_directories=${dir}`,
    '-c fsync=off',
    '-c max_connections=200',
    '-c shared_buffers=64MB',
  ].join(' ');
  const start = async () => {
    await pgRun('pg_ctl', ['-D', data, '-o', opts, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  };
  const stop = async (mode: 'immediate' | 'fast' = 'immediate') => {
    await pgRun('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
  };
  await start();
  return {
    port,
    url: (db) => `postgres://postgres@127.0.0.1:${port}/${db}`,
    start,
    stop,
    async destroy() {
      await stop('fast').catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresIds(): [number, number] {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('running as root needs a `postgres` OS user for initdb');
  const [, , uid, gid] = line.split(':');
  return [Number(uid), Number(gid)];
}
