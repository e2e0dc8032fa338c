import type { NextFunction, Request, Response, RequestHandler } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Ctx, Services } from '../context';
import type { Db } from '../db/client';
import type { Logger } from '../log/logger';
import { Problem, problem, problemBody } from './problems';
import { errorForLog } from '../log/safe-error';

declare module 'express-serve-static-core' {
  interface Request {
    ctx: Ctx;
  }
}

export function langOf(req: Request): 'zh' | 'en' {
  const h = String(req.headers['accept-language'] ?? '');
  return /^en\b/i.test(h.trim()) ? 'en' : 'zh';
}

/** Every request gets a ctx: anonymous until the session middleware names the actor. */
export function requestContext(deps: { db: Db; log: Logger; svc: Services }): RequestHandler {
  return (req, _res, next) => {
    const requestId = (typeof req.headers['x-request-id'] === 'string' && req.headers['x-request-id'].slice(0, 64)) || randomUUID();
    req.ctx = {
      db: deps.db,
      svc: deps.svc,
      requestId,
      lang: langOf(req),
      now: () => new Date(),
      actor: { kind: 'citizen', citizenId: null },
      log: deps.log.child({ requestId }),
    };
    next();
  };
}

type Schemas = { body?: z.ZodType; query?: z.ZodType; params?: z.ZodType };
/** The parsed type of one part, `unknown` when the part has no schema (so a route cannot read it unchecked). */
type Parsed<T, K extends keyof Schemas> = T extends Record<K, infer Z extends z.ZodType> ? z.infer<Z> : unknown;

/** What `validate` leaves on `res.locals`: the parsed query and params, typed by the route's schemas. */
export type ValidLocals<T extends Schemas> = { query: Parsed<T, 'query'>; params: Parsed<T, 'params'> };

/**
 * zod at the edge: unknown fields are rejected, and the parsed value replaces the raw one. The
 * returned handler carries the parsed types, and Express gives them to the route's own handler
 * (all handlers of one route share the request type), so routes read their input typed, uncast:
 * `req.body` and `req.params` for the body and path, `res.locals.query` for the query string.
 * Express 5's `req.query` is a getter that re-parses the URL on every read and is typed as raw
 * strings, so the parsed query lives on `res.locals` (as do the params, for symmetry); it is also
 * set on `req.query` for readers further down that predate this.
 */
export function validate<T extends Schemas>(
  s: T,
): RequestHandler<Parsed<T, 'params'> & Record<string, string>, unknown, Parsed<T, 'body'>, Request['query'], ValidLocals<T> & Record<string, unknown>> {
  return (req, res, next) => {
    for (const part of ['params', 'query', 'body'] as const) {
      const schema = s[part];
      if (!schema) continue;
      const r = schema.safeParse(part === 'body' ? (req.body ?? {}) : req[part]);
      if (!r.success) throw validationProblem(r.error);
      if (part === 'query') Object.defineProperty(req, 'query', { value: r.data, writable: true });
      else (req as unknown as Record<string, unknown>)[part] = r.data;
      if (part !== 'body') (res.locals as Record<string, unknown>)[part] = r.data;
    }
    next();
  };
}

export function validationProblem(e: z.ZodError) {
  return problem('VALIDATION_FAILED', undefined, {
    errors: e.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), code: i.code, message: i.message })),
    // channels.md §3: `fields: {path: message}`, what a form needs to put each message under its field.
    fields: Object.fromEntries(
      e.issues
        .slice(0, 20)
        .reverse()
        .map((i) => [i.path.join('.') || '_', i.message]),
    ),
  });
}

/** The writes that take files (server/attachments/upload.ts reads them as a stream). */
const MULTIPART_ROUTES = [/^\/public\/appeals\/?$/, /^\/v1\/appeals\/?$/, /^\/v1\/appeals\/\d{13}\/supplements\/?$/, /^\/tickets\/[^/]+\/attachments\/?$/];

/** JSON bodies only, for every write (multipart only where files are taken); anything else is a 415, not a silent empty body. */
export const requireJson: RequestHandler = (req, _res, next) => {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'];
  const multipartOk = req.method === 'POST' && req.is('multipart/form-data') && MULTIPART_ROUTES.some((r) => r.test(req.path));
  if (['POST', 'PUT', 'PATCH'].includes(req.method) && hasBody && !req.is('application/json') && !multipartOk) throw problem('UNSUPPORTED_MEDIA_TYPE');
  next();
};

/** One renderer for every error: problem+json, no stack traces, 503 when a dependency is down. */
export function errorHandler(log: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const p = toProblem(err);
    if (p.status >= 500) (req.ctx?.log ?? log).error({ err: errSummary(err), code: p.code }, 'request failed');
    // RFC 9110 §10.2.3: a 429 says when to come back (channels.md §3); the limiter's own figure when it gave one.
    if (p.code === 'RATE_LIMITED') res.set('Retry-After', String(typeof p.extensions.retryAfter === 'number' ? p.extensions.retryAfter : 60));
    res
      .status(p.status)
      .type('application/problem+json')
      .json(problemBody(p, req.ctx?.lang ?? langOf(req), req.ctx?.requestId));
  };
}

function toProblem(err: unknown): Problem {
  if (err instanceof Problem) return err;
  if (err instanceof z.ZodError) return validationProblem(err);
  const e = err as { type?: string; status?: number; code?: string; message?: string };
  if (e?.type === 'entity.too.large') return problem('PAYLOAD_TOO_LARGE');
  if (e?.type === 'entity.parse.failed') return problem('BAD_JSON');
  if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported') return problem('UNSUPPORTED_MEDIA_TYPE');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return problem('VALIDATION_FAILED', e.message);
  // Text PostgreSQL cannot store (a NUL character, SQLSTATE 22021/22P05) is bad input, not a server fault.
  if (isUnstorableText(err)) return problem('VALIDATION_FAILED', 'text contains a character that cannot be stored (U+0000)');
  // PostgreSQL unreachable / pool timeout / Redis offline: a clear 503, never a hang.
  if (isDependencyDown(err)) return problem('SERVICE_UNAVAILABLE');
  return problem('INTERNAL');
}

const DOWN_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);
const DOWN_MESSAGE =
  /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED|Stream isn't writeable|not queryable|Connection is closed|MaxRetriesPerRequest/i;

/**
 * The database or Redis went away under this request. Drizzle wraps a driver error in its own
 * ("Failed query: begin") with the driver's as `cause`, so the whole chain is looked at: without
 * that, a PostgreSQL stopped mid-transaction answered 500 instead of 503 (PostgreSQL outage fault test).
 */
export function isDependencyDown(err: unknown): boolean {
  let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 5; depth++, e = e.cause as typeof e) {
    if (DOWN_CODES.has(String(e.code)) || DOWN_MESSAGE.test(String(e.message ?? ''))) return true;
  }
  return false;
}

/** PostgreSQL refused a character in a text value (U+0000): the caller's input, not our fault. */
export function isUnstorableText(err: unknown): boolean {
  const code = String((err as { code?: string; cause?: { code?: string } })?.code ?? (err as { cause?: { code?: string } })?.cause?.code ?? '');
  return code === '22021' || code === '22P05';
}

const errSummary = errorForLog;
