// The administration screens in the browser, as a centre's administrator uses them in its first
// week: admin1 lands on /admin; units, accounts, dispatch rules (with the tester), time limits and
// the holiday calendar, the knowledge base, hotline numbers and the classifier. Each screen: a
// keyboard flow where typing matters, a bad value answered in words, and a reload that keeps it.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPerson } from './browser';
import { stepsWithDiagnosis, watchPage } from './diagnose';
import { BASE, caretIn, login, serverUp, shot, USERS } from './helpers';

const suffix = Date.now().toString(36).slice(-5);

/** Types into an antd Select / TreeSelect that has focus and picks the first match with Enter. */
async function choose(page: Page, text: string) {
  await page.keyboard.type(text);
  await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').first().waitFor();
  await page.keyboard.press('Enter');
}

async function apiLogin(username: string, password: string) {
  return fetch(`${BASE}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ username, password }),
  });
}

describe('administration', () => {
  let browser: Browser;
  let page: Page;
  before(async () => {
    assert.ok(await serverUp(), `no server at ${BASE}/healthz: start one with demo data (npm run demo)`);
    browser = await launchBrowser();
    page = watchPage(await (await newPerson(browser)).newPage());
  });
  after(async () => browser?.close());
  const it = stepsWithDiagnosis(() => [page]);

  it('admin1 lands on the administration screens, with the menu for each', async () => {
    await login(page, USERS.admin);
    await page.waitForURL(/\/admin\/units$/);
    await page.getByTestId('admin-units').getByText('天河区人民政府').waitFor();
    for (const s of ['units', 'users', 'rules', 'sla', 'knowledge', 'templates', 'phrases', 'categories', 'hotlines', 'classifier'])
      await page.getByTestId(`admin-nav-${s}`).waitFor();
    // The header link leads back here from any staff screen.
    await page.goto(`${BASE}/supervisor`);
    await page.getByTestId('admin-link').click();
    await page.waitForURL(/\/admin\/units$/);
  });

  it('units: a street office is added under its district by keyboard; a taken code is refused in words; it survives a reload', async () => {
    await page.goto(`${BASE}/admin/units`);
    await page.getByTestId('admin-units').getByText('天河区人民政府').waitFor();
    await page.getByTestId('unit-new').click();
    const code = page.getByTestId('unit-code');
    await code.waitFor();
    // The code field has the focus: the whole form is filled without the mouse.
    await caretIn(page, 'unit-code');
    await page.keyboard.type('linhe');
    await page.keyboard.press('Tab');
    await caretIn(page, 'unit-name');
    await page.keyboard.type(`天河区测试街道${suffix}`);
    await page.keyboard.press('Tab');
    await choose(page, '街道');
    await page.keyboard.press('Tab');
    await choose(page, '天河区人民');
    await page.keyboard.press('Tab'); // the parent's clear button (the field may be emptied again)
    await page.keyboard.press('Tab');
    await choose(page, '石牌');
    await page.getByTestId('unit-name').press('Enter');
    const err = page.getByTestId('unit-error');
    await err.waitFor();
    assert.match((await err.textContent()) ?? '', /单位编码已被使用/);
    await code.fill(`th-${suffix}`);
    await code.press('Enter');
    await page.getByTestId(`unit-row-th-${suffix}`).waitFor();
    await shot(page, 'admin-units');
    await page.reload();
    const row = page.getByTestId(`unit-row-th-${suffix}`);
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', new RegExp(`天河区测试街道${suffix}`));
  });

  it('users: an account is created by keyboard and its one-time password logs in; a clerk without a unit is refused in words; a locked account is unlocked', async () => {
    await page.goto(`${BASE}/admin/users`);
    await page.getByTestId('user-row-admin1').waitFor();
    await page.getByTestId('user-new').click();
    await page.getByTestId('user-username').waitFor();
    const username = `clerk-${suffix}`;
    await caretIn(page, 'user-username');
    await page.keyboard.type(username);
    await page.keyboard.press('Tab');
    await caretIn(page, 'user-display-name');
    await page.keyboard.type('测试承办员');
    await page.keyboard.press('Tab');
    await choose(page, '承办');
    await page.getByTestId('user-display-name').press('Enter');
    const err = page.getByTestId('user-error');
    await err.waitFor();
    assert.match((await err.textContent()) ?? '', /承办单位账号必须选择所属单位/);
    await page.getByTestId('user-unit').click();
    await choose(page, '林和街道');
    await page.getByTestId('user-display-name').press('Enter');
    const secret = page.getByTestId('user-secret');
    await secret.waitFor();
    const password = ((await secret.textContent()) ?? '').trim();
    assert.match(password, /^[A-Za-z2-9]{16}$/);
    await shot(page, 'admin-user-one-time-password');
    await page.getByTestId('user-secret-done').press('Enter');
    assert.equal((await apiLogin(username, password)).status, 200);

    // Five wrong passwords lock the account (docs/SECURITY.md); the list says so after a reload.
    for (let i = 0; i < 5; i++) await apiLogin(username, 'not-the-password');
    await page.reload();
    const state = page.getByTestId(`user-state-${username}`);
    await state.waitFor();
    assert.match((await state.textContent()) ?? '', /已锁定/);
    assert.equal((await apiLogin(username, password)).status, 401);
    await page.getByTestId(`user-unlock-${username}`).click();
    await page.getByTestId(`user-unlock-${username}`).waitFor({ state: 'detached' });
    assert.equal((await apiLogin(username, password)).status, 200);
    assert.match((await page.getByTestId('user-mfa-admin1').textContent()) ?? '', /未开启|已开启/);
    await shot(page, 'admin-users');

    // A reset gives a new one-time password; the old one stops working.
    await page.getByTestId(`user-reset-${username}`).click();
    await page.getByRole('button', { name: /确\s*定/ }).click();
    await secret.waitFor();
    const next = ((await secret.textContent()) ?? '').trim();
    assert.notEqual(next, password);
    await page.getByTestId('user-secret-done').click();
    assert.equal((await apiLogin(username, password)).status, 401);
    assert.equal((await apiLogin(username, next)).status, 200);
  });

  it('dispatch rules: the tester names the rule and units the real routing picks; a second rule for the same pair is refused in words', async () => {
    await page.goto(`${BASE}/admin/rules`);
    await page.getByTestId('admin-rules').locator('tbody tr').first().waitFor();
    // Keyboard: the category tree-select, the region, Enter to run.
    await page.getByTestId('rule-test-run').click();
    await page.getByText('请选择诉求分类').first().waitFor();
    await page.getByTestId('rule-test-category').click();
    await choose(page, '城乡建设');
    await page.getByTestId('rule-test-region').click();
    await choose(page, '天河区');
    await page.getByTestId('rule-test-run').press('Enter');
    const result = page.getByTestId('rule-test-result');
    await result.waitFor();
    assert.match((await result.textContent()) ?? '', /分类规则.*城乡建设 01.*全部区域/s);
    await shot(page, 'admin-rules-tester');

    await page.getByTestId('rule-new').click();
    await page.getByTestId('rule-category').click();
    await choose(page, '城乡建设');
    await page.getByTestId('rule-lead').click();
    await choose(page, '市住房和城乡');
    await page.getByTestId('rule-save').click();
    const err = page.getByTestId('rule-error');
    await err.waitFor();
    assert.match((await err.textContent()) ?? '', /该分类和区域已有派单规则/);
    await page.keyboard.press('Escape');
    await page.reload();
    await page.getByTestId('rule-edit-01-*').waitFor();
  });

  it('time limits: the presets and policies show; next year is visibly provisional; a make-up workday on a weekday is refused in words', async () => {
    await page.goto(`${BASE}/admin/sla`);
    await page.getByTestId('sla-policies').locator('tbody tr').first().waitFor();
    const year = new Date().getFullYear();
    // The demo loads this year's notice: next year is counted Monday–Friday, and the tab says so.
    await page
      .getByTestId(`holiday-tab-${year + 1}`)
      .filter({ hasText: /暂按周一至周五|已载入/ })
      .waitFor();
    await page.getByTestId(`holiday-tab-${year + 1}`).click();
    const warn = page.getByTestId('holidays-provisional');
    if (await warn.count()) assert.match((await warn.textContent()) ?? '', /暂按周一至周五计算/);
    await shot(page, 'admin-holidays-provisional');

    await page.getByTestId(`holiday-tab-${year}`).click();
    const pane = page.getByTestId(`holidays-${year}`);
    await pane.locator('tbody tr.ant-table-row').first().waitFor();
    const before = await pane.locator('tbody tr.ant-table-row').count();
    await pane.getByTestId('holiday-add').click();
    const date = pane.getByTestId(`holiday-date-${before}`);
    // A Tuesday in March: a weekday cannot be a make-up workday.
    const tuesday = [...Array(7)].map((_, i) => `${year}-03-0${i + 1}`).find((d) => new Date(`${d}T12:00:00Z`).getUTCDay() === 2)!;
    await date.fill(tuesday);
    await pane.getByTestId(`holiday-kind-${before}`).click();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    assert.match((await pane.getByTestId(`holiday-kind-${before}`).textContent()) ?? '', /调休上班/);
    await pane.getByTestId(`holiday-name-${before}`).fill('测试');
    await pane.getByTestId('holidays-save').click();
    const issues = pane.getByTestId('holidays-issues');
    await issues.waitFor();
    assert.match((await issues.textContent()) ?? '', new RegExp(`${tuesday} 是工作日，调休上班只能在周六或周日`));
    await pane.getByTestId('holidays-save').scrollIntoViewIfNeeded();
    await shot(page, 'admin-holidays-refused');
    await page.reload();
    await pane.locator('tbody tr.ant-table-row').first().waitFor();
    assert.equal(await pane.locator('tbody tr.ant-table-row').count(), before, 'nothing was saved');
  });

  it('knowledge base: an article is written by keyboard, published, retired, and stays retired after a reload; dates out of order are refused in words', async () => {
    await page.goto(`${BASE}/admin/knowledge`);
    await page.getByTestId('admin-kb').locator('tbody tr').first().waitFor();
    await page.getByTestId('kb-new').click();
    // A keyboard user types once the caret is in the title, not when the field is painted.
    await caretIn(page, 'kb-title');
    const title = `测试文章${suffix}`;
    await page.keyboard.type(title);
    await page.keyboard.press('Tab');
    // And the body once the caret has moved there (a loaded run typed the body into the title).
    await caretIn(page, 'kb-body');
    await page.keyboard.type('办理居住证须携带身份证和租赁合同。');
    await page.getByTestId('kb-valid-to').fill('2000-01-01');
    await page.getByTestId('kb-save').click();
    await page.getByText('失效日期不能早于生效日期').waitFor();
    await page.getByTestId('kb-valid-to').fill('');
    await page.getByTestId('kb-save').click();
    const row = page.getByTestId(`kb-row-${title}`);
    await row.waitFor();
    const tr = page.locator('tr', { has: row });
    assert.match((await tr.textContent()) ?? '', /已发布/);
    await tr.getByRole('button', { name: /下\s*架/ }).click();
    await page.getByRole('button', { name: /确\s*定/ }).click();
    await tr.getByText('已下架').first().waitFor();
    await shot(page, 'admin-knowledge');
    await page.reload();
    await page.getByTestId(`kb-row-${title}`).waitFor();
    assert.match((await page.locator('tr', { has: page.getByTestId(`kb-row-${title}`) }).textContent()) ?? '', /已下架/);
  });

  it('message templates: the notice’s variables are listed; an undeclared one is named while typing and refused, one the notice does not fill is refused too; a listed one saves and a reload keeps it', async () => {
    await page.goto(`${BASE}/admin/templates`);
    await page.getByTestId('tpl-edit-ticket_received-sms').click();
    assert.match((await page.getByTestId('tpl-known').textContent()) ?? '', /ticketNo、trackUrl、link/);
    const days = `days${suffix}`; // a variable no earlier run declared
    const body = page.getByTestId('tpl-body');
    await body.fill(`您的诉求已受理，工单号{ticketNo}，预计{${days}}个工作日内答复。`);
    await page.getByText(`使用了未声明的变量：${days}`).waitFor();
    assert.match((await page.getByTestId('tpl-preview').textContent()) ?? '', new RegExp(`GZ20260101-0001.*〔${days}〕`));
    await page.getByTestId('tpl-save').click();
    const err = page.getByTestId('tpl-error');
    await err.waitFor();
    assert.match((await err.textContent()) ?? '', /模板使用了未声明的变量/);
    // Keyboard: the variables field takes a name and Enter. Declared, it is still not one this notice fills in.
    await page.getByTestId('tpl-variables').click();
    await page.keyboard.type(days);
    await page.keyboard.press('Enter');
    await page.getByText(`使用了未声明的变量：${days}`).waitFor({ state: 'detached' });
    await page.getByText(`此通知不提供这些变量，保存会被拒绝：${days}`).waitFor();
    await page.getByTestId('tpl-save').click();
    await err.waitFor();
    assert.match((await err.textContent()) ?? '', /模板使用了该通知不提供的变量/);
    await shot(page, 'admin-template-refused');
    // The notice's own variables: the last tag (the unknown one) goes with Backspace, and the template saves.
    await body.fill(`您的诉求已受理，工单号{ticketNo}，可通过{link}查询进度（${suffix}）。`);
    await page.getByTestId('tpl-variables').click();
    await page.keyboard.press('Backspace');
    await page.getByText('此通知不提供这些变量', { exact: false }).waitFor({ state: 'detached' });
    await page.getByTestId('tpl-save').click();
    await page.getByTestId('tpl-save').waitFor({ state: 'detached' });
    await page.reload();
    const row = page.locator('tr', { has: page.getByTestId('tpl-edit-ticket_received-sms') });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', new RegExp(`查询进度（${suffix}）.*ticketNo.*link`));
    assert.doesNotMatch((await row.textContent()) ?? '', new RegExp(days));
    await shot(page, 'admin-templates');
  });

  it('常用语: a phrase is added by keyboard, an empty title is refused in words, and it is there after a reload', async () => {
    await page.goto(`${BASE}/admin/phrases`);
    await page.getByTestId('snip-row-开场白').waitFor();
    await page.getByTestId('snip-new-agent_phrase').click();
    await page.getByTestId('snip-title').waitFor();
    await caretIn(page, 'snip-title');
    await page.keyboard.press('Tab');
    await caretIn(page, 'snip-body');
    await page.keyboard.type('请您稍等，我为您查询一下。');
    await page.getByTestId('snip-title').press('Enter');
    await page.getByText('请填写标题（不超过 40 字）').waitFor();
    await page.getByTestId('snip-title').fill(`稍候${suffix}`);
    await page.getByTestId('snip-title').press('Enter');
    await page.getByTestId(`snip-row-稍候${suffix}`).waitFor();
    await page.reload();
    await page.getByTestId(`snip-row-稍候${suffix}`).waitFor();
    await page.getByTestId('snip-tab-unit_reply').click();
    await page.getByTestId('snip-row-已处理完毕').waitFor();
    await shot(page, 'admin-phrases');
  });

  it('categories: the versions, the tree in force, a CSV export and a comparison of two versions; a reload keeps the screen', async () => {
    await page.goto(`${BASE}/admin/categories`);
    const current = page.getByTestId('admin-categories').locator('[data-testid^=cat-version-]').first();
    await current.waitFor();
    const version = Number(((await current.getAttribute('data-testid')) ?? '').replace('cat-version-', ''));
    await page.getByTestId('cat-tree').getByText('城乡建设').first().waitFor();
    const csv = await page.request.get(`${BASE}/api/admin/category-versions/${version}/export`);
    assert.equal(csv.status(), 200);
    // The catalogue's export (catalog/routes.ts), which imports back unchanged.
    assert.match(await csv.text(), /^\uFEFFcode,name,parent_code,level,.*\r?\n01,城乡建设,,1,/);
    // Keyboard: Tab to the compare button and press Enter.
    await page.getByTestId('cat-diff-run').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('cat-diff-summary').waitFor();
    assert.match((await page.getByTestId('cat-diff-summary').textContent()) ?? '', /新增 \d+，删除 \d+，改名 \d+，移动 \d+/);
    await shot(page, 'admin-categories');
    await page.reload();
    await page.getByTestId(`cat-version-${version}`).waitFor();
  });

  it('hotline numbers and the classifier are in the same place', async () => {
    await page.getByTestId('admin-nav-hotlines').click();
    await page.getByTestId('hotline-lines').getByText('城建服务热线').waitFor();
    await page.getByTestId('admin-nav-classifier').click();
    await page.getByTestId('clf-version').waitFor();
    await page.getByTestId('clf-reload').click();
    // Either the model reloaded, or the server says in words why it could not.
    await page.locator('.ant-message-notice').first().waitFor();
    await shot(page, 'admin-classifier');
    await page.reload();
    await page.getByTestId('clf-version').waitFor();
  });

  it('nobody but the administrator opens /admin', async () => {
    const sup = await (await newPerson(browser)).newPage();
    await login(sup, USERS.supervisor);
    await sup.goto(`${BASE}/admin/users`);
    await sup.waitForURL(/\/supervisor/);
    assert.equal(await sup.getByTestId('admin-link').count(), 0);
  });
});
