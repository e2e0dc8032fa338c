// 常用语 at the agent desk: the administrator's phrases are one shortcut (Alt+C) away on the registration
// form; the agent filters them by typing and Enter puts the phrase where the cursor was in the appeal text,
// with the cursor back after it, so the agent goes on typing. Labelled in both languages.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPerson } from './browser';
import { stepsWithDiagnosis, watchPage } from './diagnose';
import { BASE, fieldCaret, login, randomMobile, serverUp, settledDropdown, shot, USERS } from './helpers';

const OPENING = '您好，12345政务服务便民热线，请问有什么可以帮您？';

describe('常用语 on the registration form', () => {
  let browser: Browser;
  let agent: Page;
  /** The English dictionary's chunk, fetched only when someone uses English (i18n/english.ts). */
  const englishChunks: string[] = [];
  before(async () => {
    assert.ok(await serverUp(), `no server at ${BASE}/healthz: start one with demo data (npm run demo)`);
    browser = await launchBrowser();
    agent = watchPage(await (await newPerson(browser)).newPage());
    agent.on('request', (r) => {
      if (/\/assets\/english-[^/]+\.js$/.test(new URL(r.url()).pathname)) englishChunks.push(r.url());
    });
    await login(agent, USERS.agent);
  });
  after(async () => browser?.close());
  const it = stepsWithDiagnosis(() => [agent]);

  it('shows the picker with its shortcut', async () => {
    await agent.goto(`${BASE}/agent/new`);
    await agent.getByTestId('reg-phone').fill(randomMobile());
    await agent.getByText('常用语 (Alt+C)').waitFor({ timeout: 15_000 });
  });

  it('inserts the picked phrase at the cursor from the keyboard alone, and gives the cursor back after it', async () => {
    const content = agent.getByTestId('reg-content');
    await content.fill('市民反映小区路灯不亮。');
    // The cursor between the greeting's place (the start) and what was typed.
    await content.press('Control+Home');
    await agent.keyboard.press('Alt+c');
    const list = agent.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
    await list.locator('.ant-select-item-option').first().waitFor({ timeout: 10_000 });
    assert.ok((await list.locator('.ant-select-item-option').count()) >= 3, 'the demo phrases are offered');
    await agent.keyboard.type('开场');
    await list.locator('.ant-select-item-option', { hasText: '开场白' }).waitFor();
    await shot(agent, 'agent-snippet-picker');
    await agent.keyboard.press('Enter');
    await agent.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'reg-content', undefined, { timeout: 5_000 });
    const after = await fieldCaret(agent, 'reg-content');
    assert.equal(after.value, `${OPENING}市民反映小区路灯不亮。`);
    assert.equal(after.start, OPENING.length, 'the cursor sits right after the inserted phrase');
    // The agent goes on typing where they were.
    await agent.keyboard.type('（来电）');
    assert.equal((await fieldCaret(agent, 'reg-content')).value, `${OPENING}（来电）市民反映小区路灯不亮。`);
  });

  it('a phrase picked with the mouse goes to the end when the cursor was there', async () => {
    const content = agent.getByTestId('reg-content');
    await content.click();
    await content.press('Control+End');
    await agent.getByTestId('reg-phrases').click();
    await (await settledDropdown(agent)).locator('.ant-select-item-option', { hasText: '结束语' }).click();
    await agent.waitForFunction(() => (document.querySelector('[data-testid=reg-content]') as HTMLTextAreaElement).value.endsWith('再见。'));
    assert.match((await fieldCaret(agent, 'reg-content')).value, /市民反映小区路灯不亮。感谢您的来电，祝您生活愉快，再见。$/);
  });

  it('is labelled in English after the language switch (English fetched only then), after a reload, and in Chinese again', async () => {
    assert.deepEqual(englishChunks, [], 'a Chinese desk never fetches the English dictionary');
    await agent.getByTestId('locale-switch').click();
    await agent.getByText('Phrases (Alt+C)').waitFor({ timeout: 15_000 });
    assert.equal(englishChunks.length, 1);
    assert.equal(await agent.getByTestId('locale-switch').textContent(), '中文');
    // Starting in English: the dictionary is in before the first screen shows, never Chinese first.
    await agent.reload();
    await agent.getByText('Phrases (Alt+C)').waitFor({ timeout: 15_000 });
    assert.equal(await agent.evaluate(() => document.body.innerText.includes('常用语')), false);
    await agent.getByTestId('locale-switch').click();
    await agent.getByText('常用语 (Alt+C)').waitFor({ timeout: 15_000 });
  });
});
