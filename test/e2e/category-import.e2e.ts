// Loading the city's category table on the administration screen (categories.md §1-2): a CSV with
// a bad line is refused whole, naming the line, and nothing is stored; a good one is previewed
// against the tree in force (added, renamed, moved, retired, the old → new code map) and becomes a
// new version only on confirmation; the version's code map is listed; a tag is renamed. By keyboard
// where an administrator would use it: the file button, the confirm button, the tag dialog.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPerson } from './browser';
import { stepsWithDiagnosis, watchPage } from './diagnose';
import { BASE, login, serverUp, shot, USERS } from './helpers';

/**
 * The version in force as exported, changed in the branch 科技与信息产业 (08), which no other browser
 * test classifies under: 0802 renamed in place, 080502 continued by a new code 080504, 080404 moved
 * under 0801, 080203 retired, 0806 added.
 */
function changed(exported: string): string {
  const lines = exported
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter(Boolean);
  const out: string[] = [];
  for (const line of lines) {
    const cells = line.split(',');
    const code = cells[0];
    if (code === '080203') continue;
    if (code === '0802') cells[1] = '科学技术管理';
    if (code === '080404') cells[2] = '0801';
    if (code === '080502') {
      out.push(['080504', '知识产权侵权', '0805', '3', '', '', '', '', '', 'false', '080502'].join(','));
      continue;
    }
    out.push(cells.join(','));
  }
  out.push(['0806', '数据资源管理', '08', '2', '', '', '', '', '', 'true', ''].join(','));
  return `${out.join('\n')}\n`;
}

describe('category table import', () => {
  let browser: Browser;
  let page: Page;
  let base: string;
  let versionsBefore: number;
  before(async () => {
    assert.ok(await serverUp(), `no server at ${BASE}/healthz: start one with demo data (npm run demo)`);
    browser = await launchBrowser();
    page = watchPage(await (await newPerson(browser)).newPage());
    await login(page, USERS.admin);
    const list = (await (await page.request.get(`${BASE}/api/admin/category-versions`)).json()) as { data: { version: number }[] };
    versionsBefore = list.data.length;
    base = await (await page.request.get(`${BASE}/api/admin/category-versions/${list.data[0].version}/export`)).text();
  });
  after(async () => browser?.close());
  const it = stepsWithDiagnosis(() => [page]);

  const upload = (name: string, text: string) =>
    page
      .getByTestId('cat-import')
      .locator('input[type=file]')
      .setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });

  it('a table with one bad line is refused whole: the line is named, and no version is stored', async () => {
    await page.goto(`${BASE}/admin/categories`);
    await page.getByTestId('cat-import').waitFor();
    const good = changed(base);
    const bad = `${good}080601,,0806,3,,,,,,false,\n`;
    const badLine = bad.trimEnd().split('\n').length; // the header is line 1
    await upload('2027版-有误.csv', bad);
    const errors = page.getByTestId('cat-import-errors');
    await errors.waitFor();
    const text = (await page.getByTestId(`cat-import-error-line-${badLine}`).textContent()) ?? '';
    assert.match(text, new RegExp(`第 ${badLine} 行（name）`));
    assert.equal(await page.getByTestId('cat-import-preview').count(), 0);
    assert.equal(await page.getByTestId('cat-import-confirm').count(), 0);
    const list = (await (await page.request.get(`${BASE}/api/admin/category-versions`)).json()) as { data: unknown[] };
    assert.equal(list.data.length, versionsBefore);
  });

  it('a good table is previewed against the tree in force, and becomes a new version on confirmation (by keyboard)', async () => {
    // The file button is one tab stop (a real button; the system's file dialog is not the page's to drive).
    await page.getByTestId('cat-import-file').focus();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'cat-import-file');
    await upload('2027版.csv', changed(base));
    await page.getByTestId('cat-import-preview').waitFor();
    assert.equal(await page.getByTestId('cat-import-errors').count(), 0);
    const summary = (await page.getByTestId('cat-import-summary').textContent()) ?? '';
    assert.match(summary, /新增 1，改名 2，移动 1，停用 1；将记录 \d+ 条新旧编码对照/);
    const changes = page.getByTestId('cat-import-changes');
    for (const s of ['数据资源管理', '科学技术 → 科学技术管理', '080502 → 080504', '知识产权保护 → 知识产权侵权', '互联网运营管理：0804 → 0801']) {
      await changes.getByText(s).first().waitFor();
    }
    await page.getByTestId('cat-import-label').fill('2027版（本市）');
    // The picture from the card's top: the file, the label, the summary and the changes.
    await page.getByTestId('cat-import').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(page, 'admin-category-import-preview');

    await page.getByTestId('cat-import-confirm').focus();
    await page.keyboard.press('Enter');
    await page.locator('.ant-message-notice', { hasText: /已导入为 v\d+/ }).waitFor();
    const list = (await (await page.request.get(`${BASE}/api/admin/category-versions`)).json()) as { data: { version: number; label: string }[] };
    assert.equal(list.data.length, versionsBefore + 1);
    assert.equal(list.data[0].label, '2027版（本市）');
    await page.getByTestId(`cat-version-${list.data[0].version}`).getByText('现行').waitFor();
    assert.equal(await page.getByTestId('cat-import-preview').count(), 0);
  });

  it("the new version's old → new codes are listed (changes only, then all)", async () => {
    const mapping = page.getByTestId('cat-mapping');
    await mapping.getByTestId('cat-map-row-080502>080504').waitFor();
    assert.match((await mapping.getByTestId('cat-map-row-080502>080504').textContent()) ?? '', /080502 知识产权保护.*080504 知识产权侵权/);
    assert.match((await mapping.getByTestId('cat-map-row-0802>0802').textContent()) ?? '', /科学技术.*科学技术管理/);
    assert.match((await mapping.getByTestId('cat-map-row-r080203').textContent()) ?? '', /停用/);
    assert.equal(await mapping.getByTestId('cat-map-row-01>01').count(), 0);
    await mapping.scrollIntoViewIfNeeded();
    await shot(page, 'admin-category-import-mapping');
    await page.getByTestId('cat-mapping-changes-only').click();
    await mapping.getByTestId('cat-map-row-01>01').waitFor();
  });

  it('a tag is renamed in its dialog by keyboard, and the list shows it after a reload', async () => {
    const tags = page.getByTestId('cat-tags');
    await tags.getByTestId('tag-row-night_time').waitFor();
    await tags.getByTestId('tag-edit-night_time').focus();
    await page.keyboard.press('Enter');
    const name = page.getByTestId('tag-name');
    await name.waitFor();
    await name.fill('夜间（22时至次日6时）');
    await name.press('Enter');
    await page.locator('.ant-message-notice', { hasText: '标签已保存' }).waitFor();
    await tags.getByTestId('tag-row-night_time').getByText('夜间（22时至次日6时）').waitFor();
    // A bad code for a new tag is answered in words inside the dialog.
    await tags.getByTestId('tag-add').click();
    await page.getByTestId('tag-code').fill('Bad Code');
    await page.getByTestId('tag-name').fill('测试');
    await page.getByTestId('tag-name').press('Enter');
    await page.getByText('代码只能是 1–40 位小写字母、数字或下划线').waitFor();
    await page.keyboard.press('Escape');
    await page.reload();
    await tags.getByTestId('tag-row-night_time').getByText('夜间（22时至次日6时）').waitFor();
    await tags.scrollIntoViewIfNeeded();
    await shot(page, 'admin-category-tags');
  });
});
