import { Router, type Request } from 'express';
import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { sql } from 'drizzle-orm';
import type { z } from 'zod';
import { validate, validationProblem } from '../platform/http/middleware';
import { Problem, problem } from '../platform/http/problems';
import { redisLimit, type LimitSpec } from '../platform/http/flexible-limit';
import { readMultipart, type UploadedFile } from '../attachments/upload';
import { storeUploads } from '../attachments/store';
import { normalizeMobile } from '../identity/checks';
import { registerTicket } from '../tickets/use-cases/register-ticket';
import { iso } from '../tickets/present';
import { submitPublicRating } from '../reviews/use-cases/submit-public-rating';
import { SCORE_LABELS } from '../reviews/present';
import { RATEABLE } from '../reviews/use-cases/submit-rating';
import type { Ctx } from '../platform/context';
import type { SmsSender } from './sms-sender';
import type { smsCodeLimits } from './sms-limits';
import { issueSmsCode, verifySmsCode } from './sms-codes';
import { issueSmsToken, requireSmsToken } from './sms-token';
import type { CaptchaStore } from './svg-captcha';
import { ticketOfProvenPhone } from './ownership';
import { presentPublicTicket } from './present';
import { supplementAppeal } from './supplement';
import { buildOpenApiDocument } from './openapi';
import { AppealPayload, RatingRequest, SmsCodeRequest, SmsVerifyRequest, SupplementPayload, TicketNo, TrackingLookupRequest } from './public-api-schemas';

/**
 * Our defaults for the limits of channels.md §3/§4.3 (the spec calls them configurable: one object).
 * Writes fail closed while Redis is away (503); tracking reads keep a per-node memory count (open).
 */
export const PUBLIC_API_LIMITS = {
  appealsPerIpHour: 30,
  appealsPerPhoneHour: 5,
  appealsPerPhoneDay: 20,
  lookupsPerIpHour: 20,
  smsCodesPerIpHour: 20,
  smsCodesPerPhoneHour: 5,
  supplementsPerIpHour: 30,
  ratingsPerIpHour: 30,
  captchasPerIpHour: 120,
} as const;

/** An Idempotency-Key answers with the original 201 body for this long (channels.md §3). */
const IDEMPOTENCY_WINDOW_MS = 24 * 3600_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface PublicApiDeps {
  sms: SmsSender;
  smsLimits: ReturnType<typeof smsCodeLimits>;
  captcha: CaptchaStore;
  redis: Redis;
  prefix: string;
}

const phoneOf = (raw: string) => {
  const m = normalizeMobile(raw);
  if (!m.ok) throw problem('PHONE_INVALID');
  return m.normalized;
};

/** The v1 answer for "no such ticket for you": one code, whether the number exists or not. */
async function ownTicket(ctx: Ctx, ticketNo: string, phone: string) {
  const t = await ticketOfProvenPhone(ctx, ticketNo, phone);
  if (!t) throw problem('NOT_FOUND');
  return t;
}

/** JSON, or multipart/form-data with the JSON in a `payload` part and the files in `files`. */
async function readPayload<S extends z.ZodType>(req: Request, schema: S): Promise<{ body: z.infer<S>; files: UploadedFile[] }> {
  let raw: unknown = req.body ?? {};
  let files: UploadedFile[] = [];
  if (req.is('multipart/form-data')) {
    const form = await readMultipart(req);
    files = form.files;
    try {
      raw = JSON.parse(form.fields.payload ?? '');
    } catch {
      throw problem('VALIDATION_FAILED', 'the payload part must be JSON', { fields: { payload: 'must be JSON' } });
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw validationProblem(parsed.error);
  return { body: parsed.data, files };
}

/** Maps an older code of the shared use cases to the v1 code the spec names. */
function v1Code(e: unknown): never {
  if (e instanceof Problem) {
    if (e.code === 'TICKET_NOT_FOUND') throw problem('NOT_FOUND');
    if (e.code === 'SMS_CODE_INVALID') throw problem('CODE_INVALID');
  }
  throw e;
}

/**
 * The public API of channels.md §3 and §4.3 under /api/v1, for the H5 portal, WeChat mini programs
 * and partner apps. Routes only map: the use cases are the portal's (sms-codes.ts, registerTicket,
 * presentPublicTicket, submitPublicRating) and supplement.ts.
 */
export function publicApiRoutes(deps: PublicApiDeps) {
  const r = Router();
  const limits = new Map<string, ReturnType<typeof redisLimit>>();
  const take = async (spec: LimitSpec, key: string) => {
    let l = limits.get(spec.name);
    if (!l) limits.set(spec.name, (l = redisLimit(deps.redis, deps.prefix, spec)));
    let d;
    try {
      d = await l.take(key);
    } catch {
      // Only a fail-closed limit throws: Redis is away, and anonymous writes stop rather than go uncounted.
      throw problem('SERVICE_UNAVAILABLE', 'rate limits are unavailable');
    }
    if (!d.allowed) throw problem('RATE_LIMITED', undefined, { retryAfter: d.retryAfterSeconds });
  };
  const closed = (name: string, points: number, durationSeconds: number): LimitSpec => ({ name: `v1-${name}`, points, durationSeconds, failClosed: true });
  const L = PUBLIC_API_LIMITS;

  r.get('/v1/openapi.json', (_req, res) => {
    res.json(buildOpenApiDocument());
  });

  r.get('/v1/captcha', async (req, res) => {
    await take(closed('captcha-ip', L.captchasPerIpHour, 3600), String(req.ip));
    res.set('Cache-Control', 'no-store').json(await deps.captcha.create());
  });

  r.post('/v1/sms-codes', validate({ body: SmsCodeRequest }), async (req, res) => {
    const b = req.body;
    const phone = phoneOf(b.phone);
    const phoneHash = req.ctx.svc.pii.hash('phone', phone);
    await take(closed('sms-ip', L.smsCodesPerIpHour, 3600), String(req.ip));
    if (b.captchaId || b.captcha) await deps.captcha.check(b.captchaId, b.captcha);
    await deps.smsLimits.admit({ ip: String(req.ip), phoneHash, captchaSolved: !!b.captchaId });
    await take(closed('sms-phone-hour', L.smsCodesPerPhoneHour, 3600), phoneHash);
    const sent = await issueSmsCode(req.ctx, deps.sms, phone, b.purpose);
    res.status(202).json({ accepted: true, expiresInSeconds: sent.expiresInSeconds });
  });

  r.post('/v1/sms-codes/verify', validate({ body: SmsVerifyRequest }), async (req, res) => {
    const b = req.body;
    const phone = phoneOf(b.phone);
    await verifySmsCode(req.ctx, phone, b.purpose, b.code).catch(v1Code);
    res.json(issueSmsToken(req.ctx, phone, b.purpose));
  });

  r.post('/v1/appeals', async (req, res) => {
    const key = req.get('Idempotency-Key');
    if (key !== undefined && !UUID.test(key)) {
      throw problem('VALIDATION_FAILED', 'Idempotency-Key must be a UUID', { fields: { 'Idempotency-Key': 'must be a UUID' } });
    }
    await take(closed('appeal-ip', L.appealsPerIpHour, 3600), String(req.ip));
    const { body: b, files } = await readPayload(req, AppealPayload);
    const phone = phoneOf(b.contact.phone);
    const phoneHash = req.ctx.svc.pii.hash('phone', phone);
    // The key is the client's: scoped by the phone so one client's key can never answer with another citizen's ticket.
    const externalId = key ? `v1-${key.toLowerCase()}-${phoneHash.slice(-16)}` : `v1-${randomUUID()}`;
    if (key) {
      const first = await createdFor(req.ctx, externalId);
      if (first) {
        if (req.ctx.now().getTime() - first.createdAt.getTime() > IDEMPOTENCY_WINDOW_MS) throw problem('IDEMPOTENCY_KEY_REUSED');
        res.status(201).json(created(first.number, first.createdAt));
        return;
      }
    }
    requireSmsToken(req.ctx, phone, b.smsToken, ['submit']);
    await deps.captcha.check(b.captchaId, b.captcha);
    await take(closed('appeal-phone-hour', L.appealsPerPhoneHour, 3600), phoneHash);
    await take(closed('appeal-phone-day', L.appealsPerPhoneDay, 86_400), phoneHash);
    const result = await registerTicket(
      req.ctx,
      {
        channel: 'web',
        channelAccount: 'portal',
        externalId,
        citizen: { phone, name: b.contact.name, anonymousToUnits: b.anonymousToUnits },
        content: { text: b.content, title: b.title },
        location: { address: b.location.address, lat: b.location.lat, lng: b.location.lng, divisionCode: b.location.divisionCode },
        hints: b.appealType ? { appealType: b.appealType } : undefined,
        attachments: files.map((f) => ({ kind: f.kind, mime: f.mime, size: f.size, sha256: f.sha256, name: f.name, storageKey: f.storageKey })),
        replyRoute: { channel: 'sms', address: phone },
      },
      {},
      (tx, ticketId) => storeUploads(tx, req.ctx.svc.pii, files, { channel: 'web', channelAccount: 'portal', ticketId }),
    );
    // A parallel retry with the same key lost the race: it answers with the winner's ticket, as a replay would.
    const first = result.created ? { number: result.number, createdAt: result.created.at } : await createdFor(req.ctx, externalId);
    res.status(201).json(created(first!.number, first!.createdAt));
  });

  r.post('/v1/tracking/lookup', validate({ body: TrackingLookupRequest }), async (req, res) => {
    // A read: its limit keeps counting in this node's memory while Redis is away (open for tracking reads).
    await take({ name: 'v1-lookup-ip', points: L.lookupsPerIpHour, durationSeconds: 3600 }, String(req.ip));
    const b = req.body;
    const phone = phoneOf(b.phone);
    requireSmsToken(req.ctx, phone, b.smsToken, ['track']);
    const t = await ownTicket(req.ctx, b.ticketNo, phone);
    const view = await presentPublicTicket(req.ctx, t.id);
    const { number, ...rest } = view;
    res.json({ ticketNo: number, ...rest, rateable: RATEABLE.includes(view.status) });
  });

  r.post('/v1/appeals/:ticketNo/supplements', async (req, res) => {
    const ticketNo = TicketNo.safeParse(req.params.ticketNo);
    if (!ticketNo.success) throw problem('NOT_FOUND');
    await take(closed('supplement-ip', L.supplementsPerIpHour, 3600), String(req.ip));
    const { body: b, files } = await readPayload(req, SupplementPayload);
    const phone = phoneOf(b.phone);
    requireSmsToken(req.ctx, phone, b.smsToken, ['track', 'submit']);
    const t = await ownTicket(req.ctx, ticketNo.data, phone);
    const out = await supplementAppeal(req.ctx, t.id, { text: b.text, files, channel: 'web', channelAccount: 'portal' });
    res.status(201).json({ ticketNo: ticketNo.data, supplementedAt: iso(out.at), files: out.files });
  });

  r.post('/v1/appeals/:ticketNo/ratings', validate({ body: RatingRequest }), async (req, res) => {
    const ticketNo = TicketNo.safeParse(req.params.ticketNo);
    if (!ticketNo.success) throw problem('NOT_FOUND');
    await take(closed('rating-ip', L.ratingsPerIpHour, 3600), String(req.ip));
    const b = req.body;
    const phone = phoneOf(b.phone);
    requireSmsToken(req.ctx, phone, b.smsToken, ['track']);
    await ownTicket(req.ctx, ticketNo.data, phone);
    const out = await submitPublicRating(req.ctx, {
      number: ticketNo.data,
      verifiedPhone: phone,
      score: b.score,
      result: b.solved ? 'solved' : 'unsolved',
      comment: b.comment,
    }).catch(v1Code);
    res.status(out.duplicate ? 200 : 201).json({
      ticketNo: ticketNo.data,
      score: out.rating.score,
      label: SCORE_LABELS[out.rating.score],
      duplicate: out.duplicate,
      createdAt: iso(out.rating.createdAt),
    });
  });

  return r;
}

const created = (ticketNo: string, createdAt: Date) => ({ ticketNo, trackingUrl: `/track?ticketNo=${ticketNo}`, createdAt: iso(createdAt) });

async function createdFor(ctx: Ctx, externalId: string) {
  const r = await ctx.db.execute<{ number: string; createdAt: Date | string }>(sql`select number, created_at as "createdAt" from tickets
    where channel = 'web' and channel_account = 'portal' and external_id = ${externalId}`);
  const row = r.rows[0];
  return row ? { number: row.number, createdAt: new Date(row.createdAt) } : null;
}
