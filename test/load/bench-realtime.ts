/**
 * bench:realtime — CLIENTS authenticated Socket.IO clients (agents in `role:agent`, unit clerks in
 * `unit:<id>`) on one server process; a dispatcher changes tickets over HTTP and we time how long
 * each invalidation takes to reach every client that should get it. Prints figures, asserts nothing.
 *   npm run bench:realtime -- [--clients 2000] [--tickets 20] [--units 20] [--clerk-share 0.2]
 * Users and sessions are inserted straight into PostgreSQL (2,000 logins would measure argon2).
 */
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { DEV_SESSION_SECRET } from '../../server/platform/config/dev-keys';
import fs from 'node:fs';
import pg from 'pg';
import { io as ioClient, type Socket } from 'socket.io-client';
import { createScratchDatabase, freePort, insertUser, loginHttp, ROOT } from '../helpers/server-process';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const CLIENTS = arg('clients', 2000);
const TICKETS = arg('tickets', 20);
const UNITS = arg('units', 20);
const CLERK_SHARE = arg('clerk-share', 0.2);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

async function main() {
  const db = await createScratchDatabase('rx_bench_rt');
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  pool.on('error', () => {});
  const port = await freePort();
  const prefix = `bench-rt-${randomBytes(3).toString('hex')}`;
  // node --import tsx (not npx) so the pid we read RSS from is the server itself.
  const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, REXIAN_DEMO: '1', PORT: String(port), DATABASE_URL: db.url, QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn', ROLES: 'web,realtime,cron' },
  });
  const base = `http://127.0.0.1:${port}`;
  const sockets: Socket[] = [];
  try {
    const units: string[] = [];
    for (let u = 0; u < UNITS; u++) {
      units.push(
        (
          await pool.query(`insert into handling_units (code, name, kind, region_code) values ($1, $2, 'functional', '440100') returning id`, [
            `B${u}`,
            `测试单位${u}`,
          ])
        ).rows[0].id,
      );
    }
    const clerks = Math.round(CLIENTS * CLERK_SHARE);
    const people: { token: string; role: string; unitId: string | null }[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const role = i < clerks ? 'unit_clerk' : 'agent';
      people.push({ token: randomBytes(32).toString('base64url'), role, unitId: role === 'unit_clerk' ? units[i % UNITS] : null });
    }
    for (let i = 0; i < CLIENTS; i += 500) {
      const chunk = people.slice(i, i + 500);
      const ids = await pool.query(
        `insert into users (username, password_hash, display_name, role, unit_id)
        select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::uuid[]) returning id`,
        [chunk.map((_, k) => `rt-${i + k}`), chunk.map(() => 'x'), chunk.map((_, k) => `坐席${i + k}`), chunk.map((p) => p.role), chunk.map((p) => p.unitId)],
      );
      await pool.query(
        `insert into sessions (token_hash, user_id, csrf_token, expires_at)
        select * from unnest($1::text[], $2::uuid[], $3::text[], $4::timestamptz[])`,
        [
          chunk.map((p) => createHmac('sha256', DEV_SESSION_SECRET).update(p.token).digest('hex')),
          ids.rows.map((r) => r.id),
          chunk.map(() => 'c'),
          chunk.map(() => new Date(Date.now() + 3600_000)),
        ],
      );
    }
    const dispatcher = await insertUser(pool, { role: 'dispatcher', password: 'bench-pass-1' });

    for (let i = 0; i < 150; i++) {
      if (
        await fetch(`${base}/healthz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await sleep(200);
    }
    const d = await loginHttp(base, dispatcher.username, 'bench-pass-1');
    await sleep(500);
    const rssBefore = rssMb(server.pid!);

    // Connect everyone, 100 at a time.
    const arrivals: Map<string, number>[] = [];
    const t0c = performance.now();
    for (let i = 0; i < CLIENTS; i += 100) {
      await Promise.all(
        people.slice(i, i + 100).map(
          (p, k) =>
            new Promise<void>((resolve, reject) => {
              const idx = i + k;
              const s = ioClient(base, { transports: ['websocket'], extraHeaders: { cookie: `rx_session=${p.token}` }, reconnection: false, forceNew: true });
              const got = new Map<string, number>();
              arrivals[idx] = got;
              s.on('invalidate', (m: { ids: string[]; cause: string }) => got.set(`${m.ids[0]}|${m.cause}`, performance.now()));
              s.once('connect', () => resolve());
              s.once('connect_error', (e) => reject(new Error(`client ${idx}: ${e.message}`)));
              sockets.push(s);
            }),
        ),
      );
    }
    const connectSeconds = (performance.now() - t0c) / 1000;
    await sleep(1500);
    const rssAfter = rssMb(server.pid!);

    const post = async (path: string, body: unknown) => {
      const r = await fetch(`${base}${path}`, { method: 'POST', headers: d.headers, body: JSON.stringify(body) });
      const j = (await r.json()) as { data: any };
      if (!r.ok) throw new Error(`${path}: ${r.status} ${JSON.stringify(j)}`);
      return j.data;
    };
    const perDelivery: number[] = [];
    const perDeliveryFromResponse: number[] = [];
    const lastClient: number[] = [];
    let missing = 0;
    let leaked = 0;
    for (let t = 0; t < TICKETS; t++) {
      const ticket = await post('/api/tickets', { callerPhone: '13800138000', content: `第${t}号：路灯不亮`, appealType: 'complaint' });
      await sleep(100);
      const unitId = units[t % UNITS];
      for (const [action, body] of [
        ['submit', {}],
        ['dispatch', { leadUnitId: unitId }],
      ] as const) {
        const cause = action === 'submit' ? 'ticket.submitted' : 'ticket.dispatched';
        const sent = performance.now();
        await post(`/api/tickets/${ticket.id}/actions/${action}`, body);
        const answered = performance.now();
        const should = people.map((p, i) => (p.role === 'agent' || (action === 'dispatch' && p.unitId === unitId) ? i : -1)).filter((i) => i >= 0);
        const key = `${ticket.id}|${cause}`;
        const deadline = performance.now() + 10_000;
        while (performance.now() < deadline && !should.every((i) => arrivals[i].has(key))) await sleep(5);
        let last = 0;
        for (const i of should) {
          const at = arrivals[i].get(key);
          if (at === undefined) {
            missing++;
            continue;
          }
          perDelivery.push(at - sent);
          perDeliveryFromResponse.push(Math.max(0, at - answered));
          last = Math.max(last, at - sent);
        }
        lastClient.push(last);
        await sleep(200);
        leaked += people.filter((p, i) => p.role === 'unit_clerk' && !(action === 'dispatch' && p.unitId === unitId) && arrivals[i].has(key)).length;
      }
    }
    perDelivery.sort((a, b) => a - b);
    perDeliveryFromResponse.sort((a, b) => a - b);
    lastClient.sort((a, b) => a - b);
    const connected = sockets.filter((s) => s.connected).length;
    console.log(`bench:realtime  clients=${CLIENTS} (agents ${CLIENTS - clerks}, unit clerks ${clerks} in ${UNITS} units), changes=${TICKETS * 2}`);
    console.log(`  connected                ${connected}/${CLIENTS} in ${connectSeconds.toFixed(1)} s`);
    console.log(`  deliveries               ${perDelivery.length} (missing ${missing}, to clerks of other units ${leaked})`);
    console.log(
      `  request sent → client    p50 ${pct(perDelivery, 50).toFixed(1)} ms   p99 ${pct(perDelivery, 99).toFixed(1)} ms   max ${perDelivery.at(-1)!.toFixed(1)} ms`,
    );
    console.log(`  commit answered → client p50 ${pct(perDeliveryFromResponse, 50).toFixed(1)} ms   p99 ${pct(perDeliveryFromResponse, 99).toFixed(1)} ms`);
    console.log(`  last client of a change  p50 ${pct(lastClient, 50).toFixed(1)} ms   p99 ${pct(lastClient, 99).toFixed(1)} ms`);
    console.log(
      `  server RSS               ${rssBefore.toFixed(1)} MB → ${rssAfter.toFixed(1)} MB = ${(((rssAfter - rssBefore) * 1024) / CLIENTS).toFixed(1)} KB per connection`,
    );
    console.log(`  target                   p99 ${pct(perDelivery, 99).toFixed(1)} / 200 ms = ${(pct(perDelivery, 99) / 200).toFixed(2)}`);
  } finally {
    for (const s of sockets) s.disconnect();
    server.kill('SIGTERM');
    await sleep(1000);
    await pool.end();
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
