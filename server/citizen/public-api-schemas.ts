/**
 * The contract of the public API /api/v1 (channels.md §3, §4.3): one zod schema per request and
 * response, the same objects the routes parse with and server/citizen/openapi.ts describes — the
 * document cannot drift from what the server checks.
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { normalizeMobile } from '../identity/checks';
import { APPEAL_TYPES } from '../tickets/tables';

extendZodWithOpenApi(z);

export const Phone = z
  .string()
  .trim()
  .max(20)
  .refine((v) => normalizeMobile(v).ok, { message: '手机号码格式不正确 / not a mainland mobile number' })
  .openapi({ example: '13812345678', description: 'Mainland mobile number (11 digits, +86 allowed).' });
export const Purpose = z.enum(['submit', 'track']).openapi({ description: '`submit` for a new appeal; `track` for lookup, supplements and ratings.' });
export const SmsToken = z.string().max(200).openapi({ description: 'From POST /api/v1/sms-codes/verify; 15 minutes, bound to phone and purpose.' });
export const TicketNo = z
  .string()
  .regex(/^\d{13}$/)
  .openapi({ example: '2026120500001' });

export const CaptchaResponse = z
  .object({
    captchaId: z.uuid(),
    svg: z.string().openapi({ description: 'An SVG image (image/svg+xml) to show as is.' }),
    expiresInSeconds: z.number().int(),
  })
  .openapi('Captcha');

export const SmsCodeRequest = z
  .strictObject({
    phone: Phone,
    purpose: Purpose,
    captchaId: z.uuid().optional(),
    captcha: z.string().max(16).optional(),
  })
  .openapi('SmsCodeRequest');
export const SmsCodeAccepted = z
  .object({
    accepted: z.literal(true),
    expiresInSeconds: z.number().int().openapi({ description: 'How long the code is good for.' }),
  })
  .openapi('SmsCodeAccepted');

export const SmsVerifyRequest = z.strictObject({ phone: Phone, purpose: Purpose, code: z.string().regex(/^\d{6}$/) }).openapi('SmsVerifyRequest');
export const SmsTokenResponse = z.object({ smsToken: SmsToken, expiresInSeconds: z.number().int() }).openapi('SmsToken');

export const AppealPayload = z
  .strictObject({
    title: z.string().trim().max(200).optional(),
    content: z.string().trim().min(10).max(2000),
    appealType: z.enum(APPEAL_TYPES).optional(),
    location: z.strictObject({
      address: z.string().trim().min(1).max(500),
      lat: z.number().min(-90).max(90).optional(),
      lng: z.number().min(-180).max(180).optional(),
      divisionCode: z
        .string()
        .regex(/^\d{6,12}$/)
        .optional(),
    }),
    contact: z.strictObject({ name: z.string().trim().max(64).optional(), phone: Phone }),
    anonymousToUnits: z.boolean().optional().openapi({ description: 'Hide name and number from the handling units (the centre still sees them).' }),
    smsToken: SmsToken.openapi({ description: 'A `submit` token for contact.phone.' }),
    captchaId: z.uuid().optional(),
    captcha: z.string().max(16).optional().openapi({ description: 'Required: the answer to GET /api/v1/captcha.' }),
  })
  .openapi('AppealPayload');
export const AppealCreated = z
  .object({
    ticketNo: TicketNo,
    trackingUrl: z.string().openapi({ example: '/track?ticketNo=2026120500001' }),
    createdAt: z.iso.datetime({ offset: true }),
  })
  .openapi('AppealCreated');

export const TrackingLookupRequest = z.strictObject({ ticketNo: TicketNo, phone: Phone, smsToken: SmsToken }).openapi('TrackingLookupRequest');
export const TimelineEntry = z.object({ at: z.string(), type: z.string(), label: z.string() }).loose();
/** What the citizen reads of their ticket; extra fields may be added (never removed) — clients ignore what they do not know. */
export const TrackingView = z
  .object({
    ticketNo: TicketNo,
    status: z.string(),
    statusLabel: z.string(),
    createdAt: z.string(),
    title: z.string().nullable(),
    content: z.string().nullable(),
    replyText: z.string().nullable(),
    timeline: z.array(TimelineEntry),
    rateable: z.boolean().openapi({ description: 'True when POST …/ratings may be called now.' }),
  })
  .loose()
  .openapi('TrackingView');

export const SupplementPayload = z
  .strictObject({
    phone: Phone,
    smsToken: SmsToken,
    text: z.string().trim().min(1).max(2000),
  })
  .openapi('SupplementPayload');
export const SupplementCreated = z.object({ ticketNo: TicketNo, supplementedAt: z.string(), files: z.number().int() }).openapi('SupplementCreated');

export const RatingRequest = z
  .strictObject({
    phone: Phone,
    smsToken: SmsToken,
    score: z.number().int().min(1).max(5),
    solved: z.boolean().openapi({ description: 'Was the matter solved? (回访: 已解决 / 未解决)' }),
    comment: z.string().trim().max(500).optional(),
  })
  .openapi('RatingRequest');
export const RatingReceipt = z
  .object({
    ticketNo: TicketNo,
    score: z.number().int(),
    label: z.string(),
    duplicate: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('RatingReceipt');

export const ProblemResponse = z
  .object({
    type: z.string(),
    status: z.number().int(),
    code: z.string(),
    title: z.string(),
    message: z.string(),
    detail: z.string().optional(),
    requestId: z.string().optional(),
    fields: z.record(z.string(), z.string()).optional().openapi({ description: 'VALIDATION_FAILED: message per field path.' }),
  })
  .loose()
  .openapi('Problem');
