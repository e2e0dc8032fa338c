/// <reference lib="dom" />
// A browser step that fails in CI says only "timeout 30000ms exceeded". These helpers keep what the
// page logged and which requests failed, and on a failure add what the user saw at that moment
// (address, messages on screen, open dropdowns, focused field) to the error, with a screenshot in
// test/e2e/failures/ (not committed). That is what an intermittent failure needs to be found.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import type { Page } from 'playwright-core';

const FAILURES = fileURLToPath(new URL('./failures/', import.meta.url));
const journals = new WeakMap<Page, string[]>();
const KEEP = 40;

/** Starts keeping the page's console errors/warnings, page errors and failed or refused requests. */
export function watchPage(page: Page): Page {
  const lines: string[] = [];
  journals.set(page, lines);
  const note = (line: string) => {
    lines.push(`${new Date().toISOString().slice(11, 23)} ${line}`);
    if (lines.length > KEEP) lines.shift();
  };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') note(`console.${m.type()}: ${m.text().slice(0, 300)}`);
  });
  page.on('pageerror', (e) => note(`pageerror: ${e.message.slice(0, 300)}`));
  page.on('requestfailed', (r) => note(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (r.status() >= 400) note(`response ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) note(`navigated: ${f.url()}`);
  });
  return page;
}

interface PageState {
  url: string;
  errors: string[];
  dropdowns: string[];
  modals: string[];
  loading: number;
  focused: string;
  status: Array<string | null>;
  text: string;
}

const READ_PAGE = `(() => {
  const visible = (el) => el.offsetParent !== null || getComputedStyle(el).position === 'fixed';
  const texts = (selector) => [...document.querySelectorAll(selector)].filter(visible)
    .map((el) => (el.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 200)).filter(Boolean);
  const active = document.activeElement;
  return {
    url: location.href,
    errors: texts('.ant-form-item-explain-error, [role=alert], .ant-alert, .ant-message-notice, .ant-notification-notice'),
    dropdowns: texts('.ant-select-dropdown:not(.ant-select-dropdown-hidden), .ant-cascader-dropdown:not(.ant-select-dropdown-hidden)'),
    modals: texts('.ant-modal-wrap:not([style*="display: none"]) .ant-modal-title'),
    loading: document.querySelectorAll('.ant-spin-spinning, .ant-btn-loading').length,
    focused: active ? active.tagName.toLowerCase() + '[data-testid=' + (active.getAttribute('data-testid') || '') + ']' : 'none',
    status: [...document.querySelectorAll('[data-testid=ticket-summary] [data-status]')].map((el) => el.getAttribute('data-status')),
    text: ((document.querySelector('main') || document.body).textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 600),
  };
})()`;

/** What the user saw: URL, visible messages and errors, open dropdowns, the focused field, the log. */
export async function diagnose(page: Page, label: string): Promise<string> {
  const parts = [`--- page state (${label}) ---`];
  try {
    mkdirSync(FAILURES, { recursive: true });
    const file = `${FAILURES}${label.replace(/[^\w-]+/g, '_')}-${Date.now()}.png`;
    await page.screenshot({ path: file, timeout: 5_000 });
    parts.push(`screenshot: test/e2e/failures/${file.slice(FAILURES.length)}`);
  } catch (e) {
    parts.push(`screenshot failed: ${(e as Error).message.split('\n')[0]}`);
  }
  try {
    // A string, not a function: tsx names functions with a helper (__name) that the page does not have.
    const seen = (await page.evaluate(READ_PAGE)) as PageState;
    parts.push(`url: ${seen.url}`, `errors/alerts on screen: ${JSON.stringify(seen.errors)}`);
    parts.push(`open dropdowns: ${JSON.stringify(seen.dropdowns)}`, `modals: ${JSON.stringify(seen.modals)}`);
    parts.push(`spinners/loading buttons: ${seen.loading}`, `focused: ${seen.focused}`, `ticket status shown: ${JSON.stringify(seen.status)}`);
    parts.push(`text: ${seen.text}`);
  } catch (e) {
    parts.push(`page unreadable: ${(e as Error).message.split('\n')[0]}`);
  }
  parts.push('log:', ...(journals.get(page) ?? ['(page not watched)']));
  return parts.join('\n');
}

/**
 * `it`, but a failure carries the state of the given pages. The pages are read at failure time
 * (a getter), so steps may open new ones.
 */
export function stepsWithDiagnosis(pages: () => Array<Page | undefined>) {
  type Step = () => Promise<void>;
  type Options = { skip?: string | boolean };
  return (name: string, optionsOrStep: Options | Step, maybeStep?: Step) => {
    const [options, step] = typeof optionsOrStep === 'function' ? [{}, optionsOrStep] : [optionsOrStep, maybeStep!];
    return it(name, options, async () => {
      try {
        await step();
      } catch (error) {
        const states: string[] = [];
        for (const [i, page] of pages().entries()) {
          if (page && !page.isClosed()) states.push(await diagnose(page, `${name.slice(0, 40)}-${i}`));
        }
        if (error instanceof Error) error.message = `${error.message}\n${states.join('\n')}`;
        throw error;
      }
    });
  };
}
