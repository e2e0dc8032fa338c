/**
 * When the CTI may ring a citizen for a callback (回访外呼): working days of the centre's holiday
 * calendar (statutory holidays off, make-up workdays on), between the policy's China-time hours.
 * Pure: the caller passes the calendar.
 */
import type { WorkCalendar } from '../sla/calendar';
import { CalendarYearMissingError } from '../sla/errors';

const HOUR = 3600_000;
const SHANGHAI = 8 * HOUR;

/**
 * The earliest instant ≥ `from` inside the dial window. A year missing from the calendar falls
 * back to Monday–Friday rather than stopping callbacks (an SLA deadline refuses to guess; a
 * callback ringing on an unloaded holiday is the lesser harm, and the 2027 notice fixes it).
 */
export function nextDialSlot(from: Date, cal: Pick<WorkCalendar, 'isWorkingDay'>, startHour: number, endHour: number): Date {
  const working = (dayStartUtc: number) => {
    try {
      return cal.isWorkingDay(new Date(dayStartUtc));
    } catch (err) {
      if (!(err instanceof CalendarYearMissingError)) throw err;
      const wd = new Date(dayStartUtc + SHANGHAI).getUTCDay();
      return wd >= 1 && wd <= 5;
    }
  };
  const t = from.getTime();
  // Midnight of `from`'s China day, as a UTC instant.
  let day = Math.floor((t + SHANGHAI) / (24 * HOUR)) * 24 * HOUR - SHANGHAI;
  for (let i = 0; i < 60; i++, day += 24 * HOUR) {
    if (!working(day)) continue;
    const open = day + startHour * HOUR;
    const close = day + endHour * HOUR;
    if (t < open) return new Date(open);
    if (t < close) return new Date(t);
  }
  throw new Error('no working day within 60 days of ' + from.toISOString());
}
