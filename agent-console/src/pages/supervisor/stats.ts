import type { TicketSummary } from '../../api/types';
import type { VolumeRow } from './reports/api';

/**
 * The server's today-volume rows as chart bars: labelled (channel names translated, categories by
 * their name), '-' (no category yet) under `unassigned`, largest first as the server sends them.
 */
export function volumeBars(rows: VolumeRow[], label: (key: string) => string, unassigned: string) {
  return rows.map((r) => ({ name: r.key === '-' ? unassigned : (r.name ?? label(r.key)), value: r.count }));
}

/** Open tickets past their reply deadline or within `soonMs` of it, most urgent first. */
export function nearDeadline(rows: TicketSummary[], now: number, soonMs = 24 * 3600_000) {
  return rows
    .filter((r) => r.flags?.overdue || (r.replyDueAt && Date.parse(r.replyDueAt) - now < soonMs))
    .sort((a, b) => (a.replyDueAt ? Date.parse(a.replyDueAt) : 0) - (b.replyDueAt ? Date.parse(b.replyDueAt) : 0));
}
