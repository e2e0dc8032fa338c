/// <reference lib="dom" />
// npm run bench:console — builds the console, then prints:
//  1. gzipped JS of the first screen (target ≤ 300 KB),
//  2. first render of the agent work queue (one 1,000-row page) and of the unit inbox (1,000 open
//     dispatches, paged by the server by deadline) in headless Chromium (target < 1.5 s each):
//     always from a fixture served by `vite preview` (API answered in the browser by page.route),
//     and also against the real server at E2E_BASE_URL when it answers /healthz (BENCH_FILL=1 first
//     tops the agent's queue and the clerk's unit up to 1,000 tickets through the public API);
//  3. each render divided by a baseline measured in the same run and browser (the login screen's
//     first render, which loads the same framework code): a figure that does not move with how busy
//     the machine is, unlike the milliseconds.
import { fileURLToPath } from 'node:url';
import { preview } from 'vite';
import type { Page } from 'playwright-core';
import { launchBrowser, newPerson } from './browser';
import { firstScreenJs, routeJs } from './first-screen';
import { fixtureAgent, fixtureClerk, makeDispatches, makeTickets } from './fixtures';

const consoleDir = fileURLToPath(new URL('../../agent-console/', import.meta.url));
const BASE = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000';
const ROWS = 1000;
/** Runs per figure; the best one counts (the others met a busy machine). */
const RUNS = 5;

function ratio(label: string, value: number, target: number, unit: string) {
  console.log(`${label}: ${value.toFixed(unit === 'KB' ? 1 : 0)} ${unit} / ${target} ${unit} = ${(value / target).toFixed(2)}`);
}

function relative(label: string, ms: number, baseline: number) {
  console.log(`${label}: ${(ms / baseline).toFixed(2)} × the login screen's first render (${ms.toFixed(0)} ms / ${baseline.toFixed(0)} ms)`);
}

/**
 * ms from navigation start until the list shows its count and its first row. `totalTestId` is the
 * agent queue's count (queue-total) or the unit inbox's pager (inbox-pages, "共 1000 件").
 */
async function queueRenderMs(page: Page, url: string, totalTestId = 'queue-total') {
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(
    (id) => {
      const total = document.querySelector(`[data-testid=${id}]`)?.textContent ?? '';
      return /\d/.test(total) && !/^\D*0\D*$/.test(total) && document.querySelector('[data-testid=ticket-table] .ant-table-row');
    },
    totalTestId,
    { timeout: 30_000, polling: 'raf' },
  );
  return page.evaluate(() => performance.now());
}

/** The baseline: ms from navigation start until the login form is on screen (no API data involved). */
async function loginRenderMs(page: Page, url: string) {
  await page.goto(url, { waitUntil: 'commit' });
  await page.getByTestId('login-submit').waitFor({ timeout: 30_000 });
  return page.evaluate(() => performance.now());
}

async function baselineRuns(page: Page, origin: string) {
  await page.route('**/api/**', (route) =>
    route.fulfill({ status: 401, json: { type: 'about:blank', title: 'Unauthorized', status: 401, code: 'UNAUTHENTICATED' } }),
  );
  await page.routeWebSocket(/socket\.io/, (ws) => ws.close());
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await loginRenderMs(page, `${origin}/login`));
  return runs;
}

/** The unit inbox against a fixture that pages like the server: sorted by deadline, `pageSize` rows, total 1,000. */
async function unitFixtureRun(page: Page, origin: string) {
  const tickets = makeDispatches(ROWS);
  await page.route('**/api/**', (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/api/auth/me') return route.fulfill({ json: { data: { user: fixtureClerk, csrfToken: 'x' } } });
    if (url.pathname === '/api/tickets') {
      const size = Number(url.searchParams.get('pageSize') ?? 20);
      const n = Number(url.searchParams.get('page') ?? 1);
      return route.fulfill({ json: { data: tickets.slice((n - 1) * size, n * size), page: { total: ROWS, page: n, pageSize: size } } });
    }
    return route.fulfill({ json: { data: [] } });
  });
  await page.routeWebSocket(/socket\.io/, (ws) => ws.close());
  await page.addInitScript(() => localStorage.setItem('rexian.locale', 'zh-CN'));
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await queueRenderMs(page, `${origin}/unit`, 'inbox-pages'));
  return runs;
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
  for (let i = 0; i < RUNS; i++) runs.push(await queueRenderMs(page, `${origin}/agent`));
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
const clerkUser = process.env.E2E_CLERK ?? 'clerk-zhujian';
const password = process.env.E2E_PASSWORD ?? 'Rexian!2026';

async function apiLogin(username: string) {
  const login = await fetch(`${BASE}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!login.ok) throw new Error(`bench login as ${username} failed: ${login.status}`);
  const cookie = login.headers.get('set-cookie')!.split(';')[0];
  const { data } = (await login.json()) as { data: { csrfToken: string; user: { unitId: string | null } } };
  return { headers: { 'Content-Type': 'application/json', cookie, 'X-CSRF-Token': data.csrfToken }, unitId: data.user.unitId };
}

/** Runs `n` calls of `fn`, `width` at a time (the server is on the same small box; no need to flood it). */
async function pool(n: number, width: number, fn: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

const OPEN_DISPATCHES = 'dispatched,signed,in_progress,extension_requested,return_requested';

/**
 * BENCH_FILL=1 also tops the clerk's unit up to 1,000 open dispatches: the agent registers, submits and
 * dispatches each ticket to that unit (the same public API the centre uses), so the inbox is real data.
 */
async function fillUnit() {
  const agent = await apiLogin(user);
  const clerk = await apiLogin(clerkUser);
  if (!clerk.unitId) throw new Error(`${clerkUser} has no unit`);
  const list = await fetch(`${BASE}/api/tickets?status=${OPEN_DISPATCHES}&unitId=${clerk.unitId}&pageSize=1`, { headers: clerk.headers });
  const have = ((await list.json()) as { page: { total: number } }).page.total;
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${BASE}${path}`, { method: 'POST', headers: agent.headers, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`bench unit fill: POST ${path} ${res.status} ${await res.text()}`);
    return (await res.json()) as { data: { id: string } };
  };
  await pool(Math.max(0, ROWS - have), 4, async (i) => {
    const { data } = await post('/api/tickets', {
      channel: 'phone',
      callerPhone: `136${String(i).padStart(8, '0')}`,
      content: `基准测试派单 ${i}：小区二次供水水压不足，请核查。`,
    });
    await post(`/api/tickets/${data.id}/actions/submit`, {});
    await post(`/api/tickets/${data.id}/actions/dispatch`, { leadUnitId: clerk.unitId });
  });
  console.log(`  filled ${clerkUser}'s unit: ${have} → ${Math.max(have, ROWS)} open dispatches`);
}

/**
 * BENCH_FILL=1 tops the server's "received" queue up to 1,000 tickets through the public API
 * (POST /api/tickets as the agent), so the real-server figure is for the same row count.
 */
async function fillQueue() {
  const { headers } = await apiLogin(user);
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

/**
 * BENCH_RTT_MS=40 adds that round-trip time to every request of the real-server pages (Chromium's
 * network emulation), as for a clerk on a district government network rather than on this machine.
 */
const RTT_MS = Number(process.env.BENCH_RTT_MS ?? 0);
async function withLatency(page: Page) {
  if (!RTT_MS) return page;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: RTT_MS, downloadThroughput: -1, uploadThroughput: -1 });
  return page;
}

async function serverRun(page: Page, who: 'agent' | 'unit') {
  await page.goto(`${BASE}/login`);
  await page.getByTestId('login-username').fill(who === 'agent' ? user : clerkUser);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(`**/${who}`);
  const runs: number[] = [];
  const api: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    runs.push(await queueRenderMs(page, `${BASE}/${who}`, who === 'agent' ? 'queue-total' : 'inbox-pages'));
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
  const total = await (who === 'agent' ? page.getByTestId('queue-total') : page.getByTestId('inbox-pages').locator('.ant-pagination-total-text')).textContent();
  console.log(
    `  real-server ${who} runs (ms): ${runs.map((r) => r.toFixed(0)).join(', ')}; of which GET /api/tickets: ${api.map((r) => r.toFixed(0)).join(', ')}`,
  );
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
    const fresh = async () => (await newPerson(browser)).newPage();
    const baseRuns = await baselineRuns(await fresh(), origin);
    const baseline = Math.min(...baseRuns);
    console.log(`  baseline: login screen runs (ms): ${baseRuns.map((r) => r.toFixed(0)).join(', ')}`);
    const runs = await fixtureRun(await fresh(), origin);
    const best = Math.min(...runs);
    console.log(`  fixture agent queue runs (ms): ${runs.map((r) => r.toFixed(0)).join(', ')}`);
    ratio(`queue first render, ${ROWS} fixture tickets, vite preview (best of ${RUNS})`, best, 1500, 'ms');
    relative('  queue first render, fixture', best, baseline);
    const unitRuns = await unitFixtureRun(await fresh(), origin);
    const unitBest = Math.min(...unitRuns);
    console.log(`  fixture unit inbox runs (ms): ${unitRuns.map((r) => r.toFixed(0)).join(', ')}`);
    ratio(`unit inbox first render, ${ROWS} fixture dispatches, vite preview (best of ${RUNS})`, unitBest, 1500, 'ms');
    relative('  unit inbox first render, fixture', unitBest, baseline);
    if (await serverUp()) {
      if (process.env.BENCH_FILL === '1') {
        await fillQueue();
        await fillUnit();
      }
      if (RTT_MS) console.log(`  real server pages with ${RTT_MS} ms added round trip (BENCH_RTT_MS)`);
      const realBaseline = Math.min(...(await baselineRuns(await withLatency(await fresh()), BASE)));
      const real = await serverRun(await withLatency(await fresh()), 'agent');
      ratio(`queue first render, real server ${BASE} (${real.total?.trim()}, best of ${RUNS})`, real.ms, 1500, 'ms');
      relative('  queue first render, real server', real.ms, realBaseline);
      const unit = await serverRun(await withLatency(await fresh()), 'unit');
      ratio(`unit inbox first render, real server ${BASE} (${unit.total?.trim()}, best of ${RUNS})`, unit.ms, 1500, 'ms');
      relative('  unit inbox first render, real server', unit.ms, realBaseline);
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
