import type { Translate } from '../i18n';

export type DueLevel = 'none' | 'ok' | 'soon' | 'overdue';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "2天3小时" / "2d 3h": two units at most; a clerk needs the order of magnitude, not seconds. */
export function formatSpan(ms: number, t: Translate): string {
  const abs = Math.abs(ms);
  const d = Math.floor(abs / DAY);
  const h = Math.floor((abs % DAY) / HOUR);
  const m = Math.floor((abs % HOUR) / MINUTE);
  const parts: string[] = [];
  if (d) parts.push(t('span.d', { n: d }));
  if (h && parts.length < 2) parts.push(t('span.h', { n: h }));
  if (!d && (m || parts.length === 0)) parts.push(t('span.m', { n: m }));
  return parts.join(t('span.sep'));
}

/** Under 24 h left counts as "soon": the reminder overlay fires around there for day limits. */
export function dueLevel(dueAt: string | null | undefined, now: number, soonMs = DAY): DueLevel {
  if (!dueAt) return 'none';
  const left = Date.parse(dueAt) - now;
  if (Number.isNaN(left)) return 'none';
  if (left < 0) return 'overdue';
  return left < soonMs ? 'soon' : 'ok';
}

export function countdownText(dueAt: string | null | undefined, now: number, t: Translate) {
  const level = dueLevel(dueAt, now);
  if (level === 'none') return { level, text: t('due.none') };
  const span = formatSpan(Date.parse(dueAt!) - now, t);
  return { level, text: level === 'overdue' ? t('due.over', { d: span }) : t('due.left', { d: span }) };
}
