// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setCsrfToken } from '../api/client';
import type { TicketDetail } from '../api/types';
import { I18nProvider } from '../i18n';
import { ActionBar } from './ActionBar';

const ticket = { id: 't-1', number: 'RX1', allowedActions: ['sign'], version: 3 } as unknown as TicketDetail;

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('action → API', () => {
  it('posts with the CSRF token and language; a 409 shows the server message and reloads the ticket', async () => {
    const fetchMock = vi.fn(async () =>
      new Response(JSON.stringify({ status: 409, code: 'TICKET_STATE_CONFLICT', message: '工单状态已变化，请刷新后重试' }), {
        status: 409,
        headers: { 'Content-Type': 'application/problem+json' },
      }),
    );
    vi.stubGlobal('fetch', fetchMock);
    setCsrfToken('csrf-123');
    const onStale = vi.fn();
    render(
      <I18nProvider>
        <ActionBar ticket={ticket} onDone={() => undefined} onStale={onStale} />
      </I18nProvider>,
    );
    fireEvent.click(screen.getByTestId('action-sign'));
    fireEvent.click(await screen.findByTestId('action-confirm'));
    expect((await screen.findByTestId('action-error')).textContent).toBe('工单状态已变化，请刷新后重试');
    await waitFor(() => expect(onStale).toHaveBeenCalledOnce());
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/tickets/t-1/actions/sign');
    expect(init.method).toBe('POST');
    expect(init.headers).toMatchObject({ 'X-CSRF-Token': 'csrf-123', 'Accept-Language': 'zh-CN' });
  });

  it('does not call the API when the body fails its schema', async () => {
    const fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
    render(
      <I18nProvider>
        <ActionBar ticket={{ ...ticket, allowedActions: ['reply'] }} onDone={() => undefined} />
      </I18nProvider>,
    );
    fireEvent.click(screen.getByTestId('action-reply'));
    fireEvent.click(await screen.findByTestId('action-confirm'));
    expect(await screen.findByText('必填')).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
