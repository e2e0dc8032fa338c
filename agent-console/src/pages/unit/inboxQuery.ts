import { api, type TicketFilter } from '../../api/endpoints';
import type { Envelope } from '../../api/client';
import type { TicketSummary } from '../../api/types';

// Kept out of UnitApp's chunk on purpose: the app shell imports it, so the inbox's first page is asked
// for while the portal's code is still downloading, not after it has loaded and rendered.

export const INBOX_PAGE_SIZE = 50;

export const INBOX_TABS = [
  { key: 'todo', status: 'dispatched' },
  { key: 'doing', status: 'signed,in_progress,extension_requested,return_requested' },
  { key: 'all', status: undefined },
] as const;

/** The inbox's request; sorted and paged by the server, so the oldest overdue tickets are on page one. */
export function inboxFilter(tab: string, q: string, unitId: string | null | undefined, page: number): TicketFilter {
  const status = INBOX_TABS.find((x) => x.key === tab)?.status;
  return { status, q: q || undefined, unitId: unitId ?? undefined, sort: 'deadline', page, pageSize: INBOX_PAGE_SIZE };
}

type Answer = Envelope<TicketSummary[]>;
/** An answer this old is not shown as the first page; the inbox asks again. */
const FRESH_MS = 5000;
let early: { key: string; at: number; answer: Promise<Answer> } | null = null;
let lastVisit: string | null = null;

/**
 * Starts loading the inbox's default view (first tab, first page) for a clerk who is opening /unit.
 * Called while the portal's chunk loads (React's preload pattern: safe to call on every render, it asks
 * once per `visit`, the router's key for this arrival at /unit).
 */
export function prefetchInbox(unitId: string | null | undefined, visit: string) {
  if (visit === lastVisit) return;
  lastVisit = visit;
  const filter = inboxFilter('todo', '', unitId, 1);
  const key = JSON.stringify(filter);
  const answer = api.tickets(filter);
  // The inbox reports a failure when it takes this answer; if it never does (the clerk went elsewhere),
  // say so here rather than leave an unhandled rejection.
  answer.catch((e: unknown) => console.warn('unit inbox: early load of the first page failed', { filter, error: e }));
  early = { key, at: Date.now(), answer };
}

/**
 * The inbox's first load after it mounts: the early answer, if it is for the same view and still fresh;
 * otherwise a request. Later loads (an event, a reconnect, another page) always ask the server.
 */
export function loadInbox(filter: TicketFilter): Promise<Answer> {
  const key = JSON.stringify(filter);
  const fresh = early && early.key === key && Date.now() - early.at < FRESH_MS;
  if (early && fresh) {
    const { answer } = early;
    early = null;
    return answer;
  }
  early = null;
  return api.tickets(filter);
}
