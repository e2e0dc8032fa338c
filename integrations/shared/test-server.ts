/** Starts an Express app on 127.0.0.1:<random> for adapter tests; returns base URL and close(). */
import express, { type Router } from 'express';
import type { AddressInfo } from 'node:net';

export async function listen(mounts: [string, Router][]): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  for (const [path, r] of mounts) app.use(path, r);
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
