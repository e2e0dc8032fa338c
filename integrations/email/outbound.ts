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

export function ticketMessageId(ticketNo: string, notificationId: string, mailDomain: string) {
  return `<t${ticketNo}.${notificationId}@${mailDomain}>`;
}

const escapeHtml = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' }[c]!));

export class EmailSender {
  private transport: Transporter;
  constructor(private o: EmailSenderOptions) {
    this.transport = nodemailer.createTransport(o.smtp);
  }

  async send(mail: TicketMail): Promise<{ messageId: string; accepted: string[]; rejected: string[] }> {
    if (!/^[A-Za-z0-9]+$/.test(mail.ticketNo) || !/^[A-Za-z0-9_-]+$/.test(mail.notificationId)) {
      throw new Error('ticketNo/notificationId must be token characters (they become a Message-ID)');
    }
    const messageId = ticketMessageId(mail.ticketNo, mail.notificationId, this.o.mailDomain);
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

  close() { this.transport.close(); }
}
