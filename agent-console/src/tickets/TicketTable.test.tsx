// @vitest-environment happy-dom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TicketSummary } from '../api/types';
import { I18nProvider } from '../i18n';
import { TicketTable } from './TicketTable';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const MINUTE = 60_000;
const row = (i: number, status: string, signDueAt: string, replyDueAt: string) =>
  ({
    id: `t-${i}`,
    number: `RX${i}`,
    status,
    channel: 'phone',
    title: `诉求 ${i}`,
    appealType: 'help',
    urgency: 'normal',
    emergency: false,
    createdAt: new Date(0).toISOString(),
    flags: { overdue: false, reminded: false, supervised: false, escalated: false },
    caller: { name: '张**', phone: '138****5678' },
    signDueAt,
    replyDueAt,
  }) as unknown as TicketSummary;

describe('unit inbox table', () => {
  it('counts down 签收时限 and 答复时限 on one shared clock: a deadline that passes turns overdue without a new list', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const now = Date.now();
    const rows = [row(1, 'dispatched', new Date(now + 20 * MINUTE).toISOString(), new Date(now + 3 * 24 * 60 * MINUTE).toISOString())];
    render(
      <I18nProvider>
        <TicketTable rows={rows} loading={false} onOpen={() => {}} variant="unit" />
      </I18nProvider>,
    );
    const levels = () => screen.getAllByTestId('countdown').map((el) => el.getAttribute('data-level'));
    expect(levels()).toEqual(['soon', 'ok']);
    act(() => vi.advanceTimersByTime(30 * MINUTE));
    expect(levels()).toEqual(['overdue', 'ok']);
    // Signed: the sign-for column keeps the time it was due, the reply countdown goes on.
    cleanup();
    render(
      <I18nProvider>
        <TicketTable rows={[{ ...rows[0], status: 'signed' }]} loading={false} onOpen={() => {}} variant="unit" />
      </I18nProvider>,
    );
    expect(levels()).toEqual(['ok']);
  });
});
