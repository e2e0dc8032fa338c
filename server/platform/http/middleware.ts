import type { NextFunction, Request, Response, RequestHandler } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Ctx, Services } from '../context';
import type { Db } from '../db/client';
import type { Logger } from '../log/logger';
import { Problem, problem, problemBody } from './problems';

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
      db: deps.db, svc: deps.svc, requestId, lang: langOf(req), now: () => new Date(),
      actor: { kind: 'citizen', citizenId: null },
      log: deps.log.child({ requestId }),
    };
    next();
  };
}

type Schemas = { body?: z.ZodType; query?: z.ZodType; params?: z.ZodType };

/** zod at the edge: unknown fields are rejected, and the parsed value replaces the raw one. */
export function validate(s: Schemas): RequestHandler {
  return (req, _res, next) => {
    for (const part of ['params', 'query', 'body'] as const) {
      const schema = s[part];
      if (!schema) continue;
      const r = schema.safeParse(part === 'body' ? (req.body ?? {}) : req[part]);
      if (!r.success) throw validationProblem(r.error);
      if (part === 'query') Object.defineProperty(req, 'query', { value: r.data, writable: true });
      else (req as unknown as Record<string, unknown>)[part] = r.data;
    }
    next();
  };
}

export function validationProblem(e: z.ZodError) {
  return problem('VALIDATION_FAILED', undefined, {
    errors: e.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), code: i.code, message: i.message })),
  });
}

/** JSON bodies only, for every write; anything else is a 415, not a silent empty body. */
export const requireJson: RequestHandler = (req, _res, next) => {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'];
  if (['POST', 'PUT', 'PATCH'].includes(req.method) && hasBody && !req.is('application/json')) throw problem('UNSUPPORTED_MEDIA_TYPE');
  next();
};

/** One renderer for every error: problem+json, no stack traces, 503 when a dependency is down. */
export function errorHandler(log: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const p = toProblem(err);
    if (p.status >= 500) (req.ctx?.log ?? log).error({ err: errSummary(err), code: p.code }, 'request failed');
    res.status(p.status).type('application/problem+json').json(problemBody(p, req.ctx?.lang ?? langOf(req), req.ctx?.requestId));
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
  // PostgreSQL unreachable / pool timeout / Redis offline: a clear 503, never a hang.
  const msg = String(e?.message ?? '');
  if (['ECONNREFUSED', 'ECONNRESET', '57P01', '57P03', '08006', '08001'].includes(String(e?.code)) ||
      /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED|Stream isn't writeable/i.test(msg)) {
    return problem('SERVICE_UNAVAILABLE');
  }
  return problem('INTERNAL');
}

function errSummary(err: unknown) {
  const e = err as Error;
  return { name: e?.name, message: e?.message, stack: e?.stack?.split('\n').slice(0, 6).join('\n') };
}
