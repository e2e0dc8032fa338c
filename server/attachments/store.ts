import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Queryable, Tx } from '../platform/db/client';
import { channelAttachments } from '../channels/tables';
import type { UploadedFile } from './upload';
import type { PiiVault } from '../platform/crypto/pii';

/**
 * Stores uploaded files for a ticket, in the caller's transaction (nothing is kept if it rolls back).
 * The bytes are encrypted like every other personal datum (a photo of a citizen's home, an ID card scan).
 */
export async function storeUploads(
  tx: Tx,
  pii: PiiVault,
  files: UploadedFile[],
  o: { channel: string; channelAccount: string; ticketId: string; uploadedBy?: string | null },
) {
  if (files.length === 0) return;
  await tx.insert(channelAttachments).values(
    files.map((f) => ({
      id: f.id,
      channel: o.channel,
      channelAccount: o.channelAccount,
      sha256: f.sha256,
      mime: f.mime,
      filename: f.name,
      size: f.size,
      body: pii.encryptBytes(f.body),
      bodyEncrypted: true,
      ticketId: o.ticketId,
      uploadedBy: o.uploadedBy ?? null,
    })),
  );
}

/** The stored bytes in clear (rows written before encryption at rest are stored clear). */
export const attachmentBytes = (pii: PiiVault, row: { body: Buffer; bodyEncrypted: boolean }) => (row.bodyEncrypted ? pii.decryptBytes(row.body) : row.body);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const attachmentIdOf = (storageKey: string) => {
  const id = storageKey.startsWith('att:') ? storageKey.slice(4) : '';
  return UUID.test(id) ? id.toLowerCase() : null;
};

/**
 * The stored file if it belongs to the ticket: uploaded for it, or named by one of its events
 * (an email's files are stored before its ticket exists; `ticket.registered` lists them).
 */
export async function attachmentOfTicket(db: Queryable, ticketId: string, attachmentId: string) {
  const key = `att:${attachmentId}`;
  const [row] = await db
    .select()
    .from(channelAttachments)
    .where(
      and(
        eq(channelAttachments.id, attachmentId),
        sql`(
    ${channelAttachments.ticketId} = ${ticketId} or exists (select 1 from ticket_events e where e.ticket_id = ${ticketId}
      and (e.data->'files' @> ${JSON.stringify([{ storageKey: key }])}::jsonb
        or e.data->'attachments' @> ${JSON.stringify([{ storageKey: key }])}::jsonb)))`,
      ),
    );
  return row ?? null;
}

/** Files uploaded for this ticket among `ids` (a reply may only cite those), without their bodies. */
export async function uploadsOfTicket(db: Queryable, ticketId: string, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .select({ id: channelAttachments.id, mime: channelAttachments.mime, size: channelAttachments.size, filename: channelAttachments.filename })
    .from(channelAttachments)
    .where(and(eq(channelAttachments.ticketId, ticketId), inArray(channelAttachments.id, ids)));
}
