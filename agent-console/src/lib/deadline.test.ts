import { beforeAll, describe, expect, it } from 'vitest';
import { loadLocale, translate } from '../i18n';
import { countdownText, dueLevel, formatSpan } from './deadline';

// English is a chunk of its own in the console (i18n/index.tsx); these tests read it.
beforeAll(() => loadLocale('en'));

const H = 3600_000;
const now = Date.parse('2026-11-25T08:00:00Z');
const tZh = (k: string, v?: Record<string, string | number>) => translate('zh-CN', k, v);
const tEn = (k: string, v?: Record<string, string | number>) => translate('en', k, v);

describe('formatSpan', () => {
  it('shows days and hours, dropping minutes once days appear', () => {
    expect(formatSpan(2 * 24 * H + 3 * H + 25 * 60_000, tZh)).toBe('2天3小时');
    expect(formatSpan(2 * 24 * H + 3 * H + 25 * 60_000, tEn)).toBe('2d 3h');
  });
  it('shows hours and minutes under a day, minutes under an hour', () => {
    expect(formatSpan(5 * H + 7 * 60_000, tZh)).toBe('5小时7分钟');
    expect(formatSpan(42 * 60_000, tEn)).toBe('42m');
    expect(formatSpan(10_000, tEn)).toBe('0m');
  });
  it('uses the absolute value (overdue spans read the same)', () => {
    expect(formatSpan(-26 * H, tEn)).toBe('1d 2h');
  });
});

describe('dueLevel', () => {
  it('classifies by time left', () => {
    expect(dueLevel(null, now)).toBe('none');
    expect(dueLevel('not a date', now)).toBe('none');
    expect(dueLevel(new Date(now + 3 * 24 * H).toISOString(), now)).toBe('ok');
    expect(dueLevel(new Date(now + 5 * H).toISOString(), now)).toBe('soon');
    expect(dueLevel(new Date(now - 1).toISOString(), now)).toBe('overdue');
  });
});

describe('countdownText', () => {
  it('reads "left" before the deadline and "overdue by" after, in the chosen language', () => {
    const future = new Date(now + 26 * H).toISOString();
    const past = new Date(now - 3 * H).toISOString();
    expect(countdownText(future, now, tZh)).toEqual({ level: 'ok', text: '剩余 1天2小时' });
    expect(countdownText(past, now, tZh)).toEqual({ level: 'overdue', text: '已超时 3小时' });
    expect(countdownText(past, now, tEn).text).toBe('Overdue by 3h');
    expect(countdownText(undefined, now, tEn)).toEqual({ level: 'none', text: '—' });
  });
});
