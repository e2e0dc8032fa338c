// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TicketDetail } from '../../api/types';
import { I18nProvider } from '../../i18n';
import { AuthProvider } from '../../shell/auth';
import { ContactCitizen } from './ContactCitizen';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' } });

function serve(call: () => Response) {
  const fetchMock = vi.fn(async (url: string, init: RequestInit) => {
    const path = url.split('?')[0];
    if (path === '/api/auth/me') {
      return json(200, { data: { user: { id: 'u', username: 'u', displayName: 'U', role: 'unit_clerk', unitId: 'unit-1' }, csrfToken: 'x' } });
    }
    if (init.method === 'POST' && path === '/api/tickets/t-1/contact-requests') return json(201, { data: { id: 'req-1', status: 'requested' } });
    if (init.method === 'POST' && path === '/api/contact-requests/req-1/call') return call();
    return json(404, { code: 'NOT_FOUND' });
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

const ticket = { id: 't-1', number: 'RX1', status: 'in_progress', dispatches: [{ unitId: 'unit-1', status: 'in_progress' }] } as unknown as TicketDetail;
const view = () =>
  render(
    <I18nProvider>
      <AuthProvider>
        <ContactCitizen ticket={ticket} />
      </AuthProvider>
    </I18nProvider>,
  );

describe('<ContactCitizen> (隐私号)', () => {
  it("asks for the call with the clerk's own number, places it through the bridge and shows how it went", async () => {
    const fetchMock = serve(() => json(200, { data: { id: 'req-1', status: 'connected', via: 'bridge', talkSeconds: 42, outcomeAt: '2026-12-06T03:00:00Z' } }));
    view();
    fireEvent.change(await screen.findByTestId('contact-number'), { target: { value: '02088886666' } });
    fireEvent.click(screen.getByTestId('contact-request'));
    expect((await screen.findByTestId('contact-outcome')).textContent).toContain('已接通，通话 42 秒');
    const posted = fetchMock.mock.calls.filter(([, init]) => init.method === 'POST').map(([url, init]) => [url, init.body]);
    expect(posted).toEqual([
      ['/api/tickets/t-1/contact-requests', JSON.stringify({ callbackNumber: '02088886666' })],
      ['/api/contact-requests/req-1/call', '{}'],
    ]);
  });

  it("says so when the call did not connect, and shows the server's reason when calls are off", async () => {
    serve(() => json(200, { data: { id: 'req-1', status: 'no_answer', via: 'bridge', talkSeconds: null, outcomeAt: '2026-12-06T03:00:00Z' } }));
    view();
    fireEvent.change(await screen.findByTestId('contact-number'), { target: { value: '8001' } });
    fireEvent.click(screen.getByTestId('contact-request'));
    expect((await screen.findByTestId('contact-outcome')).textContent).toContain('诉求人未接听');
    cleanup();
    const off = '隐私号通话暂未开通，请联系热线中心代为联系诉求人';
    serve(() => json(503, { code: 'MASKED_CALL_UNAVAILABLE', status: 503, title: off, message: off }));
    view();
    fireEvent.change(await screen.findByTestId('contact-number'), { target: { value: '8001' } });
    fireEvent.click(screen.getByTestId('contact-request'));
    expect(await screen.findByText(/隐私号通话暂未开通/)).toBeTruthy();
  });
});
