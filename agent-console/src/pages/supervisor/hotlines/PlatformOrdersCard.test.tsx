// @vitest-environment happy-dom
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { I18nProvider, loadLocale, useI18n } from '../../../i18n';
import { PlatformOrdersCard } from './PlatformOrdersCard';

beforeAll(() => loadLocale('en'));
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  localStorage.clear();
});

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
const figures = (platformUnit: string, connected: boolean, unconfigured: number) => ({
  platformUnit,
  peerId: platformUnit,
  pushed: connected ? 2 : 0,
  signed: 0,
  replied: 0,
  closed: 0,
  returned: 0,
  repliedLate: 0,
  open: 0,
  medianReplyHours: null,
  onTimeReplyRate: null,
  connected,
  unconfigured,
});

let switchTo: (l: 'en' | 'zh-CN') => void = () => {};
function Switch() {
  switchTo = useI18n().setLocale;
  return null;
}

describe('<PlatformOrdersCard> on the wall', () => {
  it('shows dispatches to a platform with no configured exchange peer as 未配置对接 with their count, in either language', async () => {
    const asked: string[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        asked.push(url);
        if (url.startsWith('/api/kept-platform-orders')) return json({ data: [] });
        if (url.startsWith('/api/reports/kept-platforms')) {
          return json({ data: [figures('市市场监管局（12315）', false, 3), figures('市税务局（12366）', true, 0)] });
        }
        throw new Error(`unexpected ${url}`);
      }),
    );
    render(
      <MemoryRouter>
        <I18nProvider>
          <Switch />
          <PlatformOrdersCard />
        </I18nProvider>
      </MemoryRouter>,
    );
    const row = await screen.findByTestId('wall-platform-unconfigured');
    expect(row.textContent).toContain('市市场监管局（12315）');
    expect(row.textContent).toContain('未配置对接（3 件未送达）');
    // A connected platform with nothing stuck is not flagged.
    expect(screen.getByTestId('sup-platform-orders').textContent).not.toContain('市税务局（12366）');
    // No open orders does not hide the stuck dispatches behind "none".
    expect(screen.getByTestId('sup-platform-orders').textContent).toContain('暂无未办结的对接平台工单');
    await act(async () => switchTo('en'));
    await waitFor(() => expect(screen.getByTestId('wall-platform-unconfigured').textContent).toContain('Not connected (3 not delivered)'));
    expect(asked.some((u) => /^\/api\/reports\/kept-platforms\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}$/.test(u))).toBe(true);
  });

  it('shows no flag when every platform with dispatches is connected', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => json({ data: url.startsWith('/api/reports/kept-platforms') ? [figures('市税务局（12366）', true, 0)] : [] })),
    );
    render(
      <MemoryRouter>
        <I18nProvider>
          <PlatformOrdersCard />
        </I18nProvider>
      </MemoryRouter>,
    );
    await waitFor(() => expect(screen.getByTestId('sup-platform-orders').textContent).toMatch(/暂无未办结的对接平台工单|No open tickets/));
    await waitFor(() => expect(vi.mocked(fetch).mock.calls.length).toBeGreaterThanOrEqual(2));
    await act(async () => {});
    expect(screen.queryByTestId('wall-platform-unconfigured')).toBeNull();
  });
});
