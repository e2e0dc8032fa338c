/**
 * Reads the raw request body with a hard byte limit. Signatures (§0.3, WeChat) are computed
 * over the exact bytes, so every channel reads raw first and parses after verifying.
 */
import type { Request } from 'express';

export class BodyTooLargeError extends Error {
  constructor() {
    super('body too large');
  }
}

/** A body parser mounted before the channel router ate the bytes: a wiring bug, not bad input. */
export class BodyConsumedError extends Error {
  constructor() {
    super('request body already consumed: mount channel routers before body parsers');
  }
}

export async function readRawBody(req: Request, limitBytes: number): Promise<Buffer> {
  // A body parser mounted earlier may already have consumed the stream.
  if (Buffer.isBuffer(req.body)) {
    if (req.body.length > limitBytes) throw new BodyTooLargeError();
    return req.body;
  }
  // Another parser (express.json/urlencoded) already consumed the stream: the exact bytes the
  // signature covers are gone, so fail loudly instead of waiting for an 'end' that never comes.
  if (req.readableEnded) throw new BodyConsumedError();
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) throw new BodyTooLargeError();
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let done = false;
    req.on('data', (c: Buffer) => {
      if (done) return;
      total += c.length;
      if (total > limitBytes) {
        done = true;
        // Stop reading; the caller answers 413 and the connection is closed after the reply.
        req.pause();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!done) {
        done = true;
        resolve(Buffer.concat(chunks));
      }
    });
    req.on('error', (e) => {
      if (!done) {
        done = true;
        reject(e);
      }
    });
  });
}
