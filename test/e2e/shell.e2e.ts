// The shell's promises: errors in the chosen language, a visible reconnect banner, and lists that
// catch up after a reconnect without a reload.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newPerson } from './browser';
import { stepsWithDiagnosis, watchPage } from './diagnose';
import { BASE, liveConnected, login, serverUp, shot, USERS } from './helpers';

describe('console shell', () => {
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;

  before(async () => {
    assert.ok(await serverUp(), `no server at ${BASE}/healthz: start one with demo data (npm run demo)`);
    browser = await launchBrowser();
    ctx = await newPerson(browser);
    page = watchPage(await ctx.newPage());
  });
  after(async () => browser?.close());
  const it = stepsWithDiagnosis(() => [page]);

  it('shows a failed login in Chinese, then in English after the switch', async () => {
    await page.goto(`${BASE}/login`);
    await page.getByTestId('login-username').fill(USERS.agent);
    await page.getByTestId('login-password').fill('wrong-password');
    await page.getByTestId('login-submit').click();
    const zh = await page.getByTestId('login-error').textContent();
    assert.match(zh ?? '', /[\u4e00-\u9fff]/, `expected a Chinese message, got ${zh}`);
    await page.getByTestId('locale-switch').click();
    await page.getByTestId('login-submit').click();
    await page.waitForFunction(() => !/[\u4e00-\u9fff]/.test(document.querySelector('[data-testid=login-error]')?.textContent ?? '中'));
    await shot(page, 'login-error-en');
    await page.getByTestId('locale-switch').click(); // back to zh-CN for the next tests
  });

  it('shows "reconnecting" while offline and refetches the queue on reconnect', async () => {
    await login(page, USERS.agent);
    await page.goto(`${BASE}/agent`);
    await page.getByTestId('ticket-table').waitFor();
    await liveConnected(page);
    await ctx.setOffline(true);
    await page.getByTestId('reconnecting').waitFor({ timeout: 30_000 });
    await shot(page, 'agent-reconnecting');
    // Something changes while this agent is offline…
    const other = await (await newPerson(browser)).newPage();
    await login(other, USERS.agent);
    await other.goto(`${BASE}/agent/new`);
    await other.getByTestId('reg-phone').fill('13700000001');
    await other.getByTestId('reg-content').fill(`离线期间登记 ${Date.now()}`);
    await other.getByTestId('reg-submit').click();
    const number = (await other.getByTestId('detail-number').textContent())!.trim();
    await ctx.setOffline(false);
    await page.getByTestId('reconnecting').waitFor({ state: 'detached', timeout: 30_000 });
    // …and shows up without a reload.
    await page.getByTestId('ticket-number').filter({ hasText: number }).waitFor({ timeout: 15_000 });
  });

  it("wipes the desk's drafts on logout and when the session expires", async () => {
    const draftKeys = () => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('rexian.draft.')));
    const typeDraft = async () => {
      await page.goto(`${BASE}/agent/new`);
      await page.getByTestId('reg-phone').fill('13700000009');
      await page.getByTestId('reg-content').fill('来电人反映楼下噪音，住址见备注');
      await page.waitForFunction(() => Object.keys(localStorage).some((k) => k.startsWith('rexian.draft.')));
    };
    await ctx.clearCookies(); // start logged out, whatever the test before left
    await login(page, USERS.agent);
    await typeDraft();
    await page.getByTestId('logout').click();
    await page.getByTestId('login-username').waitFor();
    assert.deepEqual(await draftKeys(), []);
    // Session expiry: the server no longer knows the cookie; the next request answers 401.
    await login(page, USERS.agent);
    await typeDraft();
    await ctx.clearCookies();
    await page.reload();
    await page.getByTestId('login-username').waitFor({ timeout: 20_000 });
    assert.deepEqual(await draftKeys(), []);
  });
});
