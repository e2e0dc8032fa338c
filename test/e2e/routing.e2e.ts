// Routing in the console: the centre copies a ticket to a unit (抄送) from the ticket page; the unit's
// clerk finds it in the copies list and marks it read (keyboard only); and asks the hotline to
// connect them with the citizen on a ticket it signed for (先联系后办理), never seeing the number.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ApiClient } from '../helpers/http';
import { launchBrowser, newPerson } from './browser';
import { stepsWithDiagnosis, watchPage } from './diagnose';
import { BASE, login, PASSWORD, serverUp, shot, USERS } from './helpers';

describe('routing: copies and contacting the citizen', () => {
  let browser: Browser;
  let clerk: Page;
  let dispatcher: Page;
  let copied = { id: '', number: '' };
  let signed = '';

  before(async () => {
    assert.ok(await serverUp(), `no server at ${BASE}/healthz: start one with demo data (npm run demo)`);
    const agent = await ApiClient.login(BASE, USERS.agent, PASSWORD);
    const me = await ApiClient.login(BASE, USERS.clerk, PASSWORD);
    const unitId = (await me.get('/api/auth/me')).body.data.user.unitId as string;
    const units = (await agent.get('/api/units')).body.data as { id: string; code: string }[];
    const other = units.find((u) => u.code === 'chengguan')!.id;
    const make = async (content: string, lead: string) => {
      const c = await agent.post('/api/tickets', { channel: 'phone', callerPhone: '13600136001', callerName: '王女士', content });
      assert.equal(c.status, 201, JSON.stringify(c.body));
      assert.equal((await agent.action(c.body.data.id, 'submit', {})).status, 200);
      assert.equal((await agent.action(c.body.data.id, 'dispatch', { leadUnitId: lead })).status, 200);
      return { id: c.body.data.id as string, number: c.body.data.number as string };
    };
    copied = await make(`e2e 抄送 ${Date.now()}：道路施工围挡占用人行道。`, other);
    signed = (await make(`e2e 先联系 ${Date.now()}：小区电梯频繁故障。`, unitId)).id;
    assert.equal((await me.action(signed, 'sign', {})).status, 200);
    browser = await launchBrowser();
    clerk = watchPage(await (await newPerson(browser)).newPage());
    dispatcher = watchPage(await (await newPerson(browser)).newPage());
    await login(clerk, USERS.clerk);
    await login(dispatcher, process.env.E2E_DISPATCHER ?? 'dispatcher1');
  });
  after(async () => browser?.close());
  const it = stepsWithDiagnosis(() => [clerk, dispatcher]);

  it('the dispatcher copies a ticket to the clerk unit from the ticket page', async () => {
    await dispatcher.goto(`${BASE}/agent/tickets/${copied.id}`);
    await dispatcher.getByTestId('action-copy').click();
    await dispatcher.getByTestId('copy-units').click();
    await dispatcher.keyboard.type('住房和城乡建设');
    await dispatcher.keyboard.press('Enter');
    await dispatcher.keyboard.press('Escape');
    await dispatcher.locator('#copy-submit').click();
    await dispatcher.getByText('已抄送').first().waitFor();
  });

  it('the clerk sees the copy, opens it read-only and marks it read', async () => {
    await clerk.goto(`${BASE}/unit/copies`);
    const row = clerk.locator('.ant-table-row', { hasText: copied.number });
    await row.waitFor();
    await shot(clerk, 'unit-copies');
    await row.getByTestId('copy-mark-read').focus();
    await clerk.keyboard.press('Enter');
    await row.waitFor({ state: 'detached' });
  });

  it('the clerk calls the citizen through the masked-number bridge; the number is never shown', async () => {
    await clerk.goto(`${BASE}/unit/tickets/${signed}`);
    await clerk.getByTestId('contact-number').fill('02038880002');
    await clerk.keyboard.press('Enter');
    // The demo bridge answers "connected" when the call ends; the outcome is on the ticket's record.
    await clerk
      .getByTestId('contact-outcome')
      .filter({ hasText: /已接通，通话 \d+ 秒/ })
      .waitFor();
    assert.ok(!(await clerk.content()).includes('13600136001'));
  });
});
