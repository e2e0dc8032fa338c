// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { TicketDetail } from '../api/types';
import { I18nProvider } from '../i18n';
import { ActionBar } from './ActionBar';

const ticket = (allowedActions: string[]) => ({ id: 't1', number: 'RX1', allowedActions }) as unknown as TicketDetail;

afterEach(cleanup);

describe('<ActionBar>', () => {
  it('renders one button per allowed action, labelled in zh-CN', () => {
    render(
      <I18nProvider>
        <ActionBar ticket={ticket(['sign', 'request-return'])} onDone={() => undefined} />
      </I18nProvider>,
    );
    expect(screen.getByTestId('action-sign').textContent?.replace(/\s/g, '')).toBe('签收');
    expect(screen.getByTestId('action-request-return')).toBeTruthy();
    expect(screen.queryByTestId('action-reply')).toBeNull();
  });

  it('says so when nothing is allowed', () => {
    render(
      <I18nProvider>
        <ActionBar ticket={ticket([])} onDone={() => undefined} />
      </I18nProvider>,
    );
    expect(screen.getByText('当前状态下无可执行操作')).toBeTruthy();
  });

  it('opens the action form with its fields', async () => {
    render(
      <I18nProvider>
        <ActionBar ticket={ticket(['reply'])} onDone={() => undefined} />
      </I18nProvider>,
    );
    fireEvent.click(screen.getByTestId('action-reply'));
    expect(await screen.findByTestId('field-text')).toBeTruthy();
  });
});
