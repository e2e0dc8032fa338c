import type { Ctx } from '../platform/context';
import { inTransaction } from '../platform/transaction';
import { problem } from '../platform/http/problems';
import { lockTicket } from '../tickets/guard';
import { recordEvent } from '../tickets/events';
import { OPEN_STATUSES } from '../tickets/states';
import { storeUploads } from '../attachments/store';
import type { UploadedFile } from '../attachments/upload';

/**
 * 补充材料: the citizen adds text and files to their own open appeal (channels.md §3). One
 * transaction: the `citizen.supplemented` event (timeline, audit, outbox) and the files, so a refused
 * supplement leaves no file. A worked-out ticket takes none: a new matter is a new appeal, and a
 * closed one is reopened through the callback or a rating, not by a silent note no one reads.
 */
export async function supplementAppeal(ctx: Ctx, ticketId: string, input: { text: string; files: UploadedFile[]; channel: string; channelAccount: string }) {
  return inTransaction(ctx, async (tx) => {
    const t = await lockTicket(tx, ticketId);
    ctx.actor = { kind: 'citizen', citizenId: t.citizenId };
    if (!OPEN_STATUSES.includes(t.status)) throw problem('TICKET_STATE_CONFLICT', `ticket is ${t.status}`);
    await storeUploads(tx, ctx.svc.pii, input.files, { channel: input.channel, channelAccount: input.channelAccount, ticketId });
    const at = ctx.now();
    await recordEvent(tx, ctx, ticketId, {
      type: 'citizen.supplemented', at,
      data: {
        channel: input.channel, title: null, text: input.text,
        files: input.files.map((f) => ({ kind: f.kind, mime: f.mime, size: f.size, storageKey: f.storageKey, name: f.name })),
      },
    });
    return { at, files: input.files.length };
  });
}
