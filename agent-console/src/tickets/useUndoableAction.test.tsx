// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { App } from 'antd';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TicketDetail } from '../api/types';
import { I18nProvider } from '../i18n';
import { ActionBar } from './ActionBar';
import { UNDO_SECONDS } from './useUndoableAction';

const ticket = { id: 't-1', number: 'RX1', allowedActions: ['sign'], version: 3 } as unknown as TicketDetail;

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function renderBar(onDone = vi.fn()) {
  const fetchMock = vi.fn(
    async () =>
      new Response(JSON.stringify({ data: { ...ticket, status: 'signed', allowedActions: ['start'] } }), {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
      }),
  );
  vi.stubGlobal('fetch', fetchMock);
  render(
    <I18nProvider>
      <App>
        <ActionBar ticket={ticket} onDone={onDone} />
      </App>
    </I18nProvider>,
  );
  return { fetchMock, onDone };
}

describe('签收 is one click with an undo window', () => {
  it('sends nothing during the window and the sign-for after it, with no confirm dialog', async () => {
    vi.useFakeTimers();
    const { fetchMock, onDone } = renderBar();
    fireEvent.click(screen.getByTestId('action-sign'));
    expect(screen.queryByTestId('action-confirm')).toBeNull();
    expect(screen.getByTestId('undo-toast').textContent).toContain('已签收');
    expect(fetchMock).not.toHaveBeenCalled();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(UNDO_SECONDS * 1000 + 10);
    });
    expect(fetchMock).toHaveBeenCalledOnce();
    expect((fetchMock.mock.calls[0] as unknown as [string])[0]).toBe('/api/tickets/t-1/actions/sign');
    expect(onDone).toHaveBeenCalledOnce();
  });

  it('撤销 (or Ctrl+Z) inside the window: the server never hears of it', async () => {
    vi.useFakeTimers();
    const { fetchMock } = renderBar();
    fireEvent.click(screen.getByTestId('action-sign'));
    fireEvent.click(screen.getByTestId('undo-button'));
    fireEvent.click(screen.getByTestId('action-sign'));
    fireEvent.keyDown(window, { key: 'z', ctrlKey: true });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(UNDO_SECONDS * 2000);
    });
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
