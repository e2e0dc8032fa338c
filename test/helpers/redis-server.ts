import { startRedisProcess } from './server-process';

/**
 * A private real redis-server for tests that stop and start Redis without hurting parallel files.
 * One implementation serves both this and the fault suite (server-process.ts, which adds AOF).
 */
export async function startPrivateRedis(): Promise<{ port: number; url: string; stop: () => Promise<void>; start: () => Promise<void> }> {
  const r = await startRedisProcess();
  return { port: r.port, url: r.url, start: r.start, stop: r.kill };
}
