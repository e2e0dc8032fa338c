import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

// Debian's Chromium, never a downloaded build (no `playwright install` here or in CI).
const EXECUTABLE = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Session {
  browser: Browser | null;
  context: BrowserContext;
  close: () => Promise<void>;
}

/** A persistent context on a fresh profile dir: no state leaks between runs. */
export async function launch(): Promise<Session> {
  const dir = mkdtempSync(join(tmpdir(), 'rexian-e2e-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: EXECUTABLE,
    headless: true,
    args: FLAGS,
    viewport: { width: 1366, height: 860 },
    locale: 'zh-CN',
  });
  return {
    browser: context.browser(),
    context,
    close: async () => {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
