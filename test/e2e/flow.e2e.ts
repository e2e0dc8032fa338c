// The appeal's whole trip through the console against a running server with demo data
// (npm run demo in another shell; E2E_BASE_URL, default http://127.0.0.1:3000):
// citizen submits → agent sees it live, confirms the classification, dispatches → unit clerk signs,
// starts, replies → agent accepts (closes) → citizen tracks and reads the reply.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPerson } from './browser';
import { act, search, BASE, devSmsCode, login, pickOption, randomMobile, serverUp, shot, unitNameOf, USERS, waitStatus } from './helpers';

describe('appeal lifecycle through the console', () => {
  let browser: Browser;
  let citizen: Page;
  let agent: Page;
  let clerk: Page;
  const phone = randomMobile();
  const content = `e2e ${Date.now()}：小区门口工地每晚十一点后还在施工，噪声扰民，请处理。`;
  let number = '';
  let trackToken = '';
  let submitCode = '';

  before(async () => {
    // Fail, not skip: a green run without a server would prove nothing.
    assert.ok(await serverUp(), `no server at ${BASE}/healthz: start one with demo data (npm run demo)`);
    browser = await launchBrowser();
    citizen = await (await newPerson(browser, true)).newPage();
    agent = await (await newPerson(browser)).newPage();
    clerk = await (await newPerson(browser)).newPage();
  });
  after(async () => browser?.close());

  it('agent opens the work queue before the appeal arrives', async () => {
    await login(agent, USERS.agent);
    await agent.goto(`${BASE}/agent`);
    await agent.getByTestId('ticket-table').waitFor();
  });

  it('citizen submits an appeal with an SMS code', async () => {
    await citizen.goto(`${BASE}/track`);
    await citizen.getByTestId('appeal-phone').fill(phone);
    await citizen.getByTestId('sms-submit').click();
    submitCode = await devSmsCode(phone);
    await citizen.getByTestId('appeal-code').fill(submitCode);
    await citizen.getByTestId('appeal-content').fill(content);
    await citizen.getByTestId('appeal-address').fill('广州市天河区体育西路 100 号');
    await shot(citizen, 'track-submit');
    await citizen.getByTestId('appeal-submit').click();
    await citizen.getByTestId('receipt-number').waitFor({ timeout: 15_000 });
    number = (await citizen.getByTestId('receipt-number').textContent())!.match(/[A-Z0-9-]{6,}/)![0];
    trackToken = (await citizen.getByTestId('receipt-token').textContent())!.split(/[:：]\s*/)[1].trim();
    assert.ok(number && trackToken);
    await shot(citizen, 'track-submitted');
  });

  it('agent sees it arrive live and confirms the classification', async () => {
    // No reload: the row must come from the socket's invalidate → refetch.
    const row = agent.getByTestId('ticket-number').filter({ hasText: number });
    await row.waitFor({ timeout: 20_000 });
    await shot(agent, 'agent-queue');
    await row.click();
    await waitStatus(agent, 'received');
    await agent.getByTestId('suggestion').waitFor();
    await shot(agent, 'agent-detail-suggestion');
    await agent.getByTestId('confirm-suggestion').click();
    await waitStatus(agent, 'pending_dispatch');
  });

  it('agent dispatches to the clerk’s unit', async () => {
    const unit = await unitNameOf(USERS.clerk);
    await act(agent, 'dispatch', async () => {
      await agent.getByTestId('dispatch-proposal').waitFor({ timeout: 10_000 }); // the catalogue's pick, prefilled
      await shot(agent, 'agent-dispatch-proposal');
      await pickOption(agent, 'field-leadUnitId', unit);
    });
    await waitStatus(agent, 'dispatched');
    await shot(agent, 'agent-detail-dispatched');
  });

  it('unit clerk signs for, starts and replies', async () => {
    await login(clerk, USERS.clerk);
    await clerk.goto(`${BASE}/unit`);
    // The inbox is sorted by deadline and virtual: find the ticket by number, not by scrolling.
    await search(clerk, 'inbox-search', number);
    const row = clerk.getByTestId('ticket-number').filter({ hasText: number });
    await row.waitFor({ timeout: 20_000 });
    await shot(clerk, 'unit-inbox');
    await row.click();
    await waitStatus(clerk, 'dispatched');
    await act(clerk, 'sign');
    await waitStatus(clerk, 'signed');
    await act(clerk, 'start');
    await waitStatus(clerk, 'in_progress');
    await act(clerk, 'reply', () => clerk.getByTestId('field-text').fill('经核查，已责令施工单位停止夜间施工，并安排巡查。'));
    await waitStatus(clerk, 'replied');
    await shot(clerk, 'unit-detail-replied');
  });

  it('agent sees the reply live and accepts it (closes)', async () => {
    await waitStatus(agent, 'replied', 30_000);
    await act(agent, 'accept-reply');
    await waitStatus(agent, 'closed');
    await shot(agent, 'agent-detail-closed');
  });

  it('citizen tracks the ticket and reads the reply', async () => {
    await citizen.goto(`${BASE}/track`);
    await citizen.getByRole('tab', { name: '进度查询' }).click();
    await citizen.getByTestId('track-mode').getByText('查询码查询').click();
    await citizen.getByTestId('track-number').fill(number);
    await citizen.getByTestId('track-token').fill(trackToken);
    await citizen.getByTestId('track-submit').click();
    await citizen.getByTestId('public-ticket').waitFor({ timeout: 15_000 });
    const reply = await citizen.getByTestId('public-reply').textContent();
    assert.match(reply ?? '', /停止夜间施工/);
    await shot(citizen, 'track-result');
  });

  it('citizen can also track with phone + SMS code', async () => {
    await citizen.getByTestId('track-mode').getByText('手机验证码查询').click();
    await citizen.getByTestId('track-phone').fill(phone);
    await citizen.getByTestId('sms-track').click();
    await citizen.getByTestId('track-code').fill(await devSmsCode(phone, submitCode));
    await citizen.getByTestId('track-submit').click();
    await citizen.getByTestId('public-reply').filter({ hasText: '停止夜间施工' }).waitFor({ timeout: 15_000 });
  });
});
