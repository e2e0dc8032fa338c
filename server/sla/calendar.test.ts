import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCalendar } from './calendar.js';
import { CalendarInputError, CalendarYearMissingError } from './errors.js';
import { SHIPPED_HOLIDAY_ROWS } from './holidays.js';
import { allDates, oracleAddWorkingDays } from './domain-oracle.test-support.js';

const cal = createCalendar(SHIPPED_HOLIDAY_ROWS);
const at = (s: string) => new Date(s);
const wd = (value: number) => ({ unit: 'working_days' as const, value });
/** End of a Shanghai day (24:00 = next day 00:00 +08:00). */
const endOf = (date: string) => new Date(new Date(`${date}T00:00:00+08:00`).getTime() + 86_400_000);
const caught = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e as Error & { code?: string; year?: number };
  }
  throw new Error('expected a throw');
};

describe('addWorkingDays (Civil Code art. 201: start day not counted)', () => {
  it('matches the day-by-day count for every start date of 2025–2026 and several n', () => {
    const mismatches: string[] = [];
    for (const d of allDates()) {
      for (const n of [0, 1, 2, 3, 5, 10, 15]) {
        const expected = oracleAddWorkingDays(d, n);
        if (expected > '2026-12-31') continue; // beyond the loaded years: covered below
        const got = cal.addWorkingDays(d, n);
        if (got !== expected) mismatches.push(`${d}+${n}: ${got} ≠ ${expected}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('steps over each 2025 holiday span to the first working day after it', () => {
    expect(cal.addWorkingDays('2025-01-01', 1)).toBe('2025-01-02'); // 元旦 on a Wednesday
    expect(cal.addWorkingDays('2025-01-27', 1)).toBe('2025-02-05'); // 春节 1/28–2/4
    expect(cal.addWorkingDays('2025-04-03', 1)).toBe('2025-04-07'); // 清明 4/4–4/6
    expect(cal.addWorkingDays('2025-04-30', 1)).toBe('2025-05-06'); // 劳动节 5/1–5/5
    expect(cal.addWorkingDays('2025-05-30', 1)).toBe('2025-06-03'); // 端午 5/31–6/2, month end
    expect(cal.addWorkingDays('2025-09-30', 1)).toBe('2025-10-09'); // 国庆+中秋 10/1–10/8
  });

  it('steps over each 2026 holiday span', () => {
    expect(cal.addWorkingDays('2025-12-31', 1)).toBe('2026-01-04'); // year crossing: 1/1–1/3 off, Sunday 1/4 worked
    expect(cal.addWorkingDays('2026-02-14', 1)).toBe('2026-02-24'); // 春节 2/15–2/23
    expect(cal.addWorkingDays('2026-04-03', 1)).toBe('2026-04-07'); // 清明 4/4–4/6
    expect(cal.addWorkingDays('2026-04-30', 1)).toBe('2026-05-06'); // 劳动节 5/1–5/5
    expect(cal.addWorkingDays('2026-06-18', 1)).toBe('2026-06-22'); // 端午 6/19–6/21
    expect(cal.addWorkingDays('2026-09-24', 1)).toBe('2026-09-28'); // 中秋 9/25–9/27
    expect(cal.addWorkingDays('2026-09-30', 1)).toBe('2026-10-08'); // 国庆 10/1–10/7
  });

  it('counts every make-up workday (调休上班) as a working day', () => {
    const fridayBefore: Array<[string, string]> = [
      ['2025-01-24', '2025-01-26'],
      ['2025-02-07', '2025-02-08'],
      ['2025-04-25', '2025-04-27'],
      ['2025-09-26', '2025-09-28'],
      ['2025-10-10', '2025-10-11'],
      ['2026-01-02', '2026-01-04'],
      ['2026-02-13', '2026-02-14'],
      ['2026-02-27', '2026-02-28'],
      ['2026-05-08', '2026-05-09'],
      ['2026-09-18', '2026-09-20'],
      ['2026-10-09', '2026-10-10'],
    ];
    for (const [from, makeUp] of fridayBefore) {
      expect(cal.isWorkingDay(makeUp)).toBe(true);
      expect(cal.addWorkingDays(from === '2026-01-02' ? '2025-12-31' : from, 1)).toBe(makeUp);
    }
  });

  it('handles month and year ends, and n = 0 rolls forward (art. 203)', () => {
    expect(cal.addWorkingDays('2025-01-31', 1)).toBe('2025-02-05'); // start on a holiday: counted from the next working day
    expect(cal.addWorkingDays('2025-02-28', 1)).toBe('2025-03-03');
    expect(cal.addWorkingDays('2025-12-30', 3)).toBe('2026-01-05');
    expect(cal.addWorkingDays('2026-12-30', 1)).toBe('2026-12-31');
    expect(cal.addWorkingDays('2025-10-01', 0)).toBe('2025-10-09');
    expect(cal.addWorkingDays('2025-10-11', 0)).toBe('2025-10-11');
    expect(cal.rollForward('2026-02-15')).toBe('2026-02-24');
  });

  it('takes an instant and uses its Shanghai date', () => {
    // 2025-09-30T16:30Z is already 10/1 00:30 in Shanghai.
    expect(cal.isWorkingDay(at('2025-09-30T15:59:59Z'))).toBe(true);
    expect(cal.isWorkingDay(at('2025-09-30T16:00:00Z'))).toBe(false);
  });

  it('counts working days in (from, to]', () => {
    expect(cal.countWorkingDays('2025-09-30', '2025-10-28')).toBe(15);
    expect(cal.countWorkingDays('2025-10-28', '2025-09-30')).toBe(-15);
    expect(cal.countWorkingDays('2025-10-01', '2025-10-08')).toBe(0);
  });
});

describe('years without data (never a silent guess)', () => {
  it('throws CalendarYearMissingError naming 2027 when a count runs past 2026', () => {
    const e = caught(() => cal.addWorkingDays('2026-12-31', 1));
    expect(e).toBeInstanceOf(CalendarYearMissingError);
    expect(e.code).toBe('CALENDAR_YEAR_MISSING');
    expect(e.year).toBe(2027);
    expect(e.message).toContain('2027');
    expect(caught(() => cal.computeDeadline(at('2026-12-25T10:00:00+08:00'), wd(15))).message).toContain('2027');
  });

  it('throws for a date inside a missing year, before or after the loaded ones', () => {
    expect(caught(() => cal.isWorkingDay('2027-01-04')).message).toContain('2027');
    expect(caught(() => cal.isWorkingDay('2024-12-31')).message).toContain('2024');
    expect(caught(() => cal.isWorkingDay(at('2026-12-31T16:00:00Z'))).message).toContain('2027'); // 2027-01-01 in Shanghai
  });

  it('throws for a gap year between loaded years', () => {
    const gappy = createCalendar(
      SHIPPED_HOLIDAY_ROWS.filter((r) => r.date < '2026'),
      { years: [2025, 2027] },
    );
    expect(gappy.isWorkingDay('2027-01-04')).toBe(true); // 2027 loaded (explicitly, with no rows)
    const e = caught(() => gappy.addWorkingDays('2025-12-31', 1));
    expect(e).toBeInstanceOf(CalendarYearMissingError);
    expect(e.year).toBe(2026);
    expect(caught(() => gappy.addWorkingDays('2025-12-31', 400)).year).toBe(2026);
  });

  it('counts a provisional year Monday–Friday and says so, still refusing the year after it', () => {
    const ahead = createCalendar(SHIPPED_HOLIDAY_ROWS, { provisionalYears: [2027] });
    expect(ahead.years).toEqual([2025, 2026, 2027]);
    expect(ahead.provisionalYears).toEqual([2027]);
    // 2026-12-31 is a Thursday: 1/1 (Fri) would be New Year's Day, but without the notice it works.
    expect(ahead.addWorkingDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(ahead.addWorkingDays('2026-12-31', 2)).toBe('2027-01-04');
    expect(ahead.isProvisional('2027-01-04')).toBe(true);
    expect(ahead.isProvisional(at('2026-12-31T16:00:00Z'))).toBe(true); // 2027-01-01 in Shanghai
    expect(ahead.isProvisional('2026-12-31')).toBe(false);
    // 2026 keeps its notice: 10/1–10/7 off, then 10/8, 10/9 and the make-up Saturday 10/10.
    expect(ahead.addWorkingDays('2026-09-30', 3)).toBe('2026-10-10');
    const e = caught(() => ahead.addWorkingDays('2027-12-31', 1));
    expect(e).toBeInstanceOf(CalendarYearMissingError);
    expect(e.year).toBe(2028);
    expect(e.message).toContain('loaded: 2025, 2026'); // the provisional year is not "loaded"
    expect(createCalendar(SHIPPED_HOLIDAY_ROWS, { provisionalYears: [2026] }).provisionalYears).toEqual([]); // a loaded year never is
  });

  it('ignores rows of years not asked for', () => {
    const only2026 = createCalendar(SHIPPED_HOLIDAY_ROWS, { years: [2026] });
    expect(only2026.years).toEqual([2026]);
    expect(() => only2026.isWorkingDay('2025-10-01')).toThrow(CalendarYearMissingError);
  });
});

describe('computeDeadline', () => {
  const received = at('2025-09-30T10:00:00+08:00');

  it('house-style example: complaint 2025-09-30 10:00 + 15 working days is due 2025-10-28 24:00', () => {
    // 10/1–10/8 off, Saturday 10/11 worked.
    expect(cal.computeDeadline(received, wd(15))).toEqual(endOf('2025-10-28'));
    expect(cal.computeDeadline(received, wd(15)).toISOString()).toBe('2025-10-28T16:00:00.000Z');
  });

  it('ends at close of business when endOfDay is set', () => {
    expect(cal.computeDeadline(received, wd(15), { endOfDay: '17:30' })).toEqual(at('2025-10-28T17:30:00+08:00'));
  });

  it('counts the receipt day when the policy says so', () => {
    expect(cal.computeDeadline(received, wd(15), { countReceiptDay: true })).toEqual(endOf('2025-10-27'));
    // Received on a holiday: day 1 is the first working day.
    expect(cal.computeDeadline(at('2025-10-03T09:00:00+08:00'), wd(1), { countReceiptDay: true })).toEqual(endOf('2025-10-09'));
  });

  it('moves a ticket received after the cut-off, or on a day off, to the next working day', () => {
    const opts = { afterHoursCutoff: '17:00' };
    expect(cal.computeDeadline(at('2025-09-30T16:59:59+08:00'), wd(15), opts)).toEqual(endOf('2025-10-28'));
    expect(cal.computeDeadline(at('2025-09-30T17:00:00+08:00'), wd(15), opts)).toEqual(endOf('2025-10-29'));
    expect(cal.computeDeadline(at('2025-10-04T09:00:00+08:00'), wd(15))).toEqual(endOf('2025-10-28'));
    expect(cal.computeDeadline(at('2025-10-04T09:00:00+08:00'), wd(15), opts)).toEqual(endOf('2025-10-29'));
    // Cut-off and receipt day together: received Friday evening = received Sunday 9/28 (make-up), counted as day 1.
    expect(cal.computeDeadline(at('2025-09-26T18:00:00+08:00'), wd(2), { ...opts, countReceiptDay: true })).toEqual(endOf('2025-09-29'));
  });

  it('never returns a deadline at or before receipt (close of business already passed)', () => {
    const late = at('2025-09-30T18:00:00+08:00');
    expect(cal.computeDeadline(late, wd(1), { endOfDay: '17:30', countReceiptDay: true })).toEqual(at('2025-10-09T17:30:00+08:00'));
    expect(cal.computeDeadline(late, wd(0), { endOfDay: '17:30' })).toEqual(at('2025-10-09T17:30:00+08:00'));
    expect(cal.computeDeadline(at('2025-10-02T09:00:00+08:00'), wd(0))).toEqual(endOf('2025-10-09'));
  });

  it('adds wall-clock time for hour and minute limits, over midnight and over holidays', () => {
    expect(cal.computeDeadline(at('2025-03-03T22:30:00+08:00'), { unit: 'hours', value: 2 })).toEqual(at('2025-03-04T00:30:00+08:00'));
    expect(cal.computeDeadline(at('2025-09-30T20:00:00+08:00'), { unit: 'hours', value: 24 })).toEqual(at('2025-10-01T20:00:00+08:00'));
    expect(cal.computeDeadline(at('2025-12-31T23:50:00+08:00'), { unit: 'minutes', value: 30 })).toEqual(at('2026-01-01T00:20:00+08:00'));
    // Options are about day counting; a 24-hour service ignores them.
    expect(cal.computeDeadline(at('2025-09-30T20:00:00+08:00'), { unit: 'hours', value: 2 }, { afterHoursCutoff: '17:00' })).toEqual(
      at('2025-09-30T22:00:00+08:00'),
    );
  });

  it('rejects malformed limits and options', () => {
    for (const f of [
      () => cal.computeDeadline(received, wd(-1)),
      () => cal.computeDeadline(received, wd(1.5)),
      () => cal.computeDeadline(received, { unit: 'weeks' as never, value: 1 }),
      () => cal.computeDeadline(received, wd(1), { endOfDay: '25:00' }),
      () => cal.computeDeadline(received, wd(1), { endOfDay: '00:00' }),
      () => cal.computeDeadline(received, wd(1), { afterHoursCutoff: '24:00' }),
      () => cal.computeDeadline(new Date(NaN), wd(1)),
      () => cal.addWorkingDays('2025-02-30', 1),
    ])
      expect(f).toThrow(CalendarInputError);
  });

  it('equals the day-by-day count at end of day for random receipts (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('2025-01-01T00:00:00+08:00'), max: Date.parse('2026-09-30T00:00:00+08:00') }),
        fc.integer({ min: 0, max: 40 }),
        (t, n) => {
          const shanghaiDate = new Date(t + 8 * 3_600_000).toISOString().slice(0, 10);
          expect(cal.computeDeadline(new Date(t), wd(n))).toEqual(endOf(oracleAddWorkingDays(shanghaiDate, n)));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('working time and share elapsed (for reminders)', () => {
  const start = at('2025-09-30T10:00:00+08:00');
  const due = endOf('2025-10-28');
  const H = 3_600_000;

  it('counts whole working days of 24 h and nothing on days off', () => {
    expect(cal.workingTimeBetween(at('2025-03-07T12:00:00+08:00'), at('2025-03-10T12:00:00+08:00'))).toBe(24 * H);
    expect(cal.workingTimeBetween(start, due)).toBe(14 * H + 15 * 24 * H);
    expect(cal.workingTimeBetween(due, start)).toBe(-(14 * H + 15 * 24 * H));
  });

  it('stands still during a holiday and exceeds 1 once overdue', () => {
    const atHolidayStart = cal.shareElapsed(start, due, at('2025-10-01T00:00:00+08:00'));
    expect(atHolidayStart).toBeCloseTo(14 / 374, 12); // 14 h of 9/30 out of 14 h + 15 × 24 h
    expect(cal.shareElapsed(start, due, at('2025-10-05T12:00:00+08:00'))).toBe(atHolidayStart);
    expect(cal.shareElapsed(start, due, at('2025-09-29T00:00:00+08:00'))).toBe(0);
    expect(cal.shareElapsed(start, due, due)).toBe(1);
    expect(cal.shareElapsed(start, due, at('2025-10-29T12:00:00+08:00'))).toBeGreaterThan(1);
  });

  it('finds the 75% instant on a working day, and shareElapsed agrees', () => {
    // 374 h available; 75% = 280.5 h = 14 h on 9/30 + 11 full working days + 2.5 h of 10/23.
    const remindAt = cal.instantAtShare(start, due, 0.75);
    expect(remindAt).toEqual(at('2025-10-23T02:30:00+08:00'));
    expect(cal.shareElapsed(start, due, remindAt)).toBeCloseTo(0.75, 12);
    // A whole number of working days lands at 24:00 of the last one, not on the holiday after it.
    expect(cal.instantAtShare(start, due, 14 / 374)).toEqual(endOf('2025-09-30'));
  });

  it('instantAtShare inverts shareElapsed and lands on a working day (property)', () => {
    const from = Date.parse('2025-01-01T00:00:00+08:00');
    fc.assert(
      fc.property(
        fc.integer({ min: from, max: Date.parse('2026-09-30T00:00:00+08:00') }),
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        (t, n, share) => {
          const s = new Date(t);
          const d = cal.computeDeadline(s, wd(n));
          const r = cal.instantAtShare(s, d, share);
          expect(r.getTime()).toBeGreaterThanOrEqual(t);
          expect(r.getTime()).toBeLessThanOrEqual(d.getTime());
          expect(cal.shareElapsed(s, d, r)).toBeCloseTo(share, 6);
          expect(cal.isWorkingDay(new Date(r.getTime() - 1))).toBe(true); // 24:00 belongs to its day
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('uses wall-clock time for hour limits', () => {
    const s = at('2025-10-01T08:00:00+08:00');
    const d = at('2025-10-02T08:00:00+08:00');
    expect(cal.shareElapsed(s, d, at('2025-10-01T20:00:00+08:00'), 'wall')).toBe(0.5);
    expect(cal.instantAtShare(s, d, 0.75, 'wall')).toEqual(at('2025-10-02T02:00:00+08:00'));
  });
});
