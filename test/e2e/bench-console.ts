/// <reference lib="dom" />
// npm run bench:console — builds the console, then prints:
//  1. gzipped JS of the first screen (target ≤ 300 KB),
//  2. first render of the agent work queue with 1,000 tickets in headless Chromium (target < 1.5 s):
//     always from a fixture served by `vite preview` (API answered in the browser by page.route),
//     and also against the real server at E2E_BASE_URL when it answers /healthz, with whatever rows it has.
import { fileURLToPath } from 'node:url';
import { preview } from 'vite';
import type { Page } from 'playwright-core';
import { launchBrowser, newPerson } from './browser';
import { firstScreenJs, routeJs } from './first-screen';
import { fixtureAgent, makeTickets } from './fixtures';

const consoleDir = fileURLToPath(new URL('../../agent-console/', import.meta.url));
const BASE = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000';
const ROWS = 1000;

function ratio(label: string, value: number, target: number, unit: string) {
  console.log(`${label}: ${value.toFixed(unit === 'KB' ? 1 : 0)} ${unit} / ${target} ${unit} = ${(value / target).toFixed(2)}`);
}

/** ms from navigation start until the queue shows its count and its first row. */
async function queueRenderMs(page: Page, url: string) {
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(
    () => {
      const total = document.querySelector('[data-testid=queue-total]')?.textContent ?? '';
      return /\d/.test(total) && !/^\D*0\D*$/.test(total) && document.querySelector('[data-testid=ticket-table] .ant-table-row');
    },
    undefined,
    { timeout: 30_000, polling: 'raf' },
  );
  return page.evaluate(() => performance.now());
}

async function fixtureRun(page: Page, origin: string) {
  const tickets = makeTickets(ROWS);
  await page.route('**/api/**', (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/api/auth/me') return route.fulfill({ json: { data: { user: fixtureAgent, csrfToken: 'x' } } });
    if (url.pathname === '/api/tickets') return route.fulfill({ json: { data: tickets, page: { total: ROWS, page: 1, pageSize: ROWS } } });
    return route.fulfill({ json: { data: [] } });
  });
  await page.route('**/socket.io/**', (route) => route.abort());
  await page.routeWebSocket(/socket\.io/, (ws) => ws.close());
  // 'all' tab: every fixture row regardless of status.
  await page.addInitScript(() => localStorage.setItem('rexian.locale', 'zh-CN'));
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) runs.push(await queueRenderMs(page, `${origin}/agent`));
  return runs;
}

async function serverUp() {
  try {
    return (await fetch(`${BASE}/healthz`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

const user = process.env.E2E_AGENT ?? 'agent1';
const password = process.env.E2E_PASSWORD ?? 'Rexian!2026';

/**
 * BENCH_FILL=1 tops the server's "received" queue up to 1,000 tickets through the public API
 * (POST /api/tickets as the agent), so the real-server figure is for the same row count.
 */
async function fillQueue() {
  const login = await fetch(`${BASE}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: user, password }),
  });
  if (!login.ok) throw new Error(`bench login failed: ${login.status}`);
  const cookie = login.headers.get('set-cookie')!.split(';')[0];
  const { data } = (await login.json()) as { data: { csrfToken: string } };
  const headers = { 'Content-Type': 'application/json', cookie, 'X-CSRF-Token': data.csrfToken };
  const list = await fetch(`${BASE}/api/tickets?status=received&pageSize=1`, { headers });
  const have = ((await list.json()) as { page: { total: number } }).page.total;
  for (let i = have; i < ROWS; i++) {
    const res = await fetch(`${BASE}/api/tickets`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ channel: 'phone', callerPhone: `137${String(i).padStart(8, '0')}`, content: `基准测试工单 ${i}：路灯不亮，请维修。` }),
    });
    if (!res.ok) throw new Error(`bench fill failed at ${i}: ${res.status} ${await res.text()}`);
  }
  console.log(`  filled the received queue: ${have} → ${Math.max(have, ROWS)} tickets`);
}

async function serverRun(page: Page) {
  await page.goto(`${BASE}/login`);
  await page.getByTestId('login-username').fill(user);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL('**/agent');
  const runs: number[] = [];
  const api: number[] = [];
  for (let i = 0; i < 3; i++) {
    runs.push(await queueRenderMs(page, `${BASE}/agent`));
    // How much of it was the server answering GET /api/tickets (resource timing of that request).
    api.push(
      await page.evaluate(() =>
        Math.max(
          0,
          ...performance
            .getEntriesByType('resource')
            .filter((e) => e.name.includes('/api/tickets?'))
            .map((e) => e.duration),
        ),
      ),
    );
  }
  const total = await page.getByTestId('queue-total').textContent();
  console.log(`  real-server runs (ms): ${runs.map((r) => r.toFixed(0)).join(', ')}; of which GET /api/tickets: ${api.map((r) => r.toFixed(0)).join(', ')}`);
  return { ms: Math.min(...runs), total };
}

async function main() {
  const js = firstScreenJs(`${consoleDir}dist`);
  for (const r of js.rows) console.log(`  ${r.file}  ${(r.gzip / 1024).toFixed(1)} KB gz`);
  ratio('first-screen JS (gzip), login', js.gzip / 1024, 300, 'KB');
  // Not the first screen, but what each area costs when opened directly (a bookmark, the citizen's H5 link).
  for (const [route, entry] of [
    ['/track', 'src/pages/track/TrackApp.tsx'],
    ['/agent', 'src/pages/agent/AgentApp.tsx'],
    ['/unit', 'src/pages/unit/UnitApp.tsx'],
    ['/supervisor', 'src/pages/supervisor/SupervisorApp.tsx'],
  ]) {
    console.log(`  ${route} opened directly: ${(routeJs(`${consoleDir}dist`, entry) / 1024).toFixed(1)} KB gz (later lazy chunks, e.g. ECharts, excluded)`);
  }

  const server = await preview({ configFile: `${consoleDir}vite.config.ts`, preview: { port: 4173, strictPort: false } });
  const origin = server.resolvedUrls?.local[0]?.replace(/\/$/, '') ?? 'http://localhost:4173';
  const browser = await launchBrowser();
  try {
    const page = await (await newPerson(browser)).newPage();
    const runs = await fixtureRun(page, origin);
    const best = Math.min(...runs);
    console.log(`  fixture runs (ms): ${runs.map((r) => r.toFixed(0)).join(', ')}`);
    ratio(`queue first render, ${ROWS} fixture tickets, vite preview (best of 3)`, best, 1500, 'ms');
    if (await serverUp()) {
      if (process.env.BENCH_FILL === '1') await fillQueue();
      const real = await serverRun(await (await newPerson(browser)).newPage());
      ratio(`queue first render, real server ${BASE} (${real.total?.trim()}, best of 3)`, real.ms, 1500, 'ms');
    } else {
      console.log(`real server: ${BASE}/healthz did not answer; measured the fixture only`);
    }
  } finally {
    await browser.close();
    await new Promise<void>((r) => server.httpServer.close(() => r()));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
