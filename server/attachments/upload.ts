/**
 * multipart/form-data uploads (citizen portal appeal, unit reply files), read as a stream with
 * busboy: the limits of channels.md §3 are enforced while the bytes arrive, so an oversize or
 * wrongly typed file is refused at the byte that breaks the rule, not after buffering it all.
 */
import type { Request } from 'express';
import Busboy from 'busboy';
import { createHash, randomUUID } from 'node:crypto';
import { problem, type Problem } from '../platform/http/problems';
import { sniff, SNIFF_BYTES, type AttachmentKind } from './sniff';

const MB = 1024 * 1024;
/** channels.md §3: ≤9 files, each ≤20 MB, ≤50 MB together. */
export const UPLOAD_LIMITS = { files: 9, fileBytes: 20 * MB, totalBytes: 50 * MB } as const;
/** Room for the form fields and part headers beside the files, when judging Content-Length up front. */
const OVERHEAD = 1 * MB;
/** After a refusal we read (and drop) at most this much more, so the client gets the answer instead of a reset. */
const DRAIN_CAP = 8 * MB;

export interface UploadedFile {
  id: string;
  storageKey: string;
  name: string;
  mime: string;
  kind: AttachmentKind;
  size: number;
  sha256: string;
  body: Buffer;
}

export interface MultipartLimits {
  files: number;
  fileBytes: number;
  totalBytes: number;
}

/** A file name as shown to staff: no path, no control characters, bounded. */
export function cleanName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  const name = base
    // eslint-disable-next-line no-control-regex -- dropping control characters is the point
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, 200);
  return name || 'file';
}

/**
 * Reads the request's form: text fields by name, files from the `files` / `files[]` parts.
 * Rejects with 415 UNSUPPORTED_MEDIA_TYPE when the body is not multipart, 413 PAYLOAD_TOO_LARGE on
 * any limit, 415 UNSUPPORTED_MEDIA for a file whose bytes are not an accepted type (its name and
 * declared type are ignored), 400 VALIDATION_FAILED for a malformed form.
 */
export function readMultipart(req: Request, limits: MultipartLimits = UPLOAD_LIMITS): Promise<{ fields: Record<string, string>; files: UploadedFile[] }> {
  if (!req.is('multipart/form-data')) return Promise.reject(problem('UNSUPPORTED_MEDIA_TYPE'));
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limits.totalBytes + OVERHEAD) {
    drain(req);
    return Promise.reject(problem('PAYLOAD_TOO_LARGE', `at most ${limits.totalBytes / MB} MB in all`));
  }
  return new Promise((resolve, reject) => {
    let bb: Busboy.Busboy;
    try {
      bb = Busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: { files: limits.files, fileSize: limits.fileBytes, fields: 10, fieldSize: 64 * 1024, parts: limits.files + 10 },
      });
    } catch {
      reject(problem('VALIDATION_FAILED', 'malformed multipart body'));
      return;
    }
    const fields: Record<string, string> = {};
    const files: UploadedFile[] = [];
    let total = 0;
    let failed = false;
    let open = 0;
    let ended = false;

    const fail = (p: Problem) => {
      if (failed) return;
      failed = true;
      req.unpipe(bb);
      bb.removeAllListeners();
      bb.on('error', () => {});
      drain(req);
      reject(p);
    };
    const maybeDone = () => {
      if (!failed && ended && open === 0) resolve({ fields, files });
    };

    bb.on('field', (name, value, info) => {
      if (info.valueTruncated || info.nameTruncated) return fail(problem('PAYLOAD_TOO_LARGE', `field ${name} is too long`));
      fields[name] = value;
    });
    bb.on('file', (name, stream, info) => {
      if (name !== 'files' && name !== 'files[]') {
        stream.resume();
        return fail(problem('VALIDATION_FAILED', `unexpected file field ${name}`));
      }
      open++;
      const chunks: Buffer[] = [];
      const hash = createHash('sha256');
      let size = 0;
      let type: ReturnType<typeof sniff> | undefined;
      const judge = () => {
        type = sniff(Buffer.concat(chunks).subarray(0, SNIFF_BYTES));
        if (!type) fail(problem('UNSUPPORTED_MEDIA', `${cleanName(info.filename)}: not an accepted file type`));
      };
      stream.on('data', (c: Buffer) => {
        if (failed) return;
        size += c.length;
        total += c.length;
        if (total > limits.totalBytes) return fail(problem('PAYLOAD_TOO_LARGE', `at most ${limits.totalBytes / MB} MB in all`));
        chunks.push(c);
        hash.update(c);
        if (type === undefined && size >= SNIFF_BYTES) judge();
      });
      stream.on('limit', () => fail(problem('PAYLOAD_TOO_LARGE', `each file at most ${limits.fileBytes / MB} MB`)));
      stream.on('end', () => {
        open--;
        if (failed) return;
        if (type === undefined) judge(); // a file shorter than the sniff window
        if (!type) return;
        const id = randomUUID();
        files.push({
          id,
          storageKey: `att:${id}`,
          name: cleanName(info.filename),
          mime: type.mime,
          kind: type.kind,
          size,
          sha256: hash.digest('hex'),
          body: Buffer.concat(chunks),
        });
        maybeDone();
      });
    });
    bb.on('filesLimit', () => fail(problem('PAYLOAD_TOO_LARGE', `at most ${limits.files} file(s)`)));
    bb.on('partsLimit', () => fail(problem('PAYLOAD_TOO_LARGE', 'too many form parts')));
    bb.on('fieldsLimit', () => fail(problem('VALIDATION_FAILED', 'too many form fields')));
    bb.on('error', () => fail(problem('VALIDATION_FAILED', 'malformed multipart body')));
    bb.on('close', () => {
      ended = true;
      maybeDone();
    });
    req.on('aborted', () => fail(problem('VALIDATION_FAILED', 'upload aborted')));
    req.pipe(bb);
  });
}

/** Reads and drops what is left of a refused body (bounded), so the refusal reaches the client. */
function drain(req: Request) {
  let dropped = 0;
  req.on('data', (c: Buffer) => {
    dropped += c.length;
    if (dropped > DRAIN_CAP) req.destroy();
  });
  req.resume();
}
