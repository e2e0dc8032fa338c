// GB/T 37668-2019 / WCAG 2.1 AA on the citizen screens and the staff entry screens: axe-core's
// WCAG 2 A/AA rules in Chromium, 0 serious or critical violations per screen; and the citizen
// submit flow done with the keyboard only. The per-screen figures print as a table (before/after
// in the closing note of issue 19): `node --import tsx --test test/e2e/accessibility.e2e.ts`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPerson } from './browser';
import { BASE, login, serverUp, USERS } from './helpers';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

interface Figures { screen: string; serious: number; critical: number; moderate: number; minor: number; rules: string[] }
const table: Figures[] = [];

async function audit(page: Page, screen: string) {
  await page.waitForTimeout(400); // antd motion settles
  const r = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const count = (impact: string) => r.violations.filter((v) => v.impact === impact).reduce((n, v) => n + v.nodes.length, 0);
  const f: Figures = { screen, serious: count('serious'), critical: count('critical'), moderate: count('moderate'), minor: count('minor'),
    rules: r.violations.map((v) => `${v.id}(${v.impact}×${v.nodes.length})`) };
  table.push(f);
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  return { f, detail: bad.map((v) => `${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`) };
}

/** A closed ticket as the tracking answer shows it (only the presentation is audited here; flow.e2e.ts proves the behaviour). */
const CLOSED = {
  number: '2026120500001', status: 'closed', statusLabel: '已办结', createdAt: '2026-12-01T02:00:00.000Z', title: '路灯不亮',
  content: '小区门口的路灯已经坏了一个多星期，晚上很黑。', replyText: '已更换损坏的路灯。',
  timeline: [{ at: '2026-12-01T02:00:00.000Z', type: 'ticket.registered', label: '诉求已受理' }, { at: '2026-12-03T02:00:00.000Z', type: 'ticket.closed', label: '已办结' }],
};

describe('accessibility (axe-core WCAG 2.1 A/AA)', () => {
  let browser: Browser;
  const failures: string[] = [];

  before(async () => {
    assert.ok(await serverUp(), `no server at ${BASE}/healthz: start one with demo data (npm run demo)`);
    browser = await launchBrowser();
  });
  after(async () => {
    console.table(table.map(({ rules, ...x }) => ({ ...x, rules: rules.join(' ') })));
    await browser?.close();
  });

  const check = async (page: Page, screen: string) => {
    const { f, detail } = await audit(page, screen);
    if (f.serious + f.critical > 0) failures.push(`${screen}:\n  ${detail.join('\n  ')}`);
  };

  it('citizen screens on a phone', async () => {
    const page = await (await newPerson(browser, true)).newPage();
    await page.goto(`${BASE}/track`);
    await page.getByTestId('appeal-form').waitFor();
    await check(page, 'citizen submit (mobile)');
    await page.getByTestId('appeal-submit').click();
    await page.waitForTimeout(300);
    await check(page, 'citizen submit, errors shown (mobile)');
    await page.getByRole('tab', { name: /查询/ }).click();
    await page.getByTestId('track-form').waitFor();
    await check(page, 'citizen tracking (mobile)');
    await page.route('**/api/public/track', (route) => route.fulfill({ json: { data: CLOSED } }));
    await page.getByTestId('track-mode').getByText('查询码查询').click();
    await page.getByTestId('track-number').fill(CLOSED.number);
    await page.getByTestId('track-token').fill('0'.repeat(32));
    await page.getByTestId('track-submit').click();
    await page.getByTestId('public-ticket').waitFor();
    await check(page, 'citizen tracking result + rating (mobile)');
    await page.goto(`${BASE}/track?callback=6f1c2d3e-0000-4000-8000-000000000001&token=${'a'.repeat(32)}`);
    await page.waitForTimeout(500);
    await check(page, 'callback link (mobile)');
    await page.goto(`${BASE}/track/reviews`);
    await page.getByTestId('public-reviews').waitFor();
    await page.waitForTimeout(800);
    await check(page, 'public reviews (mobile)');
    await page.close();
  });

  it('public reviews and staff entry screens on a desk', async () => {
    const page = await (await newPerson(browser)).newPage();
    await page.goto(`${BASE}/track/reviews`);
    await page.getByTestId('public-reviews').waitFor();
    await page.waitForTimeout(800);
    await check(page, 'public reviews (desktop)');
    await page.goto(`${BASE}/login`);
    await page.getByTestId('login-username').waitFor();
    await check(page, 'staff login');
    await page.getByTestId('login-submit').click();
    await page.waitForTimeout(300);
    await check(page, 'staff login, errors shown');
    await login(page, USERS.agent);
    await page.goto(`${BASE}/agent`);
    await page.getByTestId('ticket-table').waitFor();
    await page.waitForTimeout(800);
    await check(page, 'agent home');
    await page.close();
  });

  it('has no serious or critical violation on any screen', () => {
    assert.deepEqual(failures, []);
  });
});
