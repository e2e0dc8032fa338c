/**
 * Staff side of attachments: download a ticket's file (citizen photos, email files, reply files),
 * and upload a file for a reply (答复附件) before the reply action cites it by storageKey.
 */
import { Router } from 'express';
import { z } from 'zod';
import { requireStaff } from '../identity/sessions';
import { validate } from '../platform/http/middleware';
import { problem } from '../platform/http/problems';
import { assertTicketVisible } from '../tickets/queries';
import { readMultipart, UPLOAD_LIMITS } from './upload';
import { attachmentOfTicket, storeUploads } from './store';
import { writeAudit } from '../platform/events/audit';
import { attachmentBytes } from './store';

const DownloadParams = z.strictObject({ id: z.string().max(64), attachmentId: z.string().max(64) });
const IdParams = z.strictObject({ id: z.string().max(64) });

/** RFC 6266 / 5987: an ASCII fallback and the UTF-8 name (Chinese file names survive). */
function disposition(kind: 'inline' | 'attachment', name: string) {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export function attachmentRoutes() {
  const r = Router();

  r.get('/tickets/:id/attachments/:attachmentId', requireStaff(), validate({ params: DownloadParams }), async (req, res) => {
    const { id, attachmentId } = req.params;
    await assertTicketVisible(req.ctx, id);
    if (!z.uuid().safeParse(attachmentId).success) throw problem('ATTACHMENT_NOT_FOUND');
    const a = await attachmentOfTicket(req.ctx.db, id, attachmentId.toLowerCase());
    if (!a) throw problem('ATTACHMENT_NOT_FOUND');
    const body = attachmentBytes(req.ctx.svc.pii, a);
    // A citizen's photo or scan is personal data: who downloaded which file of which ticket, when.
    await writeAudit(req.ctx.db, req.ctx, {
      action: 'attachment.downloaded',
      entityType: 'ticket',
      entityId: id,
      data: { attachmentId: a.id, mime: a.mime, size: a.size },
    });
    const image = a.mime.startsWith('image/');
    res.setHeader('Content-Type', a.mime);
    res.setHeader('Content-Length', String(body.length));
    // Shown in the console (images) or saved (everything else); never interpreted as a page.
    res.setHeader('Content-Disposition', disposition(image ? 'inline' : 'attachment', a.filename ?? `${a.id}`));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cache-Control', 'private, no-store');
    res.end(body);
  });

  // Unit clerks of a unit dispatched on the ticket, and the centre's desk roles (admin does not reply).
  r.post('/tickets/:id/attachments', requireStaff('agent', 'dispatcher', 'supervisor', 'unit_clerk'), validate({ params: IdParams }), async (req, res) => {
    const id = String(req.params.id);
    await assertTicketVisible(req.ctx, id);
    // One file per call: the console uploads each as it is picked and shows its progress.
    const { files } = await readMultipart(req, { ...UPLOAD_LIMITS, files: 1 });
    if (files.length === 0) throw problem('VALIDATION_FAILED', 'no file in the files field');
    const f = files[0];
    const a = req.ctx.actor;
    // The file and who put it on the ticket, together (the reply that cites it is its own event).
    await req.ctx.db.transaction(async (tx) => {
      await storeUploads(tx, req.ctx.svc.pii, files, {
        channel: 'console',
        channelAccount: a.kind === 'staff' ? (a.unitId ?? 'centre') : '',
        ticketId: id,
        uploadedBy: a.kind === 'staff' ? a.id : null,
      });
      await writeAudit(tx, req.ctx, {
        action: 'attachment.uploaded',
        entityType: 'ticket',
        entityId: id,
        data: { storageKey: f.storageKey, mime: f.mime, size: f.size },
      });
    });
    res.status(201).json({ data: { storageKey: f.storageKey, name: f.name, mime: f.mime, size: f.size } });
  });

  return r;
}
