/**
 * Two real server processes on loopback, each with its own database cloned from the test
 * template, configured by env as each other's exchange peer (channels.md §7 "Testing for real"):
 * the province ↔ city exchange and a department platform kept connected to the centre.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createTestDatabase } from './env';
import { freePort, insertUser, loginHttp, spawnServer, type ServerProcess } from './server-process';

export type PeerSide = {
  server: ServerProcess;
  db: Awaited<ReturnType<typeof createTestDatabase>>;
  pool: pg.Pool;
  staff: Awaited<ReturnType<typeof loginHttp>>;
};
export type PeerConfig = { self: string; name: string; role: 'upper' | 'lower'; staffRole?: string };

/**
 * Starts both sides, `a` and `b`, each seeing the other as its peer (a side's `name` and `role` are how the other
 * side lists it in EXCHANGE_PEERS), with one signed-in staff member per side.
 */
export async function startPeerPair(a: PeerConfig, b: PeerConfig, o: { secret: string; prefix: string }): Promise<[PeerSide, PeerSide]> {
  const [pa, pb] = [await freePort(), await freePort()];
  const side = async (me: PeerConfig, port: number, peer: PeerConfig, peerPort: number): Promise<PeerSide> => {
    const db = await createTestDatabase();
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const server = await spawnServer({
      databaseUrl: db.url,
      redisUrl: 'redis://127.0.0.1:6379',
      prefix: `${o.prefix}-${me.self}-${randomBytes(3).toString('hex')}`,
      port,
      logLevel: 'warn',
      extraEnv: {
        EXCHANGE_PLATFORM_ID: me.self,
        EXCHANGE_RETRY_BASE_SECONDS: '1',
        EXCHANGE_RETRY_CAP_SECONDS: '2',
        EXCHANGE_PEERS: JSON.stringify([
          { platformId: peer.self, name: peer.name, role: peer.role, baseUrl: `http://127.0.0.1:${peerPort}/exchange/v1`, secret: o.secret },
        ]),
      },
    });
    const u = await insertUser(pool, { role: me.staffRole ?? 'dispatcher' });
    return { server, db, pool, staff: await loginHttp(server.url, u.username) };
  };
  return Promise.all([side(a, pa, b, pb), side(b, pb, a, pa)]);
}

/** Stops the servers and drops their databases (whatever of them started). */
export async function stopPeers(sides: (PeerSide | undefined)[]) {
  for (const s of sides) {
    if (!s) continue;
    await s.server.kill('SIGKILL');
    await s.pool.end();
    await s.db.drop();
  }
}

/** A JSON call to one side, as its staff member unless another signed-in user is given. */
export async function callPeer(s: PeerSide, method: string, path: string, body?: unknown, who = s.staff) {
  const r = await fetch(`${s.server.url}${path}`, { method, headers: who.headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as { data: any; code?: string } };
}
