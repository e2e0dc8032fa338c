import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import Redis from 'ioredis';

/** A private real redis-server for tests that stop and start Redis without hurting parallel files. */
export async function startPrivateRedis(port?: number): Promise<{ port: number; url: string; stop: () => Promise<void>; start: () => Promise<void> }> {
  const p = port ?? (await freePort());
  let proc: ChildProcess | null = null;
  const start = async () => {
    proc = spawn('redis-server', ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      const c = new Redis({ port: p, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      c.on('error', () => {});
      try {
        await c.connect();
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
  const stop = async () => {
    if (!proc) return;
    const p0 = proc;
    proc = null;
    await new Promise<void>((r) => {
      p0.once('exit', () => r());
      p0.kill('SIGKILL');
    });
  };
  await start();
  return { port: p, url: `redis://127.0.0.1:${p}`, stop, start };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}
