/// <reference lib="dom" />
// npx tsx test/e2e/fixture-screens.ts — screenshots of what the demo server cannot show yet
// (classifier suggestions, live deadlines) from canned API answers (mock-api.ts) in vite preview.
// Files are prefixed fixture- so nobody mistakes them for the real server's output.
import { fileURLToPath } from 'node:url';
import { preview } from 'vite';
import { launchBrowser, newPerson } from './browser';
import { shot } from './helpers';
import { mockApi } from './mock-api';

const consoleDir = fileURLToPath(new URL('../../agent-console/', import.meta.url));
const server = await preview({ configFile: `${consoleDir}vite.config.ts`, logLevel: 'silent', preview: { port: 4175, strictPort: false } });
const origin = server.resolvedUrls!.local[0].replace(/\/$/, '');
const browser = await launchBrowser();
try {
  const screens = [
    ['agent', '/agent/tickets/x', 'fixture-agent-suggestion'],
    ['unit_clerk', '/unit', 'fixture-unit-inbox-deadlines'],
    ['supervisor', '/supervisor', 'fixture-supervisor-wall'],
  ] as const;
  for (const [role, path, name] of screens) {
    const page = await (await newPerson(browser)).newPage();
    await mockApi(page, role);
    await page.goto(origin + path);
    await page.waitForTimeout(1000);
    await page.waitForFunction(() => !document.querySelector('.ant-spin-spinning, .ant-spin-blur'));
    await shot(page, name);
    await page.close();
  }
} finally {
  await browser.close();
  server.httpServer.close();
}
