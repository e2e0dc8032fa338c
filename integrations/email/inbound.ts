/**
 * One inbound mail (RFC 5322 bytes) → InboundAppeal, or a reason to store it without a ticket
 * (channels.md §5). Threading: our own Message-IDs in In-Reply-To/References win; a subject tag
 * "[工单号 N]" alone only proposes the ticket (threadRef without messageId), and the intake must
 * check the sender is that ticket's address before appending.
 */
import { createHash } from 'node:crypto';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { InboundAppeal } from '../inbound-appeal';
import type { ChannelEventSink, IntakePort, RawStore } from '../shared/ports';

/**
 * Stores attachment bytes (object storage in production) and returns the storage key — or the key
 * and the type the store found in the bytes, which then replaces the sender's claim.
 */
export interface AttachmentStore {
  put(input: { content: Buffer; mime: string; filename?: string; sha256: string }): Promise<string | { storageKey: string; mime: string }>;
}

/** What both ways mail comes in (IMAP polling, the SMTP receiver) hand each message to. */
export interface MailIntakeDeps {
  intake: IntakePort;
  events?: ChannelEventSink;
  rawStore?: RawStore;
  attachments?: AttachmentStore;
  /** The address we receive for (the channelAccount, e.g. 12345@city.gov.cn). */
  mailbox: string;
  mailDomain: string;
}

export type InboundMailResult =
  | { kind: 'appeal'; appeal: InboundAppeal }
  | { kind: 'ignored'; reason: 'auto_submitted' | 'bulk' | 'autoreply'; externalId: string }
  | { kind: 'bounce'; externalId: string; notificationId?: string; ticketNo?: string }
  | { kind: 'rejected'; reason: 'attachment_too_large' | 'too_many_attachments'; externalId: string; from?: string };

export interface InboundMailOptions {
  mailbox: string;
  /** Domain of our Message-IDs: <t{ticketNo}.{notificationId}@{mailDomain}>. */
  mailDomain: string;
  receivedAt: Date;
  attachments?: AttachmentStore;
  rawRef?: string;
  maxAttachmentBytes?: number;
  maxAttachments?: number;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function kindOf(mime: string): 'image' | 'audio' | 'video' | 'document' {
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('audio/')) return 'audio';
  if (mime.startsWith('video/')) return 'video';
  return 'document';
}

function header(m: ParsedMail, name: string): string {
  const v = m.headers.get(name);
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : typeof v === 'object' && 'value' in (v as object) ? String((v as { value: unknown }).value) : String(v);
}

function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();
}

export async function parseInboundMail(raw: Buffer, o: InboundMailOptions): Promise<InboundMailResult> {
  const m = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
  const externalId = (m.messageId?.trim() || `sha256:${createHash('sha256').update(raw).digest('hex')}`).slice(0, 200);
  // Our Message-IDs: <t{ticketNo}.{notificationId}[.{tag}]@{mailDomain}> (the tag is checked by the intake).
  const ours = new RegExp(`<t([A-Za-z0-9]+)\\.([A-Za-z0-9_-]+)(?:\\.[A-Za-z0-9]+)?@${esc(o.mailDomain)}>`);

  // DSN bounce (RFC 3464): marks the referenced notification failed; never a ticket.
  const ct = m.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  if (ct?.value === 'multipart/report' && ct.params?.['report-type'] === 'delivery-status') {
    const hit = ours.exec(raw.toString('utf8'));
    return { kind: 'bounce', externalId, ...(hit ? { ticketNo: hit[1], notificationId: hit[2] } : {}) };
  }
  const auto = header(m, 'auto-submitted').toLowerCase();
  if (auto && auto !== 'no') return { kind: 'ignored', reason: 'auto_submitted', externalId };
  if (/^(bulk|junk|list)$/i.test(header(m, 'precedence').trim())) return { kind: 'ignored', reason: 'bulk', externalId };
  if (m.headers.has('x-autoreply')) return { kind: 'ignored', reason: 'autoreply', externalId };

  const from = m.from?.value[0];
  const maxEach = o.maxAttachmentBytes ?? 20 * 1024 * 1024;
  if (m.attachments.length > (o.maxAttachments ?? 9)) return { kind: 'rejected', reason: 'too_many_attachments', externalId, from: from?.address };
  if (m.attachments.some((a) => a.size > maxEach)) return { kind: 'rejected', reason: 'attachment_too_large', externalId, from: from?.address };

  const refs = [m.inReplyTo ?? '', ...[m.references ?? []].flat()].join(' ');
  const byHeader = ours.exec(refs);
  const subject = (m.subject ?? '').trim();
  const bySubject = /\[工单号\s*([A-Za-z0-9]+)\]/.exec(subject);
  const threadRef = byHeader ? { ticketNo: byHeader[1], messageId: byHeader[0] } : bySubject ? { ticketNo: bySubject[1] } : undefined;

  const attachments: InboundAppeal['attachments'] = [];
  for (const a of m.attachments) {
    const sha256 = createHash('sha256').update(a.content).digest('hex');
    const stored = o.attachments ? await o.attachments.put({ content: a.content, mime: a.contentType, filename: a.filename, sha256 }) : undefined;
    const storageKey = typeof stored === 'string' ? stored : stored?.storageKey;
    const mime = typeof stored === 'object' ? stored.mime : a.contentType;
    attachments.push({ kind: kindOf(mime), mime: mime.slice(0, 100), size: a.size, sha256, ...(storageKey ? { storageKey } : {}) });
  }
  const body = (m.text?.trim() || (typeof m.html === 'string' ? htmlToText(m.html) : '')).slice(0, 20000);
  const title = subject
    .replace(/^((re|fw|fwd|回复|转发)\s*[:：]\s*)+/i, '')
    .replace(/\[工单号\s*[A-Za-z0-9]+\]\s*/, '')
    .slice(0, 200);
  const address = from?.address?.toLowerCase();
  return {
    kind: 'appeal',
    appeal: {
      channel: 'email',
      channelAccount: o.mailbox,
      externalId,
      receivedAt: o.receivedAt.toISOString(),
      ...(m.date ? { occurredAt: m.date.toISOString() } : {}),
      citizen: { ...(address ? { email: address } : {}), ...(from?.name ? { name: from.name.slice(0, 64) } : {}) },
      content: { text: body || title || (attachments.length ? '[附件]' : '[空邮件]'), ...(title ? { title } : {}) },
      attachments,
      ...(threadRef ? { threadRef } : {}),
      ...(address ? { replyRoute: { channel: 'email' as const, address } } : {}),
      ...(o.rawRef ? { rawRef: o.rawRef } : {}),
    },
  };
}
