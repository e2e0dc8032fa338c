// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from 'antd';
import type { TicketDetail } from '../api/types';
import { I18nProvider } from '../i18n';
import { AuthProvider } from '../shell/auth';
import { SupervisionPanel } from './SupervisionPanel';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' } });

function serve(role: string, routes: Record<string, (init: RequestInit) => Response> = {}) {
  const fetchMock = vi.fn(async (url: string, init: RequestInit) => {
    const path = url.split('?')[0];
    if (path === '/api/auth/me') return json(200, { data: { user: { id: 'u', username: 'u', displayName: 'U', role, unitId: 'unit-1' }, csrfToken: 'x' } });
    const route = routes[`${init.method ?? 'GET'} ${path}`];
    return route ? route(init) : json(200, { data: [] });
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

const ticket = { id: 't-1', number: 'RX1', status: 'in_progress', version: 4 } as unknown as TicketDetail;
const view = () =>
  render(
    <I18nProvider>
      <AuthProvider>
        <App>
          <SupervisionPanel ticket={ticket} />
        </App>
      </AuthProvider>
    </I18nProvider>,
  );

describe('<SupervisionPanel>', () => {
  it('gives a supervisor 催办 and 督办; 督办 posts the note to the ticket', async () => {
    const fetchMock = serve('supervisor', { 'POST /api/tickets/t-1/supervise': () => json(201, { data: {} }) });
    view();
    expect((await screen.findByTestId('sv-urge')).textContent?.replace(/\s/g, '')).toBe('催办');
    fireEvent.click(screen.getByTestId('sv-supervise'));
    fireEvent.change(await screen.findByTestId('sv-text'), { target: { value: '请限期办结' } });
    fireEvent.click(screen.getByTestId('sv-confirm'));
    await waitFor(() => expect(fetchMock.mock.calls.some(([u]) => String(u).endsWith('/supervise'))).toBe(true));
    const [, init] = fetchMock.mock.calls.find(([u]) => String(u).endsWith('/supervise'))!;
    expect(JSON.parse(String((init as RequestInit).body))).toEqual({ note: '请限期办结' });
  });

  it('gives a dispatcher 催办 but not 督办, and a unit clerk progress feedback and the answer to its open case', async () => {
    serve('dispatcher');
    view();
    expect(await screen.findByTestId('sv-urge')).toBeTruthy();
    expect(screen.queryByTestId('sv-supervise')).toBeNull();
    cleanup();
    serve('unit_clerk', {
      'GET /api/tickets/t-1/supervision-cases': () =>
        json(200, {
          data: [
            {
              id: 'c-1',
              ticketId: 't-1',
              unitId: 'unit-1',
              unitName: '市住建局',
              kind: 'supervision',
              source: 'system',
              reason: null,
              raisedAt: '2026-12-01T00:00:00Z',
              responseDueAt: '2099-01-01T00:00:00Z',
              respondedAt: null,
              responseText: null,
              closedAt: null,
              status: 'open',
              late: false,
            },
          ],
        }),
    });
    view();
    expect(await screen.findByTestId('sv-respond-c-1')).toBeTruthy();
    expect(screen.getByTestId('sv-feedback')).toBeTruthy();
    expect(screen.queryByTestId('sv-urge')).toBeNull();
    expect(screen.getByText('超期未办结，系统自动督办')).toBeTruthy();
  });

  it('refuses an empty note without calling the server', async () => {
    const fetchMock = serve('supervisor');
    view();
    fireEvent.click(await screen.findByTestId('sv-urge'));
    fireEvent.click(await screen.findByTestId('sv-confirm'));
    expect(await screen.findByText('请填写内容')).toBeTruthy();
    expect(fetchMock.mock.calls.some(([u]) => String(u).endsWith('/urge'))).toBe(false);
  });
});
