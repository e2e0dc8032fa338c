import { describe, expect, it } from 'vitest';
import { deadlinesFromRows, nextWakeAt } from './dispatch-deadlines.js';
import { CalendarInputError, CalendarYearMissingError } from './errors.js';
import { SHIPPED_HOLIDAY_ROWS } from './holidays.js';
import { policyToRow } from './policy-rows.js';
import { SlaPolicyNotFoundError } from './policy.js';
import { presetPolicies } from './presets.js';

const at = (s: string) => new Date(s);
const endOf = (date: string) => new Date(new Date(`${date}T00:00:00+08:00`).getTime() + 86_400_000);
const policyRows = presetPolicies('guangdong-2022').map(policyToRow);

describe('deadlinesFromRows (what dispatch stores)', () => {
  it('computes every stored deadline for a complaint dispatched before National Day', () => {
    const d = deadlinesFromRows(
      SHIPPED_HOLIDAY_ROWS,
      policyRows,
      { regionCode: '440106', appealType: 'complaint', urgency: 'normal' },
      at('2025-09-30T10:00:00+08:00'),
    );
    expect(d).toMatchObject({
      signDueAt: endOf('2025-10-09'),
      replyDueAt: endOf('2025-10-28'),
      remindAt: at('2025-10-23T02:30:00+08:00'),
      returnWindowEndsAt: endOf('2025-10-09'),
      supervisionDueAt: endOf('2025-10-31'),
      nextWakeAt: at('2025-10-23T02:30:00+08:00'),
    });
    expect(d.policy).toMatchObject({ appealType: 'complaint', urgency: 'normal', replyLimit: { unit: 'working_days', value: 15 } });
    expect(JSON.parse(JSON.stringify(d.policy))).toEqual(d.policy); // storable as JSON
  });

  it('counts into next year provisionally (Monday–Friday) when its notice is not loaded, and flags it', () => {
    const key = { regionCode: '440106', appealType: 'complaint', urgency: 'normal' };
    const late = deadlinesFromRows(SHIPPED_HOLIDAY_ROWS, policyRows, key, at('2026-12-20T10:00:00+08:00'));
    // 12/21–12/31 = 9 working days, then 1/1, 1/4–1/8 counted as working days: 15th = 2027-01-08.
    expect(late.replyDueAt).toEqual(endOf('2027-01-08'));
    expect(late.provisional).toBe(true);
    const early = deadlinesFromRows(SHIPPED_HOLIDAY_ROWS, policyRows, key, at('2026-11-02T10:00:00+08:00'));
    expect(early.provisional).toBe(false);
  });

  it('falls back to * rows without a region and to `other` without an appeal type', () => {
    const d = deadlinesFromRows(SHIPPED_HOLIDAY_ROWS, policyRows, { regionCode: null, appealType: null, urgency: 'critical' }, at('2025-09-30T23:00:00+08:00'));
    expect(d.replyDueAt).toEqual(at('2025-10-01T23:00:00+08:00'));
  });

  it('throws typed errors instead of storing a guess', () => {
    const key = { regionCode: '440106', appealType: 'complaint', urgency: 'normal' };
    expect(() => deadlinesFromRows([], policyRows, key, at('2025-09-30T10:00:00+08:00'))).toThrow(CalendarInputError); // no holiday rows at all
    const only2025 = SHIPPED_HOLIDAY_ROWS.filter((r) => r.date < '2026');
    expect(() => deadlinesFromRows(only2025, policyRows, key, at('2026-12-20T10:00:00+08:00'))).toThrow(CalendarYearMissingError); // two years past the last notice
    expect(() => deadlinesFromRows(SHIPPED_HOLIDAY_ROWS, [], key, at('2025-09-30T10:00:00+08:00'))).toThrow(SlaPolicyNotFoundError);
    expect(() => deadlinesFromRows(SHIPPED_HOLIDAY_ROWS, policyRows, { ...key, urgency: 'high' }, at('2025-09-30T10:00:00+08:00'))).toThrow(CalendarInputError);
  });
});

describe('nextWakeAt', () => {
  const remindAt = at('2025-10-23T02:30:00+08:00');
  const replyDueAt = endOf('2025-10-28');
  const supervisionDueAt = endOf('2025-10-31');
  it('walks reminder → overdue → supervision → nothing, and stops once replied', () => {
    expect(nextWakeAt({ remindAt, replyDueAt, supervisionDueAt })).toEqual(remindAt);
    expect(nextWakeAt({ remindAt, replyDueAt, supervisionDueAt, remindedAt: remindAt })).toEqual(replyDueAt);
    expect(nextWakeAt({ remindAt, replyDueAt, supervisionDueAt, remindedAt: remindAt, overdueAt: replyDueAt })).toEqual(supervisionDueAt);
    expect(nextWakeAt({ remindAt, replyDueAt, supervisionDueAt, remindedAt: remindAt, overdueAt: replyDueAt, supervisedAt: supervisionDueAt })).toBeNull();
    expect(nextWakeAt({ remindAt, replyDueAt, supervisionDueAt, repliedAt: remindAt })).toBeNull();
  });
});

describe('calendar reuse', () => {
  it('sees an edited holiday at once (the cached calendar is keyed by row content)', () => {
    const key = { regionCode: '440106', appealType: 'consult', urgency: 'normal' };
    const friday = at('2025-03-07T10:00:00+08:00');
    expect(deadlinesFromRows(SHIPPED_HOLIDAY_ROWS, policyRows, key, friday).replyDueAt).toEqual(endOf('2025-03-11'));
    const edited = [...SHIPPED_HOLIDAY_ROWS, { date: '2025-03-10', kind: 'holiday' as const, name: 'test day off' }];
    expect(deadlinesFromRows(edited, policyRows, key, friday).replyDueAt).toEqual(endOf('2025-03-12'));
    expect(deadlinesFromRows(SHIPPED_HOLIDAY_ROWS, policyRows, key, friday).replyDueAt).toEqual(endOf('2025-03-11'));
  });
});
