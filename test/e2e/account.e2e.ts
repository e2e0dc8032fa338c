// Two-step verification in the console: an admin turns TOTP on from "account security" (QR code,
// first code, recovery codes shown once), signs in again with a code, and ends a session of theirs.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { generate } from 'otplib';
import { launchBrowser, newPerson } from './browser';
import { stepsWithDiagnosis, watchPage } from './diagnose';
import { BASE, login, PASSWORD, serverUp, shot } from './helpers';

// Only this file signs in as the second demo admin, so turning TOTP on does not change the other files' logins.
const ADMIN = process.env.E2E_MFA_ADMIN ?? 'admin2';

describe('account security', () => {
  let browser: Browser;
  let page: Page;
  let secret = '';

  before(async () => {
    assert.ok(await serverUp(), `no server at ${BASE}/healthz: start one with demo data (npm run demo)`);
    browser = await launchBrowser();
    page = watchPage(await (await newPerson(browser)).newPage());
  });
  after(async () => browser?.close());
  const it = stepsWithDiagnosis(() => [page]);

  it('an admin turns on two-step verification with the QR code and gets recovery codes once', async () => {
    await login(page, ADMIN);
    await page.getByTestId('account-link').click();
    await page.getByTestId('mfa-start').click();
    await page.getByTestId('mfa-qr').waitFor();
    secret = ((await page.getByTestId('mfa-secret').textContent()) ?? '').match(/[A-Z2-7]{16,}/)?.[0] ?? '';
    assert.ok(secret, 'the base32 secret is shown beside the QR code');
    await shot(page, 'account-mfa-enrol');
    await page.getByTestId('mfa-enrol-code').fill('000000');
    await page.getByTestId('mfa-enrol-confirm').click();
    await page.getByTestId('mfa-error').waitFor();
    await page.getByTestId('mfa-enrol-code').fill(await generate({ secret }));
    await page.getByTestId('mfa-enrol-confirm').click();
    const codes = (await page.getByTestId('mfa-recovery').textContent()) ?? '';
    assert.equal(codes.match(/[0-9a-f]{5}-[0-9a-f]{5}/g)?.length, 10);
    await page.getByTestId('mfa-done').click();
    await page.getByTestId('mfa-enabled').waitFor();
  });

  it('signs in with password and then the code; lists and ends another session of the same admin', async () => {
    // Logging out from /account: the next person to sign in at this PC lands on their own home,
    // not on the page the previous one left (the login page must not keep where they were).
    await page.getByTestId('logout').click();
    await page.getByTestId('login-username').waitFor();
    await page.getByTestId('login-username').fill(ADMIN);
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('mfa-code').waitFor();
    await shot(page, 'login-mfa-code');
    // The next 30 s step: the enrolment code's step is spent (each step counts once).
    await page.getByTestId('mfa-code').fill(await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
    await page.getByTestId('mfa-submit').click();
    await page.waitForURL((u) => u.pathname.startsWith('/admin'), { timeout: 15_000 }); // administrators land on /admin

    // A second browser of the same admin (left open on another desk), to be ended from here.
    const other = await (await newPerson(browser)).newPage();
    await other.goto(`${BASE}/login`);
    await other.getByTestId('login-username').fill(ADMIN);
    await other.getByTestId('login-password').fill(PASSWORD);
    await other.getByTestId('login-submit').click();
    await other.getByTestId('mfa-code').waitFor();

    await page.getByTestId('account-link').click();
    const rows = page.getByTestId('my-sessions').locator('tbody tr');
    await rows.nth(1).waitFor();
    assert.ok((await rows.count()) >= 2);
    await page.getByTestId('all-sessions').waitFor();
    await shot(page, 'account-sessions');
    const otherRow = page
      .getByTestId('my-sessions')
      .locator('tbody tr', { hasNotText: /当前|This one/ })
      .first();
    await otherRow.getByRole('button').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=my-sessions] tbody tr').length === 1);
    // The ended session can no longer reach the API.
    const r = await other.evaluate(async () => (await fetch('/api/auth/me')).status);
    assert.equal(r, 401);
  });
});
