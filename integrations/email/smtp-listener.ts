/**
 * Option B of channels.md §5: an SMTP receiver (smtp-server) behind the MTA. Each accepted
 * message is parsed and registered; the SMTP reply tells the sending MTA the outcome, so an
 * oversize mail is bounced by the sender's own MTA (our "reject + auto-reply once").
 */
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { InboundAppeal } from '../inbound-appeal';
import { parseInboundMail, type MailIntakeDeps } from './inbound';

export interface SmtpListenerDeps extends MailIntakeDeps {
  /** Whole message limit (default 25 MB, channels.md §5). */
  maxBytes?: number;
  /** Per attachment (default 20 MB) and count (default 9), as for web uploads (channels.md §3). */
  maxAttachmentBytes?: number;
  maxAttachments?: number;
  now?: () => Date;
  log?: { warn(obj: object, msg: string): void };
  /** Extra smtp-server options (TLS key/cert for STARTTLS in production). */
  server?: Partial<SMTPServerOptions>;
}

class SmtpError extends Error {
  constructor(
    public responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

export function createSmtpListener(deps: SmtpListenerDeps): SMTPServer {
  const maxBytes = deps.maxBytes ?? 25 * 1024 * 1024;
  return new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH'],
    size: maxBytes,
    banner: 'Rexian 12345 mail intake',
    logger: false,
    ...deps.server,
    onRcptTo(address, _session, cb) {
      if (address.address.toLowerCase() !== deps.mailbox.toLowerCase()) return cb(new SmtpError(550, 'No such mailbox'));
      cb();
    },
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) return cb(new SmtpError(552, 'Message exceeds fixed maximum message size'));
        const raw = Buffer.concat(chunks);
        try {
          const rawRef = deps.rawStore
            ? await deps.rawStore.save({ channel: 'email', channelAccount: deps.mailbox, contentType: 'message/rfc822', body: raw })
            : undefined;
          const r = await parseInboundMail(raw, {
            mailbox: deps.mailbox,
            mailDomain: deps.mailDomain,
            receivedAt: deps.now?.() ?? new Date(),
            attachments: deps.attachments,
            rawRef,
            maxAttachmentBytes: deps.maxAttachmentBytes,
            maxAttachments: deps.maxAttachments,
          });
          if (r.kind === 'appeal') {
            const parsed = InboundAppeal.safeParse(r.appeal);
            if (!parsed.success) return cb(new SmtpError(554, 'Message could not be accepted'));
            const res = await deps.intake.register(parsed.data);
            return cb(null, `Accepted as ticket ${res.ticketNo}`);
          }
          if (r.kind === 'rejected') return cb(new SmtpError(552, 'Attachment limits exceeded'));
          await deps.events?.emit({
            channel: 'email',
            channelAccount: deps.mailbox,
            type: `email.${r.kind === 'bounce' ? 'bounce' : 'ignored'}`,
            externalId: r.externalId,
            at: (deps.now?.() ?? new Date()).toISOString(),
            data: { ...r, rawRef },
          });
          cb(null, 'Accepted');
        } catch (e) {
          deps.log?.warn({ code: 'EMAIL_INTAKE_FAILED', err: e instanceof Error ? e.message : String(e) }, 'email: intake failed');
          // 451: the sending MTA keeps the message and retries later.
          cb(new SmtpError(451, 'Temporary failure, try again later'));
        }
      });
    },
  });
}
