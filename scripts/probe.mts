import { spawn } from 'node:child_process';
const PORT = 3977;
const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env: { ...process.env, PORT: String(PORT), LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'] });
const base = `http://127.0.0.1:${PORT}`;
for (let i = 0; i < 100; i++) { if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) break; await new Promise((r) => setTimeout(r, 200)); }
const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'agent1', password: 'Rexian!2026' }) });
const cookie = login.headers.get('set-cookie')!.split(';')[0];
const csrf = ((await login.json()) as any).data.csrfToken;
async function run(name: string, op: () => Promise<Response>) {
  let n = 0; const t0 = performance.now(); const end = t0 + 4000;
  await Promise.all(Array.from({ length: 32 }, async () => { while (performance.now() < end) { const r = await op(); await r.arrayBuffer(); n++; } }));
  console.log(name.padEnd(28), (n / ((performance.now() - t0) / 1000)).toFixed(0), 'req/s');
}
await run('GET /healthz', () => fetch(`${base}/healthz`));
await run('GET /api/auth/me', () => fetch(`${base}/api/auth/me`, { headers: { cookie } }));
await run('GET /api/tickets?pageSize=5', () => fetch(`${base}/api/tickets?pageSize=5`, { headers: { cookie } }));
let i = 0;
await run('POST /api/tickets', () => fetch(`${base}/api/tickets`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
  body: JSON.stringify({ callerPhone: `139${String(10000000 + i++).padStart(8, '0')}`, content: '小区门口路灯坏了一个月，晚上出行不便' }) }));
server.kill('SIGTERM');
