/**
 * Option A of channels.md §5 (the default): poll a mailbox over IMAP (imapflow). Each message
 * in INBOX is parsed and registered; only after intake committed is it moved to `Processed`
 * (or `Rejected` when over the limits). If intake fails the message stays in INBOX and the next
 * poll retries it; idempotency on Message-ID makes the retry safe.
 */
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { InboundAppeal } from '../inbound-appeal';
import { parseInboundMail, type MailIntakeDeps } from './inbound';

export interface ImapPollerDeps extends MailIntakeDeps {
  imap: Pick<ImapFlowOptions, 'host' | 'port' | 'secure' | 'auth' | 'tls'>;
  folders?: { inbox?: string; processed?: string; rejected?: string };
  /** Whole message limit (default 25 MB). Larger messages go to Rejected unread. */
  maxBytes?: number;
  maxAttachmentBytes?: number;
  maxAttachments?: number;
  now?: () => Date;
  log?: { warn(obj: object, msg: string): void };
}

export interface PollResult {
  processed: number;
  rejected: number;
  ignored: number;
  failed: number;
}

export async function pollMailboxOnce(deps: ImapPollerDeps): Promise<PollResult> {
  const inbox = deps.folders?.inbox ?? 'INBOX';
  const processed = deps.folders?.processed ?? 'Processed';
  const rejected = deps.folders?.rejected ?? 'Rejected';
  const maxBytes = deps.maxBytes ?? 25 * 1024 * 1024;
  const now = () => deps.now?.() ?? new Date();
  const result: PollResult = { processed: 0, rejected: 0, ignored: 0, failed: 0 };
  const client = new ImapFlow({ ...deps.imap, logger: false });
  await client.connect();
  try {
    const existing = new Set((await client.list()).map((m) => m.path));
    for (const f of [processed, rejected]) if (!existing.has(f)) await client.mailboxCreate(f);
    const lock = await client.getMailboxLock(inbox);
    try {
      // Sizes first: an oversize message is never downloaded.
      const sizes: { uid: number; size: number }[] = [];
      for await (const m of client.fetch('1:*', { uid: true, size: true })) sizes.push({ uid: m.uid, size: m.size ?? 0 });
      const moves: { uid: number; to: string }[] = [];
      for (const { uid, size } of sizes) {
        const externalId = `imap:${deps.mailbox}:${uid}`;
        if (size > maxBytes) {
          await deps.events?.emit({
            channel: 'email',
            channelAccount: deps.mailbox,
            type: 'email.rejected',
            externalId,
            at: now().toISOString(),
            data: { reason: 'message_too_large', size },
          });
          moves.push({ uid, to: rejected });
          result.rejected++;
          continue;
        }
        try {
          const msg = await client.fetchOne(String(uid), { source: true }, { uid: true });
          const raw = msg && msg.source ? Buffer.from(msg.source) : Buffer.alloc(0);
          const rawRef = deps.rawStore
            ? await deps.rawStore.save({ channel: 'email', channelAccount: deps.mailbox, contentType: 'message/rfc822', body: raw })
            : undefined;
          const r = await parseInboundMail(raw, {
            mailbox: deps.mailbox,
            mailDomain: deps.mailDomain,
            receivedAt: now(),
            attachments: deps.attachments,
            rawRef,
            maxAttachmentBytes: deps.maxAttachmentBytes,
            maxAttachments: deps.maxAttachments,
          });
          if (r.kind === 'appeal') {
            const parsed = InboundAppeal.safeParse(r.appeal);
            if (!parsed.success) {
              moves.push({ uid, to: rejected });
              result.rejected++;
              continue;
            }
            await deps.intake.register(parsed.data);
            moves.push({ uid, to: processed });
            result.processed++;
          } else {
            // "reject folder + auto-reply once": the event (idempotent on Message-ID) drives the one auto-reply.
            await deps.events?.emit({
              channel: 'email',
              channelAccount: deps.mailbox,
              type: `email.${r.kind}`,
              externalId: r.externalId,
              at: now().toISOString(),
              data: { ...r, rawRef },
            });
            if (r.kind === 'rejected') {
              moves.push({ uid, to: rejected });
              result.rejected++;
            } else {
              moves.push({ uid, to: processed });
              result.ignored++;
            }
          }
        } catch (e) {
          result.failed++;
          deps.log?.warn({ code: 'EMAIL_INTAKE_FAILED', uid, err: e instanceof Error ? e.message : String(e) }, 'email: left in inbox');
        }
      }
      for (const to of [processed, rejected]) {
        const uids = moves.filter((m) => m.to === to).map((m) => m.uid);
        if (uids.length) await client.messageMove(uids.join(','), to, { uid: true });
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  return result;
}
