import chineseDays from 'chinese-days';
import { describe, expect, it } from 'vitest';
import { createCalendar } from './calendar.js';
import { HolidayRowsInvalidError } from './errors.js';
import { type HolidayRow, validateHolidayRows } from './holiday-rows.js';
import { SHIPPED_HOLIDAY_ROWS } from './holidays.js';
import { allDates, domainSets, oracleIsWorking } from './domain-oracle.test-support.js';

const calendar = createCalendar(SHIPPED_HOLIDAY_ROWS);

describe('shipped holiday rows', () => {
  it('are exactly the 2025 and 2026 lists of spec/domain.md §3', () => {
    const { off, makeUp } = domainSets();
    const rows = SHIPPED_HOLIDAY_ROWS;
    expect(
      rows
        .filter((r) => r.kind === 'holiday')
        .map((r) => r.date)
        .sort(),
    ).toEqual([...off].sort());
    expect(
      rows
        .filter((r) => r.kind === 'workday')
        .map((r) => r.date)
        .sort(),
    ).toEqual([...makeUp].sort());
    expect(validateHolidayRows(rows)).toEqual({ ok: true });
    expect(rows.every((r) => r.name.length > 0)).toBe(true);
  });

  it('makes every listed holiday a day off and every make-up day a working day', () => {
    for (const row of SHIPPED_HOLIDAY_ROWS) expect([row.date, calendar.isWorkingDay(row.date)]).toEqual([row.date, row.kind === 'workday']);
  });

  it('agrees with the plain day-by-day rules for every day of 2025 and 2026', () => {
    const wrong = allDates().filter((d) => calendar.isWorkingDay(d) !== oracleIsWorking(d));
    expect(wrong).toEqual([]);
  });

  it('agrees with the chinese-days package for every day of 2025 and 2026', () => {
    // domain.md wins on any disagreement. chinese-days 1.5.7 (data from the same State Council
    // notices) matches domain.md on all 730 days, so the expected list of disagreements is empty;
    // a non-empty list after a package update means one side changed and must be re-checked
    // against the notice before anyone edits holidays.ts.
    const { isWorkday } = chineseDays as unknown as { isWorkday: (d: string) => boolean };
    const disagreements = allDates().filter((d) => isWorkday(d) !== calendar.isWorkingDay(d));
    expect(disagreements).toEqual([]);
    expect(allDates()).toHaveLength(730);
  });
});

describe('validateHolidayRows', () => {
  const row = (date: string, kind: HolidayRow['kind'] = 'holiday', name = '国庆节 National Day'): HolidayRow => ({ date, kind, name });
  const codes = (rows: HolidayRow[]) => {
    const r = validateHolidayRows(rows);
    return r.ok ? [] : r.issues.map((i) => `${i.code} ${i.date}`);
  };

  it('rejects a date listed twice, with the same or another kind', () => {
    expect(codes([row('2025-10-01'), row('2025-10-01')])).toEqual(['HOLIDAY_DATE_DUPLICATE 2025-10-01']);
    expect(codes([row('2025-10-11', 'workday'), row('2025-10-11', 'holiday')])).toContain('HOLIDAY_DATE_DUPLICATE 2025-10-11');
  });

  it('rejects a make-up workday on a weekday (already working: the Saturday meant is lost)', () => {
    expect(codes([row('2025-10-10', 'workday')])).toEqual(['HOLIDAY_WORKDAY_ON_WEEKDAY 2025-10-10']);
    expect(codes([row('2025-10-11', 'workday'), row('2025-09-28', 'workday')])).toEqual([]);
  });

  it('rejects a weekend holiday not joined to any weekday holiday (a typo that changes nothing)', () => {
    expect(codes([row('2025-10-18')])).toEqual(['HOLIDAY_WEEKEND_ISOLATED 2025-10-18']);
    // Weekend days inside a span are fine: 10/4–10/5 inside 10/1–10/8; 2026-01-03 after Friday 1/2.
    expect(codes([row('2025-10-03'), row('2025-10-04'), row('2025-10-05')])).toEqual([]);
    expect(codes([row('2026-01-02'), row('2026-01-03')])).toEqual([]);
    // A Saturday holiday separated from the weekday holiday by a make-up workday is isolated.
    expect(codes([row('2025-10-10'), row('2025-10-11', 'workday'), row('2025-10-12')])).toEqual(['HOLIDAY_WEEKEND_ISOLATED 2025-10-12']);
  });

  it('rejects impossible dates, unknown kinds and empty names', () => {
    expect(codes([row('2025-02-29'), row('2025-13-01'), row('25-10-01')])).toEqual([
      'HOLIDAY_DATE_INVALID 2025-02-29',
      'HOLIDAY_DATE_INVALID 2025-13-01',
      'HOLIDAY_DATE_INVALID 25-10-01',
    ]);
    expect(codes([{ date: '2025-10-01', kind: 'off' as never, name: 'x' }])).toEqual(['HOLIDAY_KIND_INVALID 2025-10-01']);
    expect(codes([row('2025-10-01', 'holiday', ' ')])).toEqual(['HOLIDAY_NAME_MISSING 2025-10-01']);
  });

  it('stops createCalendar from building on invalid rows', () => {
    expect(() => createCalendar([row('2025-10-01'), row('2025-10-01')])).toThrow(HolidayRowsInvalidError);
    const err = (() => {
      try {
        createCalendar([row('2025-10-10', 'workday')]);
      } catch (e) {
        return e as HolidayRowsInvalidError;
      }
    })();
    expect(err?.code).toBe('HOLIDAY_ROWS_INVALID');
    expect(err?.issues[0].code).toBe('HOLIDAY_WORKDAY_ON_WEEKDAY');
  });
});
