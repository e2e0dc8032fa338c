// The appeal's whole trip through the console against a running server with demo data
// (npm run demo in another shell; E2E_BASE_URL, default http://127.0.0.1:3000):
// citizen submits (with a photo) → agent sees it live, confirms the classification, dispatches → unit clerk signs,
// sees the citizen's photo, starts, replies → agent accepts (closes) → citizen tracks and reads the reply → citizen rates it 2 (差评)
// → the centre verifies the rectification case → the unit reports → the centre checks with the citizen and
// closes it → the public review page shows it anonymised; and an agent records a callback from the task list.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPerson } from './browser';
import { stepsWithDiagnosis, watchPage } from './diagnose';
import { smsMinutePasses } from '../helpers/sms-window';
import {
  act,
  search,
  BASE,
  QUEUE_PREFIX,
  devSmsCode,
  login,
  pickOption,
  randomMobile,
  rowLeavesAfterAction,
  serverUp,
  shot,
  unitNameOf,
  USERS,
  waitStatus,
  fillReplyFields,
} from './helpers';

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
  let trackCode = '';
  /** A real 1×1 PNG, named .jpg the way phones often do: stored and served as what its bytes are. */
  const photo = {
    name: '工地夜间施工.jpg',
    mimeType: 'image/jpeg',
    buffer: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'),
  };

  before(async () => {
    // Fail, not skip: a green run without a server would prove nothing.
    assert.ok(await serverUp(), `no server at ${BASE}/healthz: start one with demo data (npm run demo)`);
    browser = await launchBrowser();
    citizen = watchPage(await (await newPerson(browser, true)).newPage());
    agent = watchPage(await (await newPerson(browser)).newPage());
    clerk = watchPage(await (await newPerson(browser)).newPage());
  });
  after(async () => browser?.close());
  const it = stepsWithDiagnosis(() => [citizen, agent, clerk]);

  it('agent opens the work queue before the appeal arrives', async () => {
    await login(agent, USERS.agent);
    await agent.goto(`${BASE}/agent`);
    await agent.getByTestId('ticket-table').waitFor();
  });

  it('citizen submits an appeal with an SMS code and a photo', async () => {
    await citizen.goto(`${BASE}/track`);
    await citizen.getByTestId('appeal-phone').fill(phone);
    await citizen.getByTestId('sms-submit').click();
    submitCode = await devSmsCode(phone);
    await citizen.getByTestId('appeal-code').fill(submitCode);
    await citizen.getByTestId('appeal-content').fill(content);
    await citizen.getByTestId('appeal-address').fill('广州市天河区体育西路 100 号');
    await citizen.getByTestId('appeal-photos').locator('input[type=file]').setInputFiles(photo);
    // Shown before sending, so the citizen sees what goes with the appeal.
    await citizen.getByTestId('appeal-photos').getByText(photo.name).or(citizen.getByTestId('appeal-photos').locator('img')).first().waitFor();
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
    // The citizen's photo, on the ticket the unit was sent: a thumbnail that really loaded (the download is scoped to the unit).
    const thumb = clerk.getByTestId('attachments').locator('img[alt="工地夜间施工.jpg"]');
    await thumb.waitFor({ timeout: 10_000 });
    await clerk.waitForFunction((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth === 1, await thumb.elementHandle(), {
      timeout: 10_000,
    });
    await shot(clerk, 'unit-detail-photo');
    await act(clerk, 'sign');
    await waitStatus(clerk, 'signed');
    await act(clerk, 'start');
    await waitStatus(clerk, 'in_progress');
    await act(clerk, 'reply', async () => {
      await clerk.getByTestId('field-text').fill('经核查，已责令施工单位停止夜间施工，并安排巡查。');
      await fillReplyFields(clerk);
    });
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
    await smsMinutePasses(QUEUE_PREFIX); // one code a minute per phone; the submit code was just sent
    await citizen.getByTestId('sms-track').click();
    trackCode = await devSmsCode(phone, submitCode);
    await citizen.getByTestId('track-code').fill(trackCode);
    // The reply from tracking by token is still on screen: wait for this query's own answer.
    const answered = citizen.waitForResponse((r) => r.url().endsWith('/api/public/track') && r.request().method() === 'POST', { timeout: 15_000 });
    await citizen.getByTestId('track-submit').click();
    const res = await answered;
    assert.equal(res.status(), 200, `tracking by phone + code: ${await res.text()}`);
    await citizen.getByTestId('public-reply').filter({ hasText: '停止夜间施工' }).waitFor({ timeout: 15_000 });
  });

  it('citizen rates the closed ticket 2 (不满意), confirming the phone again after tracking by code', async () => {
    const card = citizen.getByTestId('rating-card');
    await card.waitFor({ timeout: 15_000 });
    // Tracked by code (the code is used up): the form asks for a new one, the phone already filled in.
    await citizen.getByTestId('rating-phone').waitFor({ timeout: 15_000 });
    assert.equal(await citizen.getByTestId('rating-phone').inputValue(), phone);
    await citizen.getByTestId('rating-score-2').click();
    await citizen.getByTestId('rating-comment').fill('夜间施工仍然存在，没有真正解决。');
    await smsMinutePasses(QUEUE_PREFIX);
    await citizen.getByTestId('sms-rating').click();
    await citizen.getByTestId('rating-code').fill(await devSmsCode(phone, trackCode));
    await card.scrollIntoViewIfNeeded();
    await shot(citizen, 'citizen-rating');
    await citizen.getByTestId('rating-submit').click();
    const done = citizen.getByTestId('rating-done');
    await done.waitFor({ timeout: 15_000 });
    assert.match((await done.textContent()) ?? '', /不满意/);
  });

  it('the bad review reaches the centre live as a rectification case, and an agent verifies it', async () => {
    await agent.goto(`${BASE}/agent/rectifications`);
    const row = agent.getByTestId('rect-centre').locator('tr', { has: agent.getByTestId('rect-number').filter({ hasText: number }) });
    await row.waitFor({ timeout: 20_000 });
    await row.getByTestId('rect-action-verify').waitFor();
    await shot(agent, 'rectification-centre');
    await row.getByTestId('rect-action-verify').click();
    await agent.getByTestId('rect-field-note').fill('已回访诉求人，反映属实，转承办单位整改。');
    await agent.getByTestId('rect-confirm').click();
    await rowLeavesAfterAction(agent, row, 'rect-error'); // left the "to verify" tab
    // Watch the "reported" tab: the unit's report must arrive over the socket, without a reload.
    await agent.getByRole('tab', { name: '已反馈待复核' }).click();
  });

  it('the unit clerk reports the rectification in the department portal', async () => {
    await clerk.goto(`${BASE}/unit/rectifications`);
    const row = clerk.getByTestId('rect-unit').locator('tr', { has: clerk.getByTestId('rect-number').filter({ hasText: number }) });
    await row.waitFor({ timeout: 20_000 });
    assert.equal(await row.getByTestId('rect-action-verify').count(), 0, 'a clerk must not verify');
    await row.getByTestId('rect-action-contest').waitFor();
    await shot(clerk, 'rectification-unit');
    await row.getByTestId('rect-action-report').click();
    await clerk.getByTestId('rect-field-text').fill('已约谈施工单位，夜间施工已停止，已电话告知诉求人。');
    await clerk.getByTestId('rect-confirm').click();
    await rowLeavesAfterAction(clerk, row, 'rect-error');
  });

  it('the centre sees the report live, checks again with the citizen and closes it rectified', async () => {
    const row = agent.getByTestId('rect-centre').locator('tr', { has: agent.getByTestId('rect-number').filter({ hasText: number }) });
    await row.waitFor({ timeout: 20_000 });
    await row.getByTestId('rect-action-confirm').click();
    await agent.getByTestId('rect-field-citizenSatisfied').getByText('满意', { exact: true }).click();
    await agent.getByTestId('rect-confirm').click();
    await rowLeavesAfterAction(agent, row, 'rect-error');
  });

  it('the public review page shows the review and its outcome, anonymised', async () => {
    const unit = await unitNameOf(USERS.clerk);
    await citizen.goto(`${BASE}/track/reviews`);
    await pickOption(citizen, 'pub-unit', unit);
    // The page prints no ticket number (an opaque id instead): the citizen's review is the one with their masked phone.
    const item = citizen
      .getByTestId('pub-review')
      .filter({ hasText: `${phone.slice(0, 3)}****${phone.slice(7)}` })
      .last();
    await item.waitFor({ timeout: 20_000 });
    const text = (await item.textContent()) ?? '';
    assert.match(text, /不满意/);
    assert.match(text, /整改到位/);
    assert.ok(text.includes(`${phone.slice(0, 3)}****${phone.slice(7)}`), `masked phone in: ${text}`);
    assert.ok(!(await citizen.content()).includes(phone), 'the phone number must not appear in clear');
    await item.scrollIntoViewIfNeeded();
    await shot(citizen, 'public-reviews');
  });

  it('an agent records a callback outcome from the task list, by keyboard, and sees what follows', async () => {
    await agent.goto(`${BASE}/agent/callbacks`);
    const first = agent.getByTestId('callback-number').first();
    await first.waitFor({ timeout: 20_000 });
    const cbNumber = (await first.textContent())!.trim();
    const dueRows = agent.getByTestId('callback-number').filter({ hasText: cbNumber });
    const before = await dueRows.count();
    await first.click();
    await agent.getByTestId('outcome-form').waitFor({ timeout: 15_000 });
    await agent.getByTestId('callback-script').click(); // focus stays in the panel, off any text box
    await agent.keyboard.press('s');
    await agent.keyboard.press('4');
    await shot(agent, 'callbacks');
    await agent.keyboard.press('Control+Enter');
    const next = agent.getByTestId('outcome-next');
    await next.waitFor({ timeout: 15_000 });
    assert.match((await next.textContent()) ?? '', /满意，工单保持办结/);
    // A done task leaves the due list.
    for (let i = 0; i < 80 && (await dueRows.count()) >= before; i++) await agent.waitForTimeout(250);
    assert.ok((await dueRows.count()) < before, 'the answered task is still listed as due');
  });
});
