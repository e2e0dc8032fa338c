import { chromium, type Browser, type BrowserContext } from 'playwright-core';

// Debian's Chromium, never a downloaded build (no `playwright install` here or in CI).
// chromium.launch() gives every run a fresh temporary profile (its own --user-data-dir).
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

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: EXECUTABLE, headless: true, args: FLAGS });
}

/** One context per person: separate cookie jars, so agent, clerk and citizen act side by side. */
export function newPerson(browser: Browser, mobile = false): Promise<BrowserContext> {
  return browser.newContext(
    mobile
      ? { viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true }
      : { viewport: { width: 1366, height: 860 }, locale: 'zh-CN' },
  );
}
