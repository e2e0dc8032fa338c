// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RECTIFICATION_TRANSITIONS } from '../../../server/reviews/states';
import { I18nProvider } from '../i18n';
import { RealtimeContext, type RealtimeValue } from '../realtime/RealtimeProvider';
import { RatingForm } from '../pages/track/RatingForm';
import { CallbackLinkForm, callbackLinkFrom } from '../pages/track/CallbackLinkForm';
import { AuthProvider } from '../shell/auth';
import { RectificationList } from './RectificationList';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' } });

/** A fake server: path → answer; every call is kept for assertions. */
function serve(routes: Record<string, (init: RequestInit) => Response>) {
  const fetchMock = vi.fn(async (url: string, init: RequestInit) => {
    const path = url.split('?')[0];
    const route = routes[`${init.method ?? 'GET'} ${path}`];
    return route ? route(init) : json(404, { status: 404, code: 'NOT_FOUND' });
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

const rect = {
  id: 'r-1',
  ticketId: 't-1',
  ticketNumber: '2026112600042',
  ticketTitle: '夜间施工噪声',
  score: 2,
  comment: '没人处理',
  unitId: 'u-1',
  unitName: '市住建局',
  status: 'rectifying',
  dueAt: '2099-01-01T00:00:00Z',
  overdue: false,
  verifyNote: '已核实',
  reportText: null,
  contestReason: null,
  outcome: null,
  outcomeNote: null,
  closedAt: null,
  createdAt: '2026-11-26T00:00:00Z',
};

describe('<RectificationList> for a unit clerk', () => {
  it('offers the actions the server table allows, and reports the rectification with its text', async () => {
    const fetchMock = serve({
      'GET /api/auth/me': () =>
        json(200, {
          data: { user: { id: 'c', username: 'c', displayName: '办事员', role: 'unit_clerk', unitId: 'u-1', unitName: '市住建局' }, csrfToken: 'x' },
        }),
      'GET /api/meta/rectification-transitions': () => json(200, { data: RECTIFICATION_TRANSITIONS }),
      'GET /api/rectifications': () => json(200, { data: [rect] }),
      'POST /api/rectifications/r-1/actions/report': () => json(200, { data: { ...rect, status: 'reported' } }),
    });
    render(
      <I18nProvider>
        <AuthProvider>
          <RectificationList firstTab="rectifying" testId="rect-unit" />
        </AuthProvider>
      </I18nProvider>,
    );
    const row = (await screen.findByText('2026112600042')).closest('tr')!;
    await waitFor(() => expect(within(row).getByTestId('rect-action-report')).toBeTruthy());
    expect(within(row).getByTestId('rect-action-contest')).toBeTruthy();
    expect(within(row).queryByTestId('rect-action-verify')).toBeNull();
    fireEvent.click(within(row).getByTestId('rect-action-report'));
    // Empty report: refused in the form, nothing posted.
    fireEvent.click(await screen.findByTestId('rect-confirm'));
    expect(await screen.findByText('必填')).toBeTruthy();
    fireEvent.change(screen.getByTestId('rect-field-text'), { target: { value: '已约谈施工单位并停止夜间作业' } });
    fireEvent.click(screen.getByTestId('rect-confirm'));
    await waitFor(() => expect(fetchMock.mock.calls.some(([u]) => String(u).endsWith('/actions/report'))).toBe(true));
    const [, init] = fetchMock.mock.calls.find(([u]) => String(u).endsWith('/actions/report'))!;
    expect(JSON.parse(String(init.body))).toEqual({ text: '已约谈施工单位并停止夜间作业' });
  });
});

describe('<RatingForm>', () => {
  const renderForm = (trackToken: string | null) =>
    render(
      <I18nProvider>
        <RatingForm number="2026112600042" trackToken={trackToken} phone="13800138000" />
      </I18nProvider>,
    );

  it('with the tracking token asks no phone, and shows the server’s message on a second, different rating', async () => {
    const fetchMock = serve({
      'POST /api/public/ratings': () => json(409, { status: 409, code: 'RATING_ALREADY_SUBMITTED', message: '该工单已评价，不能重复评价' }),
    });
    renderForm('a'.repeat(32));
    expect(screen.queryByTestId('rating-phone')).toBeNull();
    fireEvent.click(screen.getByText('不满意'));
    fireEvent.click(screen.getByTestId('rating-submit'));
    expect((await screen.findByTestId('rating-error')).textContent).toBe('该工单已评价，不能重复评价');
    const [, init] = fetchMock.mock.calls[0];
    expect(JSON.parse(String(init.body))).toEqual({ number: '2026112600042', score: 2, trackToken: 'a'.repeat(32) });
  });

  it('without the token asks for the phone and a code, and thanks the citizen', async () => {
    const fetchMock = serve({
      'POST /api/public/ratings': () => json(201, { data: { id: 'x', score: 5, label: '非常满意', bad: false, duplicate: false } }),
    });
    renderForm(null);
    fireEvent.click(screen.getByText('非常满意'));
    fireEvent.click(screen.getByTestId('rating-submit'));
    expect(await screen.findByText('请输入 4–8 位验证码')).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
    fireEvent.change(screen.getByTestId('rating-code'), { target: { value: '123456' } });
    fireEvent.click(screen.getByTestId('rating-submit'));
    expect((await screen.findByTestId('rating-done')).textContent).toBe('感谢您的评价：非常满意');
    expect(JSON.parse(String(fetchMock.mock.calls[0][1].body))).toMatchObject({ phone: '13800138000', code: '123456', score: 5 });
  });
});

describe('<RectificationList> realtime', () => {
  it('refetches the cases on a ticket invalidate and on reconnect; the transition table only on reconnect', async () => {
    const fetchMock = serve({
      'GET /api/auth/me': () =>
        json(200, { data: { user: { id: 'a', username: 'a', displayName: '坐席', role: 'agent', unitId: null, unitName: null }, csrfToken: 'x' } }),
      'GET /api/meta/rectification-transitions': () => json(200, { data: RECTIFICATION_TRANSITIONS }),
      'GET /api/rectifications': () => json(200, { data: [] }),
    });
    const count = (path: string) => fetchMock.mock.calls.filter(([u]) => String(u).split('?')[0] === path).length;
    const base: RealtimeValue = { state: 'connected', epoch: 0, socket: null, lastInvalidate: null };
    const tree = (v: RealtimeValue) => (
      <I18nProvider>
        <AuthProvider>
          <RealtimeContext.Provider value={v}>
            <RectificationList firstTab="verifying" testId="rect-centre" />
          </RealtimeContext.Provider>
        </AuthProvider>
      </I18nProvider>
    );
    const view = render(tree(base));
    await waitFor(() => expect(count('/api/rectifications')).toBe(1));
    expect(count('/api/meta/rectification-transitions')).toBe(1);
    // A rating or rectification event on some ticket (the outbox relays it as a ticket invalidate).
    view.rerender(tree({ ...base, lastInvalidate: { seq: 1, msg: { topic: 'ticket', ids: ['t-9'], cause: 'rectification.opened' } } }));
    await waitFor(() => expect(count('/api/rectifications')).toBe(2), { timeout: 3000 });
    expect(count('/api/meta/rectification-transitions')).toBe(1);
    await act(async () => {
      view.rerender(tree({ ...base, epoch: 1, lastInvalidate: { seq: 1, msg: { topic: 'ticket', ids: ['t-9'] } } }));
    });
    await waitFor(() => expect(count('/api/rectifications')).toBe(3), { timeout: 3000 });
    await waitFor(() => expect(count('/api/meta/rectification-transitions')).toBe(2), { timeout: 3000 });
  });
});

describe('<CallbackLinkForm> (the callback SMS / WeChat link)', () => {
  const id = '6f1c2b9e-1d2a-4c3b-9a8e-0123456789ab';
  it('reads the link, requires solved-or-not and a score, and posts them with the link token only', async () => {
    expect(callbackLinkFrom('?callback=nope&token=1')).toBeNull();
    const link = callbackLinkFrom(`?callback=${id}&token=${'b'.repeat(32)}`)!;
    const fetchMock = serve({
      // The link answered the callback itself: no call is still to come, so none is promised (issue 15, item 14).
      'POST /api/public/ratings': () => json(201, { data: { id: 'x', score: 2, label: '不满意', bad: true, duplicate: false, callbackPending: false } }),
    });
    render(
      <I18nProvider>
        <CallbackLinkForm callbackId={link.callbackId} token={link.token} />
      </I18nProvider>,
    );
    fireEvent.click(screen.getByTestId('callback-link-submit'));
    expect(await screen.findByText('请选择是否解决')).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
    fireEvent.click(screen.getByText('未解决'));
    fireEvent.click(screen.getByText('不满意'));
    fireEvent.click(screen.getByTestId('callback-link-submit'));
    expect((await screen.findByTestId('callback-link-done')).textContent).toBe('感谢您的评价：不满意');
    expect(screen.getByText('您的评价已转承办单位整改，整改情况将在好差评公示页公开。')).toBeTruthy();
    expect(screen.queryByText('我们将回访核实，并督促承办单位整改。')).toBeNull();
    expect(JSON.parse(String(fetchMock.mock.calls[0][1].body))).toEqual({ callbackId: id, token: 'b'.repeat(32), result: 'unsolved', score: 2 });
  });
});
