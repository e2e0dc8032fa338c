import type { TicketSummary } from '../../api/types';

/** Counts today's tickets (local day) by a key; the wall's charts read this. */
export function countToday(rows: TicketSummary[], key: (t: TicketSummary) => string, now = new Date()) {
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const counts = new Map<string, number>();
  for (const r of rows) {
    if (Date.parse(r.createdAt) < start) continue;
    const k = key(r);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts.entries()].map(([name, value]) => ({ name, value })).sort((a, b) => b.value - a.value);
}

/** Open tickets past their reply deadline or within `soonMs` of it, most urgent first. */
export function nearDeadline(rows: TicketSummary[], now: number, soonMs = 24 * 3600_000) {
  return rows
    .filter((r) => r.flags?.overdue || (r.replyDueAt && Date.parse(r.replyDueAt) - now < soonMs))
    .sort((a, b) => (a.replyDueAt ? Date.parse(a.replyDueAt) : 0) - (b.replyDueAt ? Date.parse(b.replyDueAt) : 0));
}
