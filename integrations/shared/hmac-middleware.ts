/**
 * Express guard for §0.3-signed webhooks. Reads the raw body (limit), verifies, and leaves
 * the verified bytes in `res.locals.rawBody` for the route to parse. Failures answer
 * 401/413 `{code, message}` and never reach the route.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { verifyRequest, type VerifyOptions } from './hmac';
import { sendError } from './errors';
import { BodyConsumedError, BodyTooLargeError, readRawBody } from './raw-body';

export function hmacGuard(opts: VerifyOptions & { limitBytes?: number }): RequestHandler {
  const limit = opts.limitBytes ?? 256 * 1024;
  return async (req: Request, res: Response, next: NextFunction) => {
    let body: Buffer;
    try {
      body = await readRawBody(req, limit);
    } catch (e) {
      if (e instanceof BodyTooLargeError) {
        res.setHeader('Connection', 'close');
        return sendError(req, res, 413, 'PAYLOAD_TOO_LARGE');
      }
      if (e instanceof BodyConsumedError) return sendError(req, res, 500, 'INTERNAL');
      return sendError(req, res, 400, 'MALFORMED_BODY');
    }
    const result = await verifyRequest({ method: req.method, path: req.originalUrl, headers: req.headers, body }, opts);
    if (!result.ok) return sendError(req, res, result.status, result.code);
    res.locals.rawBody = body;
    res.locals.keyId = result.keyId;
    next();
  };
}
