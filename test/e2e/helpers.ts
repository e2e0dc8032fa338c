/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';

export const BASE = (process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
export const PASSWORD = process.env.E2E_PASSWORD ?? 'Rexian!2026';
/** The server's Redis key prefix (scripts/e2e.sh exports it), for letting an SMS-code minute pass. */
export const QUEUE_PREFIX = process.env.QUEUE_PREFIX ?? 'rexian';
export const USERS = {
  agent: process.env.E2E_AGENT ?? 'agent1',
  clerk: process.env.E2E_CLERK ?? 'clerk-zhujian',
  supervisor: process.env.E2E_SUPERVISOR ?? 'supervisor1',
  admin: process.env.E2E_ADMIN ?? 'admin1',
};
const SHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
mkdirSync(SHOTS, { recursive: true });

export async function shot(page: Page, name: string) {
  await page.waitForTimeout(300); // let antd's motion settle so the picture is not mid-animation
  await page.screenshot({ path: `${SHOTS}${name}.png` });
}

export async function serverUp(): Promise<boolean> {
  try {
    return (await fetch(`${BASE}/healthz`, { signal: AbortSignal.timeout(3000) })).ok;
  } catch {
    return false;
  }
}

export async function login(page: Page, username: string) {
  await page.goto(`${BASE}/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 15_000 });
}

/** The dev SMS sender keeps codes in memory; the demo server exposes the last one (never in production). */
/** `previous`: a code already used for this phone; wait for a newer one. */
export async function devSmsCode(phone: string, previous?: string): Promise<string> {
  for (let i = 0; i < 20; i++) {
    const res = await fetch(`${BASE}/api/dev/sms?phone=${phone}`, { headers: { Accept: 'application/json' } });
    if (res.ok) {
      const body = (await res.json()) as { data?: { code?: string | null } };
      if (body.data?.code && body.data.code !== previous) return body.data.code;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no dev SMS code for ${phone} (is the server running with dev endpoints?)`);
}

/** The staff user's unit, read the way the console does (/api/auth/me after login). */
export async function unitNameOf(username: string): Promise<string> {
  const res = await fetch(`${BASE}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  const body = (await res.json()) as { data?: { user?: { unitName?: string } } };
  const name = body.data?.user?.unitName;
  if (!name) throw new Error(`${username} has no unit (login ${res.status})`);
  return name;
}

export const randomMobile = () => `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;

/**
 * Waits until the field with this test id has the caret. A keyboard user types once the caret is there; a
 * dialog's autofocus lands a moment after the field is painted, later on a loaded machine, and keys typed
 * before it went to the wrong field (a unit's code typed into nothing, its name into the code).
 */
export async function caretIn(page: Page, testId: string) {
  await page.waitForFunction((id) => document.activeElement?.getAttribute('data-testid') === id, testId, { timeout: 10_000 });
}

/**
 * The open Select dropdown once its opening motion has ended. A click on an option while the list is still
 * sliding in (slow on a loaded machine) can land between frames on nothing: a user clicks what has stopped moving.
 */
export async function settledDropdown(page: Page): Promise<Locator> {
  const open = '.ant-select-dropdown:not(.ant-select-dropdown-hidden)';
  await page.locator(open).first().waitFor();
  await page.waitForFunction(
    (selector) => {
      const el = document.querySelector(selector);
      return !!el && el.getAnimations({ subtree: true }).every((a) => a.playState !== 'running');
    },
    open,
    { timeout: 10_000 },
  );
  return page.locator(open);
}

/** Picks an option in an antd Select by its visible label. */
export async function pickOption(page: Page, testId: string, label: string) {
  // A click on an option while the dropdown is still sliding open, or while the typed filter
  // re-renders the list, can land on nothing: the Select then kept its old value and the test
  // failed much later (a template that never filled the text, a dialog that refused OK). So the
  // pick is confirmed by what the Select shows, and the option clicked again if it did not take.
  // (Not Escape to start over: inside a dialog, Escape closes the dialog.)
  const openList = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
  await page.getByTestId(testId).click();
  await page.keyboard.type(label.slice(0, 4));
  for (let attempt = 1; ; attempt++) {
    await settledDropdown(page);
    await openList.locator('.ant-select-item-option', { hasText: label }).first().click();
    const taken = await page
      .waitForFunction(
        ([id, text]) => {
          const el = document.querySelector(`[data-testid="${id}"]`);
          const select = el?.closest('.ant-select') ?? el;
          return (select?.textContent ?? '').includes(text);
        },
        [testId, label] as const,
        { timeout: 3_000 },
      )
      .then(
        () => true,
        () => false,
      );
    if (taken) return;
    if (attempt === 3) throw new Error(`pickOption: "${label}" was clicked three times in ${testId} and never selected`);
    if (!(await openList.count())) {
      await page.getByTestId(testId).click();
      await page.keyboard.type(label.slice(0, 4));
    }
  }
}

// Generous: the machine is shared, and a loaded CI box is slow, not broken.
/** Types into an antd Input.Search (the test id may sit on the wrapper or on the input) and submits. */
export async function search(page: Page, testId: string, text: string) {
  const input = page.locator(`input[data-testid=${testId}], [data-testid=${testId}] input`).first();
  await input.fill(text);
  await input.press('Enter');
}

/**
 * The page's live connection is up: the server joins a user's rooms (their extension's screen pops,
 * their unit's invalidations) as it accepts the connection, so from here on nothing sent to them is missed.
 */
export async function liveConnected(page: Page, timeout = 20_000) {
  await page.locator('[data-testid=live-connection][data-state=connected]').waitFor({ state: 'attached', timeout });
}

export async function waitStatus(page: Page, status: string, timeout = 30_000) {
  await page.waitForSelector(`[data-testid=ticket-summary] [data-status=${status}]`, { timeout });
}

/** The reply's structured fields (办理结果, 是否联系市民): every console reply asks them. */
export async function fillReplyFields(page: Page, outcome = '已解决') {
  await pickOption(page, 'field-outcome', outcome);
  await page.getByTestId('field-citizenContacted-no').check();
}

/** 签收 and 开始办理 are one click with an undo notice (no dialog); the status changes when the window has passed. */
const ONE_CLICK = new Set(['sign', 'start']);

export async function act(page: Page, action: string, fill?: () => Promise<void>) {
  await page.getByTestId(`action-${action}`).click();
  if (ONE_CLICK.has(action)) {
    await page.getByTestId('undo-toast').waitFor({ timeout: 10_000 });
    return;
  }
  if (fill) await fill();
  await page.getByTestId('action-confirm').click();
  // Either the dialog closes (done) or it shows the server's problem message: fail with that text.
  // Still open after 30 s without a message is a failure too, never a silent pass.
  const error = page.getByTestId('action-error');
  const open = page.locator('.ant-modal-wrap').filter({ visible: true }).first();
  const problem = await new Promise<string | null>((resolve, reject) => {
    open.waitFor({ state: 'hidden', timeout: 30_000 }).then(
      () => resolve(null),
      (e: Error) => reject(new Error(`${action}: the dialog is still open (${e.message.split('\n')[0]})`)),
    );
    error.waitFor({ timeout: 30_000 }).then(
      async () => resolve((await error.textContent()) ?? ''),
      () => undefined, // no message: the other wait decides
    );
  });
  if (problem !== null) throw new Error(`${action} failed: ${problem}`);
}

/**
 * Waits for a row to leave its list after a dialog's action; if the dialog shows the server's
 * refusal instead, fails at once with that message rather than timing out on the row.
 */
export async function rowLeavesAfterAction(page: Page, row: Locator, errorTestId: string, timeout = 20_000) {
  const refused = page.getByTestId(errorTestId);
  const problem = await new Promise<string | null>((resolve, reject) => {
    row.waitFor({ state: 'detached', timeout }).then(() => resolve(null), reject);
    refused.waitFor({ timeout }).then(
      async () => resolve((await refused.textContent()) ?? ''),
      () => undefined, // no message: the row's wait decides
    );
  });
  if (problem !== null) throw new Error(`the action was refused: ${problem}`);
}

/** The value of a text field and where its cursor is (to check that an insertion landed at the cursor). */
export async function fieldCaret(page: Page, testId: string) {
  return page.getByTestId(testId).evaluate((el) => {
    const f = el as HTMLTextAreaElement;
    return { value: f.value, start: f.selectionStart, end: f.selectionEnd, focused: document.activeElement === f };
  });
}
