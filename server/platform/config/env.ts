/**
 * The only reader of process.env. Parsed once at import; a bad value stops the process
 * naming the field, so a misconfigured node never half-starts.
 */
import { z } from 'zod';

const DEV_PII_KEY = 'cmV4aWFuLWRldi1vbmx5LXBpaS1rZXktMzJieXRlcyE='; // 32 bytes, dev/test only

const Env = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/rexian'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  /** BullMQ key prefix; tests give each file its own. */
  QUEUE_PREFIX: z.string().default('rexian'),
  /** base64 of 32 bytes: AES-256-GCM for personal data at rest, HMAC key for lookups. */
  PII_KEY: z.string().default(DEV_PII_KEY),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ROLES: z.string().default('web,worker,realtime,cron'),
  PG_POOL_SIZE: z.coerce.number().int().positive().default(20),
  /** How often a cron node sweeps for due SLA timers; the bound on how late a timer fires when its wake job was lost. */
  SLA_SWEEP_MS: z.coerce.number().int().min(500).default(10_000),
  /** Served statically at / when present (the built console). */
  CONSOLE_DIST: z.string().default('agent-console/dist'),
  // Channels (channels.md). Unset WeChat values leave /channels/wechat unmounted.
  WECHAT_APP_ID: z.string().optional(),
  WECHAT_APP_SECRET: z.string().optional(),
  WECHAT_TOKEN: z.string().optional(),
  WECHAT_ENCODING_AES_KEY: z.string().optional(),
  WECHAT_MODE: z.enum(['plain', 'compat', 'safe']).optional(),
  WECHAT_MAX_CLOCK_SKEW_SECONDS: z.string().optional(),
  WECHAT_API_BASE: z.string().default('https://api.weixin.qq.com'),
  /** SMS providers' settings as JSON (server/channels/sms.ts); none → development sender. */
  SMS_ALIYUN: z.string().optional(),
  SMS_TENCENT: z.string().optional(),
  /** CTI webhook keys, `keyId:secret[,keyId:secret]` (two per key id during rotation). */
  CTI_KEYS: z.string().default(''),
  /** Open311 api keys, `keyId:apiKey[,…]`. */
  OPEN311_API_KEYS: z.string().default(''),
  OPEN311_JURISDICTION: z.string().default('rexian.local'),
});

function load() {
  const parsed = Env.safeParse(process.env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${fields}`);
  }
  const env = parsed.data;
  if (env.NODE_ENV === 'production' && env.PII_KEY === DEV_PII_KEY) {
    throw new Error('Invalid configuration: PII_KEY must be set in production');
  }
  if (Buffer.from(env.PII_KEY, 'base64').length !== 32) {
    throw new Error('Invalid configuration: PII_KEY must be base64 of exactly 32 bytes');
  }
  return Object.freeze(env);
}

export const env = load();
export type AppEnv = typeof env;
