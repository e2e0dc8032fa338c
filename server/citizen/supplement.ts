import type { Ctx } from '../platform/context';
import type { Tx } from '../platform/db/client';
import type { FileRef } from '../platform/events/catalogue';
import { inTransaction } from '../platform/transaction';
import { problem } from '../platform/http/problems';
import { lockTicket } from '../tickets/guard';
import { recordEvent } from '../tickets/events';
import { OPEN_STATUSES } from '../tickets/states';
import { storeUploads } from '../attachments/store';
import type { UploadedFile } from '../attachments/upload';

export interface SupplementInput {
  text: string;
  /** A channel's own subject line (an e-mail's); the web form has none. */
  title?: string | null;
  /** Files whose bytes came with the request: stored in the same transaction. */
  files: UploadedFile[];
  /** Files the channel still holds (a WeChat MediaId): listed now, fetched by the channel's media job. */
  remoteFiles?: FileRef[];
  /** A location the citizen sent: coordinates on the timeline, the address into the ticket's (encrypted) address if it has none. */
  location?: { lat?: number; lng?: number; address?: string };
  channel: string;
  channelAccount: string;
}

/**
 * 补充材料: the citizen adds text and files to their own open appeal (channels.md §3), from the
 * portal or a channel (a WeChat message threaded to the ticket). In the caller's transaction: the
 * `citizen.supplemented` event (timeline, audit, outbox and what follows from it) and the files, so a
 * refused supplement leaves no file. A worked-out ticket takes none: a new matter is a new appeal, and
 * a closed one is reopened through the callback or a rating, not by a silent note no one reads.
 */
export async function supplementTicket(tx: Tx, ctx: Ctx, ticketId: string, input: SupplementInput) {
  const t = await lockTicket(tx, ticketId);
  ctx.actor = { kind: 'citizen', citizenId: t.citizenId };
  if (!OPEN_STATUSES.includes(t.status)) throw problem('TICKET_STATE_CONFLICT', `ticket is ${t.status}`);
  await storeUploads(tx, ctx.svc.pii, input.files, { channel: input.channel, channelAccount: input.channelAccount, ticketId });
  const at = ctx.now();
  const loc = input.location;
  await recordEvent(tx, ctx, ticketId, {
    type: 'citizen.supplemented',
    at,
    data: {
      channel: input.channel,
      title: input.title ?? null,
      text: input.text,
      files: [...input.files.map((f) => ({ kind: f.kind, mime: f.mime, size: f.size, storageKey: f.storageKey, name: f.name })), ...(input.remoteFiles ?? [])],
      // Coordinates only: the address is personal data and goes to the encrypted column.
      ...(loc && (loc.lat !== undefined || loc.lng !== undefined) ? { location: { lat: loc.lat ?? null, lng: loc.lng ?? null } } : {}),
    },
    ...(loc?.address && !t.addressEnc ? { patch: { addressEnc: ctx.svc.pii.encrypt(loc.address) } } : {}),
  });
  return { at, files: input.files.length + (input.remoteFiles?.length ?? 0) };
}

/** The portal's supplement: `supplementTicket` in a transaction of its own. */
export async function supplementAppeal(ctx: Ctx, ticketId: string, input: SupplementInput) {
  return inTransaction(ctx, (tx) => supplementTicket(tx, ctx, ticketId, input));
}
