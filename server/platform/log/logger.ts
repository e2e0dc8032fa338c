import pino from 'pino';
import { env } from '../config/env';
import { errorForLog } from './safe-error';

/**
 * Personal data is never logged in clear (domain.md §6). Redaction matches paths, so we log
 * ids, never rows; these paths catch the places a phone or ID number could still slip in.
 */
export const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.phone',
  '*.callerPhone',
  '*.idNumber',
  '*.name',
  '*.callerName',
  '*.address',
  '*.password',
  '*.code',
  '*.*.phone',
  '*.*.idNumber',
  '*.*.name',
  '*.*.address',
];

export const logger = pino({
  level: env.NODE_ENV === 'test' ? (process.env.LOG_LEVEL ?? 'silent') : env.LOG_LEVEL,
  redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  // Any `{ err }` logged anywhere goes through the same filter (database errors: codes, not values).
  serializers: { err: errorForLog },
  base: { service: 'rexian' },
});
export type Logger = pino.Logger;
