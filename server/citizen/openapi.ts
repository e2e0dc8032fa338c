import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  AppealCreated,
  AppealPayload,
  CaptchaResponse,
  ProblemResponse,
  RatingReceipt,
  RatingRequest,
  SmsCodeAccepted,
  SmsCodeRequest,
  SmsTokenResponse,
  SmsVerifyRequest,
  SupplementCreated,
  SupplementPayload,
  TicketNo,
  TrackingLookupRequest,
  TrackingView,
} from './public-api-schemas';

/**
 * The OpenAPI 3.1 document of /api/v1, generated from the zod schemas the routes parse with
 * (@asteasolutions/zod-to-openapi). Served at GET /api/v1/openapi.json; the integration test
 * validates live responses against it, so a response that changes shape fails CI.
 */
let cached: object | null = null;

const json = (schema: z.ZodType, description: string): ResponseConfig => ({ description, content: { 'application/json': { schema } } });
const problemOf = (description: string): ResponseConfig => ({ description, content: { 'application/problem+json': { schema: ProblemResponse } } });
const TOO_MANY: ResponseConfig = {
  ...problemOf('RATE_LIMITED; see the Retry-After header (seconds).'),
  headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait.' } },
};
const INVALID = problemOf('VALIDATION_FAILED (with `fields`), or PHONE_INVALID.');
const DOWN = problemOf('SERVICE_UNAVAILABLE: a write while the rate-limit store (Redis) is away fails closed.');

export function buildOpenApiDocument() {
  if (cached) return cached;
  const reg = new OpenAPIRegistry();
  reg.registerPath({
    method: 'get',
    path: '/captcha',
    summary: 'An image captcha for anonymous visitors (2 minutes, one answer).',
    tags: ['verification'],
    responses: { 200: json(CaptchaResponse, 'The captcha.'), 429: TOO_MANY, 503: DOWN },
  });
  reg.registerPath({
    method: 'post',
    path: '/sms-codes',
    summary: 'Send a 6-digit SMS code (5 minutes, 5 tries).',
    tags: ['verification'],
    description: 'The same 202 for any valid number. Limits: 1/min, 5/h, 10/day per phone; 20/h per IP. A captcha, when given, must be right.',
    request: { body: { content: { 'application/json': { schema: SmsCodeRequest } } } },
    responses: {
      202: json(SmsCodeAccepted, 'Sent (or would be).'),
      400: INVALID,
      401: problemOf('CAPTCHA_INVALID'),
      428: problemOf('CAPTCHA_REQUIRED'),
      429: TOO_MANY,
      503: DOWN,
    },
  });
  reg.registerPath({
    method: 'post',
    path: '/sms-codes/verify',
    summary: 'Exchange a code for a 15-minute smsToken bound to phone and purpose.',
    tags: ['verification'],
    request: { body: { content: { 'application/json': { schema: SmsVerifyRequest } } } },
    responses: { 200: json(SmsTokenResponse, 'The token.'), 400: INVALID, 401: problemOf('CODE_INVALID') },
  });
  reg.registerPath({
    method: 'post',
    path: '/appeals',
    summary: 'Submit an appeal (诉求) with up to 9 files.',
    tags: ['appeals'],
    description:
      'multipart/form-data: `payload` (AppealPayload as JSON) + `files` (≤9, each ≤20 MB, ≤50 MB in all; jpg/png/webp/heic, ' +
      'mp3/amr/m4a/wav, mp4/mov, pdf — decided by the bytes). application/json (no files) is accepted too. ' +
      'Idempotency-Key (UUID): a replay within 24 h answers with the original 201 body. Limits: 5/h and 20/day per phone, 30/h per IP.',
    request: {
      headers: z.object({ 'Idempotency-Key': z.uuid().optional() }),
      body: {
        content: {
          'multipart/form-data': {
            schema: z.object({
              payload: z.string().openapi({ description: 'AppealPayload as JSON' }),
              files: z
                .array(z.string().openapi({ format: 'binary' }))
                .max(9)
                .optional(),
            }),
          },
          'application/json': { schema: AppealPayload },
        },
      },
    },
    responses: {
      201: json(AppealCreated, 'Registered (or the original answer to a replay).'),
      400: INVALID,
      401: problemOf('CODE_INVALID (smsToken) or CAPTCHA_INVALID'),
      409: problemOf('IDEMPOTENCY_KEY_REUSED (older than 24 h)'),
      413: problemOf('PAYLOAD_TOO_LARGE'),
      415: problemOf('UNSUPPORTED_MEDIA: a file type that is not accepted, or one whose extension lies'),
      429: TOO_MANY,
      503: DOWN,
    },
  });
  reg.registerPath({
    method: 'post',
    path: '/tracking/lookup',
    summary: 'The citizen view of one appeal.',
    tags: ['tracking'],
    description: 'Needs a `track` smsToken of a phone proven on the ticket. The same 404 NOT_FOUND whether the number exists or not. 20/h per IP.',
    request: { body: { content: { 'application/json': { schema: TrackingLookupRequest } } } },
    responses: {
      200: json(TrackingView, 'Status, public timeline (no staff names, no internal notes), reply.'),
      400: INVALID,
      401: problemOf('CODE_INVALID'),
      404: problemOf('NOT_FOUND'),
      429: TOO_MANY,
    },
  });
  const ticketParams = z.object({ ticketNo: TicketNo });
  reg.registerPath({
    method: 'post',
    path: '/appeals/{ticketNo}/supplements',
    summary: "Add text and files to one's own open appeal.",
    tags: ['appeals'],
    description: 'Same auth as tracking; multipart (`payload` = SupplementPayload as JSON, `files`) or JSON.',
    request: {
      params: ticketParams,
      body: {
        content: {
          'multipart/form-data': {
            schema: z.object({
              payload: z.string(),
              files: z
                .array(z.string().openapi({ format: 'binary' }))
                .max(9)
                .optional(),
            }),
          },
          'application/json': { schema: SupplementPayload },
        },
      },
    },
    responses: {
      201: json(SupplementCreated, 'Added to the timeline.'),
      400: INVALID,
      401: problemOf('CODE_INVALID'),
      404: problemOf('NOT_FOUND'),
      409: problemOf('TICKET_STATE_CONFLICT: the appeal is no longer open'),
      413: problemOf('PAYLOAD_TOO_LARGE'),
      415: problemOf('UNSUPPORTED_MEDIA'),
      429: TOO_MANY,
      503: DOWN,
    },
  });
  reg.registerPath({
    method: 'post',
    path: '/appeals/{ticketNo}/ratings',
    summary: 'Rate the handling (好差评), once per ticket per callback round.',
    tags: ['ratings'],
    request: { params: ticketParams, body: { content: { 'application/json': { schema: RatingRequest } } } },
    responses: {
      201: json(RatingReceipt, 'Recorded.'),
      200: json(RatingReceipt, 'The same score again: the first rating, duplicate=true.'),
      400: INVALID,
      401: problemOf('CODE_INVALID'),
      404: problemOf('NOT_FOUND'),
      409: problemOf('TICKET_NOT_CLOSED, or RATING_ALREADY_SUBMITTED with another score'),
      429: TOO_MANY,
      503: DOWN,
    },
  });
  cached = new OpenApiGeneratorV31(reg.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Rexian 12345 public API',
      version: '1.0.0',
      description: 'The citizen side of the 12345 hotline for apps, WeChat mini programs and partner systems. See docs/PUBLIC-API.md.',
    },
    servers: [{ url: '/api/v1' }],
  });
  return cached;
}
