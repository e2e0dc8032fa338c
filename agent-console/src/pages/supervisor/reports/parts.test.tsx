// @vitest-environment happy-dom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { I18nProvider, loadLocale, useI18n } from '../../../i18n';
import type { Measure } from './api';
import { MeasureFigure } from './parts';
import { volumeBars } from '../stats';

// English is a chunk of its own in the console (i18n/index.tsx); these tests read it.
beforeAll(() => loadLocale('en'));

const response: Measure = {
  code: 'response_rate',
  name: '响应率',
  nameEn: 'Response rate',
  kind: 'ratio',
  numerator: { signed_on_time: 1 },
  denominator: { dispatched: 1 },
  lowerIsBetter: false,
  definition: '响应率 = 时限内签收的派单数 ÷ 派出的派单数（主办单位）',
  definitionEn: 'Response rate = dispatches signed for in time ÷ dispatches sent (lead unit)',
};

let switchTo: (l: 'en' | 'zh-CN') => void = () => {};
function Switch() {
  switchTo = useI18n().setLocale;
  return null;
}

afterEach(() => {
  cleanup();
  localStorage.clear();
});

describe('MeasureFigure', () => {
  it('shows the figure with its name and the definition it was computed by, in either language', async () => {
    render(
      <I18nProvider>
        <Switch />
        <MeasureFigure measure={response} value={0.752} big />
      </I18nProvider>,
    );
    const card = screen.getByTestId('figure-response_rate');
    expect(card.textContent).toContain('响应率');
    expect(card.textContent).toContain('75.2%');
    expect(screen.getByTestId('definition-response_rate').textContent).toBe(response.definition);
    await act(async () => switchTo('en'));
    expect(card.textContent).toContain('Response rate');
    // A shipped measure's definition reads in English in the English console.
    expect(screen.getByTestId('definition-response_rate').textContent).toBe(response.definitionEn);
  });

  it("shows a centre's own rewritten definition as written, in either language", async () => {
    const edited: Measure = { ...response, definition: '响应率 = 中心自定口径', definitionEn: null };
    render(
      <I18nProvider>
        <Switch />
        <MeasureFigure measure={edited} value={0.5} />
      </I18nProvider>,
    );
    await act(async () => switchTo('en'));
    expect(screen.getByTestId('definition-response_rate').textContent).toBe(edited.definition);
  });

  it('shows a dash when the period has no denominator', () => {
    render(
      <I18nProvider>
        <MeasureFigure measure={response} value={null} />
      </I18nProvider>,
    );
    expect(screen.getByTestId('figure-response_rate').textContent).toContain('—');
  });
});

describe("the wall's today-volume bars", () => {
  it('label channels by name, categories by their name, and tickets without a category as unassigned', () => {
    expect(
      volumeBars(
        [
          { key: 'phone', name: null, count: 3 },
          { key: 'web', name: null, count: 1 },
        ],
        (k) => ({ phone: '电话', web: '网站' })[k] ?? k,
        '未分类',
      ),
    ).toEqual([
      { name: '电话', value: 3 },
      { name: '网站', value: 1 },
    ]);
    expect(
      volumeBars(
        [
          { key: '0101', name: '市政设施', count: 2 },
          { key: '-', name: null, count: 1 },
        ],
        (k) => k,
        '未分类',
      ),
    ).toEqual([
      { name: '市政设施', value: 2 },
      { name: '未分类', value: 1 },
    ]);
  });
});
