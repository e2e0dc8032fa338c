// Same matter (并单) and category depth on the agent desk: while the agent types a second call about a
// pothole already registered, the open ticket shows up as a candidate; on the new ticket the deeper
// category paths are offered with their words, and one click merges it into the first ticket.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPerson } from './browser';
import { stepsWithDiagnosis, watchPage } from './diagnose';
import { BASE, login, randomMobile, shot, serverUp, USERS, waitStatus } from './helpers';

const stamp = Date.now().toString(36);
const FIRST = `幸福路和人民路交叉口（编号${stamp}）有一个大坑，直径一米多，已经有两辆电动车摔倒了，请尽快派人修补路面，晚上特别危险。`;
const AGAIN = `幸福路和人民路交叉口（编号${stamp}）那个大坑直径一米多，又有电动车摔倒了，请尽快派人修补路面，晚上太危险。`;

async function register(agent: Page, content: string): Promise<string> {
  await agent.goto(`${BASE}/agent/new`);
  await agent.getByTestId('reg-phone').fill(randomMobile());
  await agent.getByTestId('reg-content').fill(content);
  return content;
}

describe('same matter and category depth on the agent desk', () => {
  let browser: Browser;
  let agent: Page;
  let firstNumber = '';
  before(async () => {
    assert.ok(await serverUp(), `no server at ${BASE}/healthz: start one with demo data (npm run demo)`);
    browser = await launchBrowser();
    agent = watchPage(await (await newPerson(browser)).newPage());
    await login(agent, USERS.agent);
  });
  after(async () => browser?.close());
  const it = stepsWithDiagnosis(() => [agent]);

  it('registers the first call', async () => {
    await register(agent, FIRST);
    await agent.getByTestId('reg-submit').click();
    await waitStatus(agent, 'received');
    firstNumber = ((await agent.getByTestId('ticket-summary').textContent()) ?? '').match(/\d{13}/)?.[0] ?? '';
    assert.ok(firstNumber, 'the ticket page names the ticket number');
  });

  it('offers the open ticket while the second call is typed', async () => {
    await register(agent, AGAIN);
    const list = agent.getByTestId('same-matter');
    await list.waitFor({ timeout: 15_000 });
    assert.match((await list.textContent()) ?? '', new RegExp(firstNumber));
    assert.match((await list.textContent()) ?? '', /内容相似/);
    await shot(agent, 'agent-same-matter-typing');
  });

  it('shows the deeper category paths with their words, then merges the new ticket in one click', async () => {
    await agent.getByTestId('reg-submit').click();
    await waitStatus(agent, 'received');
    const depth = agent.getByTestId('category-depth');
    await depth.waitFor({ timeout: 15_000 });
    assert.equal(await depth.getByTestId('category-depth-item').count(), 3);
    assert.match((await depth.textContent()) ?? '', /\S+ \/ \S+/); // 一级 / 二级 (/ 三级)
    const candidates = agent.getByTestId('same-matter');
    await candidates.getByText(firstNumber).waitFor({ timeout: 15_000 });
    await shot(agent, 'agent-same-matter-ticket');
    await candidates.getByTestId('same-matter-merge').first().click();
    await waitStatus(agent, 'merged');
  });
});
