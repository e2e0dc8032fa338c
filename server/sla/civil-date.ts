/**
 * Civil dates and clock times in Asia/Shanghai, as plain integers.
 *
 * China has used one fixed offset (UTC+8, no daylight saving) since 1991, so a local day is
 * `floor((epochMs + 8 h) / 24 h)` and no time-zone database is needed. Keeping days as integers
 * lets the calendar answer from typed arrays without allocating `Date`s in its hot path.
 */

/** Offset of Asia/Shanghai from UTC in milliseconds (fixed, no DST). */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
/** Milliseconds in a civil day. */
export const DAY_MS = 86_400_000;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number (days since 1970-01-01) of `YYYY-MM-DD`, or `undefined` if it is not a real date. */
export function parseDayNumber(date: string): number | undefined {
  const m = DATE_RE.exec(date);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  // Date.UTC rolls 2025-02-30 over to 03-02; a round trip catches it.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return t / DAY_MS;
}

/** `YYYY-MM-DD` of a day number. */
export function formatDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Gregorian year of a day number. */
export function yearOfDayNumber(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

/** Day number of 1 January of `year`. */
export function firstDayOfYear(year: number): number {
  return Date.UTC(year, 0, 1) / DAY_MS;
}

/** Day of week of a day number: 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOfDayNumber(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Shanghai day number of an instant. */
export function shanghaiDayNumber(epochMs: number): number {
  return Math.floor((epochMs + SHANGHAI_OFFSET_MS) / DAY_MS);
}

/** Instant (epoch ms) at which a Shanghai day starts (00:00 +08:00). */
export function shanghaiDayStartMs(day: number): number {
  return day * DAY_MS - SHANGHAI_OFFSET_MS;
}

/**
 * Minutes after midnight of a `HH:MM` clock time; `24:00` (end of the day) only when `allowEndOfDay`.
 * Parsed from char codes because deadline options are read on every computation.
 * Returns -1 when the text is not a valid time.
 */
export function parseClockMinutes(text: string, allowEndOfDay: boolean): number {
  if (typeof text !== 'string' || text.length !== 5 || text.charCodeAt(2) !== 58 /* ':' */) return -1;
  const h1 = text.charCodeAt(0) - 48;
  const h2 = text.charCodeAt(1) - 48;
  const m1 = text.charCodeAt(3) - 48;
  const m2 = text.charCodeAt(4) - 48;
  if (h1 < 0 || h1 > 9 || h2 < 0 || h2 > 9 || m1 < 0 || m1 > 5 || m2 < 0 || m2 > 9) return -1;
  const minutes = (h1 * 10 + h2) * 60 + m1 * 10 + m2;
  if (minutes > 1440 || (minutes === 1440 && !allowEndOfDay)) return -1;
  return minutes;
}
