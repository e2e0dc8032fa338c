import { Router } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { sql } from 'drizzle-orm';
import { validate, validationProblem } from '../platform/http/middleware';
import { readMultipart, type UploadedFile } from '../attachments/upload';
import { storeUploads } from '../attachments/store';
import { problem } from '../platform/http/problems';
import type { RateLimiter } from '../platform/http/rate-limit';
import { normalizeMobile } from '../identity/checks';
import { registerTicket } from '../tickets/use-cases/register-ticket';
import type { Ctx } from '../platform/context';
import type { SmsSender } from './sms-sender';
import { issueSmsCode, verifySmsCode } from './sms-codes';
import type { smsCodeLimits } from './sms-limits';
import { presentPublicTicket } from './present';
import { ticketOfProvenPhone } from './ownership';
import { trackCodeFor, trackCodeMatches } from './track-code';

const Phone = z.string().trim().max(20);
const SmsCodeInput = z.strictObject({ phone: Phone, purpose: z.enum(['submit', 'track']).default('submit'), captcha: z.string().max(4096).optional() });
const SubmitAppealInput = z.strictObject({
  phone: Phone,
  code: z.string().regex(/^\d{6}$/),
  name: z.string().trim().max(64).optional(),
  title: z.string().trim().max(200).optional(),
  content: z.string().trim().min(5).max(5000),
  categoryHint: z.string().max(32).optional(),
  address: z.string().trim().max(500).optional(),
  anonymousToUnits: z.boolean().optional(),
});
const TrackInput = z.union([
  z.strictObject({ number: z.string().regex(/^\d{13}$/), phone: Phone, code: z.string().regex(/^\d{6}$/) }),
  // Any text up to 64 characters: a malformed code is answered in words by trackCodeMatches, not with a pattern.
  z.strictObject({ number: z.string().regex(/^\d{13}$/), trackToken: z.string().max(64) }),
]);

export function mobile(phone: string) {
  const m = normalizeMobile(phone);
  if (!m.ok) throw problem('PHONE_INVALID');
  return m.normalized;
}

/** A tracking code printed with the ticket number lets the citizen come back without a new SMS (track-code.ts). */
export const trackTokenFor = (ctx: Ctx, number: string) => trackCodeFor(ctx, number);

export function citizenRoutes(deps: { sms: SmsSender; limiter: RateLimiter; smsLimits: ReturnType<typeof smsCodeLimits> }) {
  const r = Router();

  r.post('/public/sms-codes', validate({ body: SmsCodeInput }), async (req, res) => {
    const b = req.body;
    const phone = mobile(b.phone);
    await deps.smsLimits.admit({ ip: String(req.ip), phoneHash: req.ctx.svc.pii.hash('phone', phone), captchaToken: b.captcha });
    res.status(202).json({ data: await issueSmsCode(req.ctx, deps.sms, phone, b.purpose) });
  });

  /**
   * JSON, or multipart/form-data with the same fields as a `payload` JSON part plus up to 9 `files`
   * (channels.md §3): the files are checked while they stream in, then stored with the ticket in
   * its one transaction, so a refused file leaves no ticket and a refused appeal leaves no file.
   */
  r.post('/public/appeals', async (req, res) => {
    let body: unknown = req.body ?? {};
    let files: UploadedFile[] = [];
    if (req.is('multipart/form-data')) {
      const form = await readMultipart(req);
      files = form.files;
      try {
        body = JSON.parse(form.fields.payload ?? '');
      } catch {
        throw problem('BAD_JSON', 'the payload field must be JSON');
      }
    }
    const parsed = SubmitAppealInput.safeParse(body);
    if (!parsed.success) throw validationProblem(parsed.error);
    const b = parsed.data;
    const phone = mobile(b.phone);
    if (!(await deps.limiter.hit(`appeal-ip:${req.ip}`, 60, 3600))) throw problem('RATE_LIMITED');
    await verifySmsCode(req.ctx, phone, 'submit', b.code);
    const result = await registerTicket(
      req.ctx,
      {
        channel: 'web',
        channelAccount: 'portal',
        externalId: `web-${randomUUID()}`,
        citizen: { phone, name: b.name, anonymousToUnits: b.anonymousToUnits },
        content: { text: b.content, title: b.title },
        location: b.address ? { address: b.address } : undefined,
        hints: b.categoryHint ? { categoryCode: b.categoryHint } : undefined,
        attachments: files.map((f) => ({ kind: f.kind, mime: f.mime, size: f.size, sha256: f.sha256, name: f.name, storageKey: f.storageKey })),
        replyRoute: { channel: 'sms', address: phone },
      },
      {},
      (tx, ticketId) => storeUploads(tx, req.ctx.svc.pii, files, { channel: 'web', channelAccount: 'portal', ticketId }),
    );
    res.status(201).json({ data: { number: result.number, trackToken: trackTokenFor(req.ctx, result.number) } });
  });

  r.post('/public/track', validate({ body: TrackInput }), async (req, res) => {
    const b = req.body;
    if (!(await deps.limiter.hit(`track-ip:${req.ip}`, 120, 3600))) throw problem('RATE_LIMITED');
    const ticket = await ticketByNumber(req.ctx, b.number);
    if ('trackToken' in b) {
      if (!trackCodeMatches(req.ctx, b.number, b.trackToken) || !ticket) throw problem('TICKET_NOT_FOUND');
    } else {
      const phone = mobile(b.phone);
      await verifySmsCode(req.ctx, phone, 'track', b.code);
      if (!(await ticketOfProvenPhone(req.ctx, b.number, phone))) throw problem('TICKET_NOT_FOUND');
    }
    res.json({ data: await presentPublicTicket(req.ctx, ticket!.id) });
  });

  return r;
}

async function ticketByNumber(ctx: Ctx, number: string) {
  const r = await ctx.db.execute<{ id: string; citizenId: string | null }>(sql`select id, citizen_id as "citizenId" from tickets where number = ${number}`);
  return r.rows[0] ?? null;
}
