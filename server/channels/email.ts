/**
 * The email channel in the running server (channels.md §5): the SMTP receiver (option B) on
 * web nodes and/or the IMAP poller (option A) on the cron node, both feeding the one intake
 * port, and the notices the events worker sends back by mail.
 */
import type { AddressInfo } from 'node:net';
import type { Runtime } from '../platform/runtime';
import { createSmtpListener } from '../../integrations/email/smtp-listener';
import { pollMailboxOnce } from '../../integrations/email/imap-poller';
import type { AttachmentStore } from '../../integrations/email/inbound';
import { sql } from 'drizzle-orm';
import type { ChannelEventSink } from '../../integrations/shared/ports';
import { channelAttachments, channelEvents } from './tables';
import { sniff, SNIFF_BYTES } from '../attachments/sniff';
import { channelEventSink, intakePort, rawStore } from './ports';
import { failureTo } from '../platform/background';
import { ifLockTaken } from '../platform/db/advisory';

/** Advisory lock key of the IMAP poller ('imap'). */
const IMAP_POLL_LOCK = 0x69_6d_61_70;

export interface EmailChannelConfig {
  mailbox: string;
  domain?: string;
  /** `[host:]port`; host defaults to 127.0.0.1 (the MTA relays to us locally). */
  smtpListen?: string;
  imapUrl?: string;
  imapPollSeconds?: number;
  maxBytes?: number;
}

export const mailDomainOf = (c: { mailbox: string; domain?: string }) => c.domain || c.mailbox.split('@')[1] || 'localhost';

/**
 * Attachment bytes in PostgreSQL (channel_attachments, encrypted); the storage key is `att:{id}`.
 * The type is what the bytes are (server/attachments/sniff.ts, as for the portal), never the
 * sender's Content-Type: a file the sniffer does not know is kept as application/octet-stream,
 * which the console only ever offers as a download — the appeal is not lost for an odd attachment.
 */
export function attachmentStore(rt: Runtime, channelAccount: string): AttachmentStore {
  return {
    async put(a) {
      const mime = sniff(a.content.subarray(0, SNIFF_BYTES))?.mime ?? 'application/octet-stream';
      const [r] = await rt.db
        .insert(channelAttachments)
        .values({
          channel: 'email',
          channelAccount,
          sha256: a.sha256,
          mime,
          filename: a.filename?.slice(0, 200) ?? null,
          size: a.content.length,
          body: rt.svc.pii.encryptBytes(a.content),
          bodyEncrypted: true,
        })
        .returning({ id: channelAttachments.id });
      return { storageKey: `att:${r.id}`, mime };
    },
  };
}

/**
 * Channel events of the mailbox, plus: a DSN bounce naming one of our notices (its Message-ID
 * carries the notification id) marks that notice failed (channels.md §5), in the same transaction.
 */
function bounceAwareSink(rt: Runtime): ChannelEventSink {
  const plain = channelEventSink(rt);
  return {
    async emit(e) {
      const notificationId = e.type === 'email.bounce' ? (e.data as { notificationId?: string }).notificationId : undefined;
      if (!notificationId) return plain.emit(e);
      return rt.db.transaction(async (tx) => {
        const ins = await tx
          .insert(channelEvents)
          .values({ channel: e.channel, channelAccount: e.channelAccount, type: e.type, externalId: e.externalId, data: e.data, at: new Date(e.at) })
          .onConflictDoNothing()
          .returning({ id: channelEvents.id });
        if (ins.length) {
          await tx.execute(sql`update channel_events set data = data || ${JSON.stringify({ failed: true, bouncedAt: e.at })}::jsonb
            where channel = 'email' and type = 'email.sent' and external_id = ${notificationId}`);
        }
        return { duplicate: ins.length === 0 };
      });
    },
  };
}

function parseListen(v: string): { host: string; port: number } {
  const i = v.lastIndexOf(':');
  return i < 0 ? { host: '127.0.0.1', port: Number(v) } : { host: v.slice(0, i), port: Number(v.slice(i + 1)) };
}

function imapOptions(url: string) {
  const u = new URL(url);
  const secure = u.protocol === 'imaps:';
  return {
    host: u.hostname,
    port: Number(u.port || (secure ? 993 : 143)),
    secure,
    auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) },
  };
}

/**
 * Starts what this node's roles and the configuration ask for. `close` stops accepting mail,
 * lets an SMTP session or poll in progress finish, and resolves once nothing is left running.
 */
export async function startEmailChannel(rt: Runtime, cfg: EmailChannelConfig, o: { listener: boolean; poller: boolean }) {
  const mailDomain = mailDomainOf(cfg);
  const common = {
    intake: intakePort(rt),
    events: bounceAwareSink(rt),
    rawStore: rawStore(rt),
    attachments: attachmentStore(rt, cfg.mailbox),
    mailbox: cfg.mailbox,
    mailDomain,
    maxBytes: cfg.maxBytes,
    log: rt.log,
  };
  const closers: (() => Promise<void>)[] = [];
  let smtpPort: number | undefined;

  if (o.listener && cfg.smtpListen) {
    const { host, port } = parseListen(cfg.smtpListen);
    const server = createSmtpListener(common);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    server.on('error', (err: Error) => rt.log.warn({ err: err.message }, 'email: smtp listener error'));
    smtpPort = (server.server.address() as AddressInfo).port;
    rt.log.info({ port: smtpPort }, 'email: smtp listener up');
    closers.push(() => new Promise<void>((r) => server.close(() => r())));
  }

  if (o.poller && cfg.imapUrl) {
    const imap = imapOptions(cfg.imapUrl);
    let running: Promise<unknown> | null = null;
    const tick = () => {
      if (running) return;
      // Once across nodes: a PostgreSQL advisory lock, so a second cron node skips the round instead of moving a message twice.
      running = ifLockTaken(rt.db, IMAP_POLL_LOCK, () => pollMailboxOnce({ ...common, imap }))
        .catch(failureTo(rt.log, 'email-imap-poll'))
        .finally(() => {
          running = null;
        });
    };
    const timer = setInterval(tick, (cfg.imapPollSeconds ?? 60) * 1000);
    timer.unref();
    tick();
    closers.push(async () => {
      clearInterval(timer);
      await running;
    });
  }

  return {
    smtpPort,
    async close() {
      for (const c of closers) await c();
    },
  };
}
