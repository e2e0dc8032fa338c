// The supervisor's report screens against the demo database: 三率 with their definitions, a chart,
// a real Excel export, hotspots from similar appeals, and the wall's today-volume staying live.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe } from 'node:test';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPerson } from './browser';
import { stepsWithDiagnosis, watchPage } from './diagnose';
import { BASE, login, PASSWORD, randomMobile, serverUp, shot, USERS } from './helpers';

/** An agent registers an appeal over the API (the browser flow is flow.e2e.ts's job). */
async function agentSession() {
  const res = await fetch(`${BASE}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ username: USERS.agent, password: PASSWORD }),
  });
  const body = (await res.json()) as { data: { csrfToken: string } };
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return async (content: string, channel = 'phone') => {
    const r = await fetch(`${BASE}/api/tickets`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', cookie, 'X-CSRF-Token': body.data.csrfToken },
      body: JSON.stringify({ channel, callerPhone: randomMobile(), content, appealType: 'complaint', regionCode: '440106001' }),
    });
    assert.equal(r.status, 201, await r.text());
  };
}

describe('supervisor reports', () => {
  let browser: Browser;
  let sup: Page;
  let register: Awaited<ReturnType<typeof agentSession>>;

  before(async () => {
    assert.ok(await serverUp(), `no server at ${BASE}/healthz: start one with demo data (npm run demo)`);
    browser = await launchBrowser();
    sup = watchPage(await (await newPerson(browser)).newPage());
    register = await agentSession();
  });
  after(async () => browser?.close());
  const it = stepsWithDiagnosis(() => [sup]);

  it("the wall's today-by-channel count is the server's, and moves when a ticket arrives", async () => {
    await login(sup, USERS.supervisor);
    await sup.goto(`${BASE}/supervisor`);
    const total = sup.getByTestId('today-total').first();
    await total.filter({ hasText: /\d/ }).waitFor({ timeout: 15_000 });
    const before = Number((await total.textContent())!.replace(/\D/g, ''));
    await register('e2e 报表：今日受理量实时刷新检查', 'web');
    await sup.waitForFunction((n) => Number(document.querySelector('[data-testid=today-total]')?.textContent?.replace(/\D/g, '')) === n, before + 1, {
      timeout: 20_000,
    });
  });

  it('shows 三率 with their definitions and a chart, and exports the table as a real xlsx', async () => {
    await sup.setViewportSize({ width: 1366, height: 1500 });
    await sup.getByTestId('sup-tab-reports').click();
    for (const [code, name] of [
      ['response_rate', '响应率'],
      ['resolution_rate', '解决率'],
      ['satisfaction_rate', '满意率'],
    ]) {
      const fig = sup.getByTestId(`figure-${code}`);
      await fig.filter({ hasText: /\d+\.\d%/ }).waitFor({ timeout: 15_000 });
      assert.match((await sup.getByTestId(`definition-${code}`).textContent()) ?? '', new RegExp(`^${name} = .+÷`));
    }
    // A drawn chart: ECharts renders into a canvas inside the container, with one bar per unit.
    await sup.locator('[data-testid=chart-by-group] canvas').waitFor({ timeout: 15_000 });
    assert.ok(Number(await sup.getByTestId('chart-by-group').getAttribute('data-points')) > 0, 'the by-unit chart has bars');
    await sup.locator('[data-testid=chart-trend] canvas').waitFor();
    await sup.getByTestId('league-table').locator('tbody tr.ant-table-row').first().waitFor();
    await shot(sup, 'reports');

    const [download] = await Promise.all([sup.waitForEvent('download'), sup.getByTestId('export-measures').click()]);
    assert.match(download.suggestedFilename(), /^measures-unit-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const bytes = await readFile((await download.path())!);
    assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'an xlsx is a zip');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as never);
    const sheet = wb.worksheets[0];
    const cells = sheet.getSheetValues().flat().map(String);
    assert.ok(
      cells.some((c) => c.includes('响应率 =')),
      'the sheet carries the definitions',
    );
    assert.ok(cells.includes('合计'), 'the sheet has the total row');
    // Definitions, a blank line, the header, at least one unit, the total.
    assert.ok(sheet.actualRowCount >= 13 + 1 + 1 + 2, `only ${sheet.actualRowCount} rows`);

    const [league] = await Promise.all([sup.waitForEvent('download'), sup.getByTestId('export-league').click()]);
    assert.equal((await readFile((await league.path())!)).subarray(0, 2).toString('latin1'), 'PK');

    // 交叉统计: units × categories, the intake count per cell, and its Excel matrix.
    const cross = sup.getByTestId('cross-table');
    await cross.locator('tbody tr.ant-table-row').first().waitFor({ timeout: 15_000 });
    assert.ok(Number((await cross.locator('tbody tr.ant-table-row').first().locator('td').last().textContent()) ?? '0') > 0, 'a unit row totals its appeals');
    const [matrix] = await Promise.all([sup.waitForEvent('download'), sup.getByTestId('export-cross').click()]);
    const mb = new ExcelJS.Workbook();
    await mb.xlsx.load((await readFile((await matrix.path())!)) as never);
    assert.ok(mb.worksheets[0].getSheetValues().flat().map(String).includes('合计'), 'the matrix has its total row');
  });

  it('lists hotspots ranked by growth with representative appeals', async () => {
    // Four near-identical appeals from one street this week: a cluster that did not exist before.
    for (const tail of ['', '，已经持续一周', '，请尽快处理', '，严重影响休息']) {
      await register(`石牌街道天河东路88号工地夜间施工打桩噪音扰民${tail}`);
    }
    await sup.setViewportSize({ width: 1366, height: 900 });
    await sup.getByTestId('sup-tab-hotspots').click();
    const first = sup.getByTestId('hotspot').filter({ hasText: '打桩' }).first();
    await first.waitFor({ timeout: 20_000 });
    // 4 on a fresh demo database; more if this file ran against the same server before.
    assert.ok(Number(/本期 (\d+) 件/.exec((await first.textContent()) ?? '')?.[1]) >= 4, "the cluster counts this period's appeals");
    assert.match((await first.getByTestId('hotspot-growth').textContent()) ?? '', /新出现|环比/);
    await shot(sup, 'hotspots');
    const [download] = await Promise.all([sup.waitForEvent('download'), sup.getByTestId('export-hotspots').click()]);
    assert.equal((await readFile((await download.path())!)).subarray(0, 2).toString('latin1'), 'PK');
  });
});
