import { describe, expect, it } from 'vitest';
import { nextDialSlot } from './dial-window';
import { CalendarYearMissingError } from '../sla/errors';

// 2026-10-01..08 National Day off, 2026-09-27 (Sunday) a make-up workday, as in the State Council notice shape.
const OFF = new Set(['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07', '2026-10-08']);
const ON = new Set(['2026-09-27']);
const cal = {
  isWorkingDay(d: string | Date) {
    const day = new Date((d as Date).getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    if (day.startsWith('2027')) throw new CalendarYearMissingError(2027, [2026]);
    if (OFF.has(day)) return false;
    if (ON.has(day)) return true;
    const wd = new Date(day).getUTCDay();
    return wd >= 1 && wd <= 5;
  },
};
const at = (s: string) => new Date(s);

describe('nextDialSlot (回访外呼 window)', () => {
  it('keeps an instant inside working hours, moves an early one to opening and a late one to the next working morning', () => {
    expect(nextDialSlot(at('2026-11-26T10:30:00+08:00'), cal, 9, 18)).toEqual(at('2026-11-26T10:30:00+08:00'));
    expect(nextDialSlot(at('2026-11-26T07:00:00+08:00'), cal, 9, 18)).toEqual(at('2026-11-26T09:00:00+08:00'));
    expect(nextDialSlot(at('2026-11-27T18:00:00+08:00'), cal, 9, 18)).toEqual(at('2026-11-30T09:00:00+08:00')); // Friday evening → Monday
  });
  it('skips statutory holidays and rings on a make-up workday', () => {
    expect(nextDialSlot(at('2026-09-30T19:00:00+08:00'), cal, 9, 18)).toEqual(at('2026-10-09T09:00:00+08:00'));
    expect(nextDialSlot(at('2026-09-26T12:00:00+08:00'), cal, 9, 18)).toEqual(at('2026-09-27T09:00:00+08:00'));
  });
  it('falls back to Monday–Friday in a year the calendar lacks', () => {
    expect(nextDialSlot(at('2027-01-02T12:00:00+08:00'), cal, 9, 18)).toEqual(at('2027-01-04T09:00:00+08:00'));
  });
});
