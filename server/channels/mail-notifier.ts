import { sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client';
import { EmailSender } from '../../integrations/email/outbound';
import { channelEvents } from './tables';
import type { PiiVault } from '../platform/crypto/pii';
import type { Logger } from '../platform/log/logger';
import { noticeText } from '../texts/notice-texts';

/**
 * The MAC in our Message-IDs (<t{ticket}.{notice}.{tag}@domain>): HMAC-SHA256 under the PII hash
 * key over (ticket number, notification id), 24 hex characters (96 bits). Without it a forger who
 * knows a ticket number could thread a "citizen supplement" into it.
 */
export const mailThreadTag = (pii: PiiVault, ticketNo: string, notificationId: string) =>
  pii.hash('mail-thread', `${ticketNo}\n${notificationId}`).slice(0, 24);

export interface MailNotifierConfig {
  smtpUrl: string;
  from: string;
  domain: string;
}

/**
 * Ticket notices by mail (受理 / 答复) for tickets that came in by email. The Message-ID carries
 * the ticket number so the citizen's reply threads back (channels.md §5); the notification id
 * (the outbox row) is claimed before sending, so a redelivered job sends nothing twice.
 */
export class MailNotifier {
  private sender: EmailSender;
  constructor(
    private rt: { db: Db; pii: PiiVault; log: Logger },
    private cfg: MailNotifierConfig,
  ) {
    this.sender = new EmailSender({
      smtp: cfg.smtpUrl,
      from: cfg.from,
      mailDomain: cfg.domain,
      threadTag: (ticketNo, notificationId) => mailThreadTag(rt.pii, ticketNo, notificationId),
    });
  }

  async notify(n: {
    notificationId: string;
    ticketNo: string;
    to: string;
    template: 'ticket_received' | 'ticket_replied' | 'ticket_extended';
    replyText?: string | null;
    inReplyTo?: string | null;
    dueDate?: string;
  }) {
    const claim = await this.rt.db
      .insert(channelEvents)
      .values({
        // toHash: whom we wrote to (keyed hash, not the address): only a reply from that address threads.
        channel: 'email',
        channelAccount: this.cfg.from,
        type: 'email.sent',
        externalId: n.notificationId,
        data: { ticketNo: n.ticketNo, template: n.template, toHash: this.rt.pii.hash('email', n.to.trim().toLowerCase()) },
        at: new Date(),
      })
      .onConflictDoNothing()
      .returning({ id: channelEvents.id });
    if (claim.length === 0) return;
    // The centre's stored mail template for this notice (texts/notice-texts.ts), else the built-in words.
    const values: Record<string, string> = { ticketNo: n.ticketNo, replyText: n.replyText || '请登录查询办理进度。', dueDate: n.dueDate ?? '' };
    const { subject, text } = await noticeText(this.rt, n.template, 'mail', values);
    const mail = { subject: subject ?? '', text };
    try {
      await this.sender.send({
        ticketNo: n.ticketNo,
        notificationId: n.notificationId,
        to: n.to,
        ...mail,
        ...(n.inReplyTo?.startsWith('<') ? { inReplyTo: n.inReplyTo } : {}),
      });
    } catch (err) {
      // Not sent: release the claim so the job's retry can try again.
      await this.rt.db.execute(sql`delete from channel_events where id = ${claim[0].id}`);
      throw err;
    }
  }

  close() {
    this.sender.close();
  }
}
