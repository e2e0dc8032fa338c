/**
 * Outbound mail (channels.md §5 "Out"): nodemailer over SMTP (STARTTLS required in production),
 * UTF-8 subjects (nodemailer encodes RFC 2047), text + html parts, and our threading ids:
 * Message-ID <t{ticketNo}.{notificationId}@{mailDomain}>, subject "[工单号 {ticketNo}] …".
 */
import nodemailer, { type Transporter } from 'nodemailer';

export interface EmailSenderOptions {
  /** nodemailer SMTP options, e.g. { host, port: 587, requireTLS: true, auth }. */
  smtp: Parameters<typeof nodemailer.createTransport>[0];
  from: string;
  mailDomain: string;
  /**
   * A keyed MAC over (ticket number, notification id), token characters only, added to the
   * Message-ID: a reply can then prove it answers a notice we really sent (a ticket number alone
   * is guessable, so `References: <t{number}.x@domain>` must not be enough to thread).
   */
  threadTag?: (ticketNo: string, notificationId: string) => string;
}

export interface TicketMail {
  ticketNo: string;
  notificationId: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  inReplyTo?: string;
  attachments?: { filename: string; content: Buffer; contentType?: string }[];
}

export function ticketMessageId(ticketNo: string, notificationId: string, mailDomain: string, tag?: string) {
  return `<t${ticketNo}.${notificationId}${tag ? `.${tag}` : ''}@${mailDomain}>`;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The parts of one of our Message-IDs, or null when `id` is not one (of this domain). */
export function parseTicketMessageId(id: string, mailDomain: string): { ticketNo: string; notificationId: string; tag: string | null } | null {
  const m = new RegExp(`^<t([A-Za-z0-9]+)\\.([A-Za-z0-9_-]+)(?:\\.([A-Za-z0-9]+))?@${esc(mailDomain)}>$`).exec(id.trim());
  return m ? { ticketNo: m[1], notificationId: m[2], tag: m[3] ?? null } : null;
}

const escapeHtml = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

export class EmailSender {
  private transport: Transporter;
  constructor(private o: EmailSenderOptions) {
    this.transport = nodemailer.createTransport(o.smtp);
  }

  async send(mail: TicketMail): Promise<{ messageId: string; accepted: string[]; rejected: string[] }> {
    if (!/^[A-Za-z0-9]+$/.test(mail.ticketNo) || !/^[A-Za-z0-9_-]+$/.test(mail.notificationId)) {
      throw new Error('ticketNo/notificationId must be token characters (they become a Message-ID)');
    }
    const messageId = ticketMessageId(mail.ticketNo, mail.notificationId, this.o.mailDomain, this.o.threadTag?.(mail.ticketNo, mail.notificationId));
    const info = await this.transport.sendMail({
      from: this.o.from,
      to: mail.to,
      subject: `[工单号 ${mail.ticketNo}] ${mail.subject}`,
      messageId,
      ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo, references: [mail.inReplyTo] } : {}),
      text: mail.text,
      html: mail.html ?? `<p>${escapeHtml(mail.text).replace(/\n/g, '<br>')}</p>`,
      attachments: mail.attachments,
    });
    return { messageId, accepted: (info.accepted as string[]).map(String), rejected: (info.rejected as string[]).map(String) };
  }

  close() {
    this.transport.close();
  }
}
