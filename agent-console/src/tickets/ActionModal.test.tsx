// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setCsrfToken } from '../api/client';
import type { TicketDetail } from '../api/types';
import { I18nProvider } from '../i18n';
import { ActionBar } from './ActionBar';

// archive: an action with a confirm form (sign and start are one click with an undo window, useUndoableAction.test.tsx).
const ticket = { id: 't-1', number: 'RX1', allowedActions: ['archive'], version: 3 } as unknown as TicketDetail;

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('action → API', () => {
  it('posts with the CSRF token and language; a 409 shows the server message and reloads the ticket', async () => {
    const fetchMock = vi.fn(
      async () =>
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
    fireEvent.click(screen.getByTestId('action-archive'));
    fireEvent.click(await screen.findByTestId('action-confirm'));
    expect((await screen.findByTestId('action-error')).textContent).toBe('工单状态已变化，请刷新后重试');
    await waitFor(() => expect(onStale).toHaveBeenCalledOnce());
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/tickets/t-1/actions/archive');
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
    expect((await screen.findAllByText('必填')).length).toBeGreaterThan(0);
    expect(fetchMock.mock.calls.filter(([url]) => String(url).includes('/actions/'))).toEqual([]);
  });

  it('uploads a reply file for the ticket, then cites it in the reply', async () => {
    const fetchMock = vi.fn(async (url: string) => {
      const data = url.endsWith('/attachments')
        ? { storageKey: 'att:11111111-2222-4333-8444-555555555555', name: '整改照片.png', mime: 'image/png', size: 4 }
        : url.endsWith('/reply-templates')
          ? []
          : { ...ticket, allowedActions: [] };
      return new Response(JSON.stringify({ data }), { status: url.endsWith('/attachments') ? 201 : 200, headers: { 'Content-Type': 'application/json' } });
    });
    vi.stubGlobal('fetch', fetchMock);
    render(
      <I18nProvider>
        <ActionBar ticket={{ ...ticket, allowedActions: ['reply'] }} onDone={() => undefined} />
      </I18nProvider>,
    );
    fireEvent.click(screen.getByTestId('action-reply'));
    fireEvent.change(await screen.findByTestId('field-text'), { target: { value: '已更换路灯' } });
    fireEvent.mouseDown(screen.getByTestId('field-outcome').querySelector('.ant-select-selector') ?? screen.getByTestId('field-outcome'));
    fireEvent.click(await screen.findByText('已解决'));
    fireEvent.click(screen.getByTestId('field-citizenContacted-no'));
    // The reply-template list is fetched when the form opens; count the other calls.
    const calls = () => fetchMock.mock.calls.filter(([url]) => !String(url).endsWith('/reply-templates'));
    const input = document.querySelector('input[type=file]') as HTMLInputElement;
    fireEvent.change(input, { target: { files: [new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], '整改照片.png', { type: 'image/png' })] } });
    await waitFor(() => expect(calls()).toHaveLength(1));
    const [upUrl, upInit] = calls()[0] as unknown as [string, RequestInit];
    expect(upUrl).toBe('/api/tickets/t-1/attachments');
    expect(upInit.body).toBeInstanceOf(FormData);
    expect(((upInit.body as FormData).get('files') as File).name).toBe('整改照片.png');
    expect(upInit.headers).not.toHaveProperty('Content-Type'); // the browser adds multipart with its boundary
    expect(await screen.findByText('整改照片.png')).toBeTruthy();
    fireEvent.click(screen.getByTestId('action-confirm'));
    await waitFor(() => expect(calls()).toHaveLength(2));
    const [replyUrl, replyInit] = calls()[1] as unknown as [string, RequestInit];
    expect(replyUrl).toBe('/api/tickets/t-1/actions/reply');
    expect(JSON.parse(replyInit.body as string)).toEqual({
      text: '已更换路灯',
      attachments: [{ name: '整改照片.png', storageKey: 'att:11111111-2222-4333-8444-555555555555' }],
      outcome: 'resolved',
      citizenContacted: false,
    });
  });

  it('keeps what the user typed when the ticket is refetched live while the dialog is open (no draft for this action)', async () => {
    const fetchMock = vi.fn(
      async () => new Response(JSON.stringify({ data: { ...ticket, allowedActions: [] } }), { status: 200, headers: { 'Content-Type': 'application/json' } }),
    );
    vi.stubGlobal('fetch', fetchMock);
    const view = (t: TicketDetail) => (
      <I18nProvider>
        <ActionBar ticket={t} onDone={() => undefined} />
      </I18nProvider>
    );
    const r = render(view({ ...ticket, allowedActions: ['reopen'] }));
    fireEvent.click(screen.getByTestId('action-reopen'));
    fireEvent.change(await screen.findByTestId('field-reason'), { target: { value: '回访不满意：夜间施工仍在继续' } });
    // Another event on the ticket (a notice sent, a unit's step): the detail refetches, a new object, same ticket.
    r.rerender(view({ ...ticket, allowedActions: ['reopen'], version: 4 } as TicketDetail));
    await new Promise((res) => setTimeout(res, 50));
    expect((screen.getByTestId('field-reason') as HTMLTextAreaElement).value).toBe('回访不满意：夜间施工仍在继续');
    fireEvent.click(screen.getByTestId('action-confirm'));
    await waitFor(() => expect(fetchMock).toHaveBeenCalledOnce());
    expect(JSON.parse((fetchMock.mock.calls[0] as unknown as [string, RequestInit])[1].body as string)).toMatchObject({
      reason: '回访不满意：夜间施工仍在继续',
    });
  });
});
