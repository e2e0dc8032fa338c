// The console as a centre's daily tool (issue 16): the unit's one-click sign-for with undo and its
// structured reply; the agent desk's knowledge search, 直办 and SMS from the keyboard; validation
// messages that clear; the wall's call figures and an agent leaving it on logout; the short tracking code.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ApiClient } from '../helpers/http';
import { signRequest } from '../../integrations/shared/hmac';
import { launchBrowser, newPerson } from './browser';
import { stepsWithDiagnosis, watchPage } from './diagnose';
import { act, BASE, devSmsCode, login, PASSWORD, pickOption, randomMobile, serverUp, shot, USERS, waitStatus } from './helpers';

async function dispatchedTicket(agent: ApiClient, unitId: string, content: string) {
  const created = await agent.post('/api/tickets', { channel: 'phone', callerPhone: '13600136001', callerName: '赵先生', content });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.data.id as string;
  assert.equal((await agent.action(id, 'submit', {})).status, 200);
  assert.equal((await agent.action(id, 'dispatch', { leadUnitId: unitId })).status, 200);
  return id;
}

/** A field's error message is gone (antd animates it out, so wait rather than count once). */
async function cleared(item: import('playwright-core').Locator, what: string) {
  await item
    .locator('.ant-form-item-explain-error')
    .first()
    .waitFor({ state: 'detached', timeout: 3000 })
    .catch(async () => assert.fail(`${what}: still shows "${await item.locator('.ant-form-item-explain-error').first().textContent()}"`));
}

describe('daily tool', () => {
  let browser: Browser;
  let clerk: Page;
  let agent: Page;
  let ticketId = '';

  before(async () => {
    assert.ok(await serverUp(), `no server at ${BASE}/healthz: start one with demo data (npm run demo)`);
    const agentApi = await ApiClient.login(BASE, USERS.agent, PASSWORD);
    const me = await ApiClient.login(BASE, USERS.clerk, PASSWORD);
    const unitId = (await me.get('/api/auth/me')).body.data.user.unitId as string;
    ticketId = await dispatchedTicket(agentApi, unitId, `e2e 日常 ${Date.now()}：小区电梯经常停运，物业不处理。`);
    browser = await launchBrowser();
    clerk = watchPage(await (await newPerson(browser)).newPage());
    agent = watchPage(await (await newPerson(browser)).newPage());
    await login(clerk, USERS.clerk);
    await login(agent, USERS.agent);
  });
  after(async () => browser?.close());
  const it = stepsWithDiagnosis(() => [clerk, agent]);

  it('签收 is one click with an undo window; 撤销 sends nothing, and the deadline stays after signing', async () => {
    await clerk.goto(`${BASE}/unit/tickets/${ticketId}`);
    await waitStatus(clerk, 'dispatched');
    await clerk.getByTestId('action-sign').click();
    await clerk.getByTestId('undo-toast').waitFor();
    assert.equal(await clerk.locator('.ant-modal-wrap').filter({ visible: true }).count(), 0, 'no confirm dialog');
    await shot(clerk, 'unit-sign-undo');
    await clerk.getByTestId('undo-button').click();
    await clerk.waitForTimeout(6000); // past the window: nothing was sent
    await clerk.reload();
    await waitStatus(clerk, 'dispatched');
    // From the keyboard: focus the button, Enter, then Ctrl+Z undoes too.
    await clerk.getByTestId('action-sign').focus();
    await clerk.keyboard.press('Enter');
    await clerk.getByTestId('undo-toast').waitFor();
    await clerk.keyboard.press('Control+z');
    await clerk.getByTestId('undo-toast').waitFor({ state: 'detached' });
    await clerk.waitForTimeout(5500);
    await clerk.reload();
    await waitStatus(clerk, 'dispatched');
    // Now for real: the status changes once the window has passed.
    await act(clerk, 'sign');
    await waitStatus(clerk, 'signed', 20_000);
    const due = (await clerk.getByTestId('sign-due').first().textContent()) ?? '';
    assert.match(due, /签收/, `签收时限 column after signing: ${due}`);
    assert.match(due, /\d{2}[-/]\d{2}|\d{1,2}月/, `the deadline is still shown: ${due}`);
    await act(clerk, 'start');
    await waitStatus(clerk, 'in_progress', 20_000);
  });

  it('a reply starts from a template and carries 办理结果, 是否联系市民 and the contact time onto the timeline', async () => {
    await clerk.getByTestId('action-reply').click();
    // Confirm empty: one message per field, no "required" beside a filled field.
    await clerk.getByTestId('action-confirm').click();
    await clerk.getByText('必填').first().waitFor();
    await pickOption(clerk, 'reply-template', '现场核查并已处理');
    // The template fills the text on the next render, not within the click: wait for it, then read it.
    await clerk.waitForFunction(() => /经核查/.test((document.querySelector('[data-testid=field-text]') as HTMLTextAreaElement | null)?.value ?? ''), null, {
      timeout: 10_000,
    });
    assert.match(await clerk.getByTestId('field-text').inputValue(), /经核查/);
    const textItem = clerk.locator('.ant-form-item', { has: clerk.getByTestId('field-text') });
    await cleared(textItem, 'the text error cleared once the template filled it');
    await clerk.getByTestId('field-text').fill('经核查，电梯控制柜故障，已督促物业更换配件，电梯已恢复运行。');
    await clerk.getByTestId('field-citizenContacted-yes').check();
    await clerk.getByTestId('action-confirm').click();
    // Contacted without a time: exactly one message, on the time field.
    await clerk.getByText('联系过市民时请填写联系时间').waitFor();
    // The browser's local time (the test browser runs in the machine's zone), to the minute: "just now".
    const when = await clerk.evaluate(() => {
      const d = new Date();
      d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
      return d.toISOString().slice(0, 16);
    });
    await clerk.getByTestId('field-contactedAt').fill(when);
    await shot(clerk, 'unit-reply-fields');
    await clerk.getByTestId('action-confirm').click();
    await waitStatus(clerk, 'replied', 20_000);
    const details = (await clerk.getByTestId('reply-details').first().textContent()) ?? '';
    assert.match(details, /办理结果：已解决/);
    assert.match(details, /已联系市民/);
    assert.match((await clerk.getByTestId('reply-due').first().textContent()) ?? '', /答复/, 'the reply deadline stays, with when it was replied');
    await clerk.getByTestId('reply-details').first().scrollIntoViewIfNeeded();
    await shot(clerk, 'unit-reply-timeline');
  });

  it('agent desk: Alt+K searches the knowledge base, ↓ picks, Alt+Z answers directly and closes citing the article', async () => {
    await agent.goto(`${BASE}/agent`);
    await agent.getByTestId('presence').waitFor();
    await agent.keyboard.press('Alt+n');
    await agent.getByTestId('reg-phone').waitFor();
    await agent.getByTestId('reg-phone').fill(randomMobile());
    await agent.getByTestId('reg-content').fill('请问外地来的怎么办居住证，要带什么材料？');
    await agent.keyboard.press('Alt+k');
    await agent.keyboard.type('居住证');
    await agent.getByTestId('kb-hit').first().waitFor({ timeout: 10_000 });
    assert.match((await agent.getByTestId('kb-hit').first().textContent()) ?? '', /居住证办理流程/);
    // ↓/↑ move the choice (the search box keeps the focus); the first hit is chosen again.
    await agent.keyboard.press('ArrowDown');
    await agent.keyboard.press('ArrowUp');
    assert.equal(await agent.getByTestId('kb-hit').first().getAttribute('aria-selected'), 'true');
    await shot(agent, 'agent-knowledge-search');
    await agent.keyboard.press('Alt+z');
    await agent.getByTestId('kb-answer').waitFor();
    await agent.waitForFunction(() => /派出所/.test((document.querySelector('[data-testid=kb-answer]') as HTMLTextAreaElement)?.value ?? ''));
    await shot(agent, 'agent-knowledge-direct');
    await agent.getByTestId('kb-answer').press('Control+Enter');
    await agent.waitForURL(/\/agent\/tickets\//, { timeout: 20_000 });
    await waitStatus(agent, 'closed', 20_000);
    assert.match((await agent.getByTestId('timeline').textContent()) ?? '', /居住证办理流程/);
  });

  it('agent desk: Alt+X texts the answer to the caller, on the timeline', async () => {
    await agent.keyboard.press('Alt+n');
    await agent.getByTestId('reg-phone').fill(randomMobile());
    await agent.getByTestId('reg-content').fill('想了解住房公积金提取需要什么条件');
    await agent.getByTestId('kb-hit').first().waitFor({ timeout: 10_000 });
    await agent.keyboard.press('Alt+x');
    await agent.getByTestId('kb-send-sms').waitFor();
    assert.equal(await agent.getByTestId('kb-send-sms').isChecked(), true);
    await agent.getByTestId('kb-answer').press('Control+Enter');
    await agent.waitForURL(/\/agent\/tickets\//, { timeout: 20_000 });
    await agent.getByText('知识库答复已短信发送').waitFor({ timeout: 20_000 });
  });

  it('agent desk: a validation message clears once the field is fixed, and never two at once', async () => {
    await agent.keyboard.press('Alt+n');
    await agent.getByTestId('reg-phone').fill('12345');
    await agent.getByTestId('reg-submit').click();
    const phoneItem = agent.locator('.ant-form-item', { has: agent.getByTestId('reg-phone') });
    const contentItem = agent.locator('.ant-form-item', { has: agent.getByTestId('reg-content') });
    await phoneItem.locator('.ant-form-item-explain-error').first().waitFor();
    assert.equal(await phoneItem.locator('.ant-form-item-explain-error').count(), 1, 'one message on the phone field');
    assert.equal(await contentItem.locator('.ant-form-item-explain-error').count(), 1, 'one message on the content field');
    await agent.getByTestId('reg-phone').fill('13800138000');
    await agent.getByTestId('reg-content').fill('路灯坏了');
    await cleared(phoneItem, 'phone message cleared');
    await cleared(contentItem, 'content message cleared');
    await agent.getByTestId('reg-clear').click();
  });

  it('the wall: call figures from the server, and an agent who logs out leaves it; the next agent on the PC starts clean', async () => {
    const sup = await (await newPerson(browser)).newPage();
    await login(sup, USERS.supervisor);
    await sup.goto(`${BASE}/supervisor`);
    await sup.getByTestId('sup-calls-waiting').waitFor();
    const cti = process.env.E2E_CTI_KEY;
    if (cti) {
      // A caller ringing now: the wall counts them in the queue (server: CTI events → queue-counts).
      const [keyId, secret] = cti.split(':');
      const callId = `e2e-queue-${Date.now()}`;
      const body = JSON.stringify([
        {
          eventId: `${callId}-1`,
          callId,
          type: 'ringing',
          at: new Date(Date.now() - 15_000).toISOString(),
          direction: 'inbound',
          caller: randomMobile(),
          callee: '12345',
        },
      ]);
      const path = '/channels/phone/events';
      const res = await fetch(BASE + path, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'application/json', ...signRequest({ keyId, secret, method: 'POST', path, body }) },
      });
      assert.ok(res.ok, `CTI webhook answered ${res.status}`);
      await sup.reload();
      await sup.waitForFunction(
        () => /[1-9]/.test(document.querySelector('[data-testid=sup-calls-waiting] .ant-statistic-content-value')?.textContent ?? ''),
        null,
        { timeout: 15_000 },
      );
    }
    await sup.getByTestId('sup-calls-after-call').waitFor();
    await sup.getByTestId('sup-agents').getByText('王芳').waitFor({ timeout: 20_000 });
    await shot(sup, 'supervisor-wall-calls');
    // The agent leaves a half-typed call and logs out.
    await agent.keyboard.press('Alt+n');
    await agent.getByTestId('reg-content').fill('上一位坐席没保存的内容');
    await agent.getByTestId('logout').click();
    await agent.waitForURL(/\/login/);
    await sup.getByTestId('sup-agents').getByText('王芳').waitFor({ state: 'detached', timeout: 20_000 });
    // The second agent on the same browser finds nothing of the first one's.
    await login(agent, 'agent2');
    await agent.goto(`${BASE}/agent/new`);
    await agent.getByTestId('reg-content').waitFor();
    assert.equal(await agent.getByTestId('reg-content').inputValue(), '');
    const left = await agent.evaluate(() => Object.entries(localStorage).filter(([k, v]) => k.startsWith('rexian.draft.') && v.includes('上一位坐席')));
    assert.deepEqual(left, [], 'the first agent’s draft is gone');
    await sup.close();
  });

  it('citizen: the receipt shows a 10-character code, and a malformed one is answered in words', async () => {
    const citizen = await (await newPerson(browser, true)).newPage();
    const phone = randomMobile();
    const c = new ApiClient(BASE);
    assert.equal((await c.post('/api/public/sms-codes', { phone, purpose: 'submit' })).status, 202);
    const r = await c.post('/api/public/appeals', { phone, code: await devSmsCode(phone), content: '公交站台顶棚破损漏雨，请维修。' });
    assert.equal(r.status, 201);
    const { number, trackToken } = r.body.data as { number: string; trackToken: string };
    assert.match(trackToken, /^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    await citizen.goto(`${BASE}/track`);
    await citizen.getByRole('tab', { name: '进度查询' }).click();
    await citizen.getByTestId('track-mode').getByText('查询码查询').click();
    await citizen.getByTestId('track-number').fill(number);
    await citizen.getByTestId('track-token').fill('12AB');
    await citizen.getByTestId('track-token').press('Enter');
    // Shown under the field and said once more by the page's live region (for screen readers): the first is the field's.
    await citizen.getByText('查询码为回执上的 10 位字母或数字').first().waitFor();
    await citizen.getByTestId('track-token').fill(trackToken.toLowerCase().replace('-', ' '));
    await citizen.getByTestId('track-token').press('Enter');
    await citizen.getByTestId('public-ticket').waitFor({ timeout: 15_000 });
    await shot(citizen, 'track-short-code');
    await citizen.close();
  });
});
