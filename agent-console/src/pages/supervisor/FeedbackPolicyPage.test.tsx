// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { I18nProvider } from '../../i18n';
import FeedbackPolicyPage from './FeedbackPolicyPage';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const policy = {
  sampleRate: 0.3,
  callbackDueHours: 72,
  badReviewCallbackDueHours: 24,
  onDissatisfied: 'reopen',
  partlyIsDissatisfied: false,
  maxAttempts: 3,
  rectificationWorkingDays: 15,
  callbackBy: 'agent',
  dialRetryHours: 2,
  dialStartHour: 9,
  dialEndHour: 18,
};
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' } });

describe('<FeedbackPolicyPage>', () => {
  it('shows the sample rate as a percentage, saves it back as a share, and shows the server’s refusal', async () => {
    const puts: unknown[] = [];
    let refuse = false;
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        if ((init.method ?? 'GET') === 'GET') return json(200, { data: policy });
        puts.push(JSON.parse(String(init.body)));
        return refuse
          ? json(400, { status: 400, code: 'VALIDATION_FAILED', message: '输入有误，请检查标出的字段' })
          : json(200, { data: { ...policy, ...(puts.at(-1) as object) } });
      }),
    );
    render(
      <I18nProvider>
        <FeedbackPolicyPage />
      </I18nProvider>,
    );
    const sample = (await screen.findByTestId('policy-samplePercent')) as HTMLInputElement;
    await waitFor(() => expect(sample.value).toBe('30'));
    expect((screen.getByTestId('policy-rectificationWorkingDays') as HTMLInputElement).value).toBe('15');

    fireEvent.change(sample, { target: { value: '50' } });
    fireEvent.change(screen.getByTestId('policy-rectificationWorkingDays'), { target: { value: '5' } });
    fireEvent.click(screen.getByTestId('policy-save'));
    expect((await screen.findByTestId('policy-saved')).textContent).toBe('已保存');
    expect(puts).toHaveLength(1);
    expect(puts[0]).toMatchObject({ sampleRate: 0.5, rectificationWorkingDays: 5, onDissatisfied: 'reopen' });
    expect(puts[0]).not.toHaveProperty('samplePercent');

    refuse = true;
    fireEvent.click(screen.getByTestId('policy-save'));
    expect((await screen.findByTestId('policy-error')).textContent).toBe('输入有误，请检查标出的字段');
    expect(screen.queryByTestId('policy-saved')).toBeNull();
    // Let the button's loading state settle before the DOM goes away.
    await waitFor(() => expect(screen.getByTestId('policy-save').className).not.toMatch(/loading/));
  });
});
