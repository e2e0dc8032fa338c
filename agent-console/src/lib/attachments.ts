import type { TicketDetail } from '../api/types';

/** What POST /api/tickets/:id/attachments answers: the reply cites `{name, storageKey}`. */
export interface UploadedAttachment {
  storageKey: string;
  name: string;
  mime: string;
  size: number;
}

export interface TicketFile {
  storageKey: string;
  name: string;
  mime: string | null;
  size: number | null;
  /** The event that brought it: the appeal (`ticket.registered`) or a unit's reply. */
  eventType: string;
  seq: number;
}

/** At most this many photos with a portal appeal (channels.md §3). */
export const MAX_APPEAL_FILES = 9;

type Raw = { storageKey?: unknown; name?: unknown; mime?: unknown; size?: unknown };

/**
 * Every stored file the timeline names, oldest first: the citizen's files on `ticket.registered`
 * (`data.files`), a unit's on its reply (`data.attachments`). Only `att:` keys can be downloaded;
 * a channel's remote reference (WeChat media id) is not listed.
 */
export function ticketFiles(ticket: Pick<TicketDetail, 'timeline'>): TicketFile[] {
  const out: TicketFile[] = [];
  for (const e of [...(ticket.timeline ?? [])].sort((a, b) => a.seq - b.seq)) {
    const d = (e.data ?? {}) as { files?: unknown; attachments?: unknown };
    const list = Array.isArray(d.files) ? d.files : Array.isArray(d.attachments) ? d.attachments : [];
    for (const f of list as Raw[]) {
      if (typeof f?.storageKey !== 'string' || !f.storageKey.startsWith('att:')) continue;
      out.push({
        storageKey: f.storageKey,
        name: typeof f.name === 'string' && f.name ? f.name : f.storageKey.slice(4, 12),
        mime: typeof f.mime === 'string' ? f.mime : null,
        size: typeof f.size === 'number' ? f.size : null,
        eventType: e.type,
        seq: e.seq,
      });
    }
  }
  return out;
}

export const attachmentUrl = (ticketId: string, storageKey: string) =>
  `/api/tickets/${encodeURIComponent(ticketId)}/attachments/${encodeURIComponent(storageKey.replace(/^att:/, ''))}`;

/** Browsers show these inline; HEIC is an image but most cannot draw it, so it gets a link. */
export const isThumbnailable = (mime: string | null) => !!mime && /^image\/(png|jpeg|webp)$/.test(mime);

export function formatSize(n: number | null): string {
  if (n === null) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
