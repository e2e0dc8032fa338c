/**
 * The only reader of process.env. Parsed once at import; a bad value stops the process
 * naming the field, so a misconfigured node never half-starts.
 */
import { z } from 'zod';

import { DEV_PII_KEY, DEV_SESSION_SECRET } from './dev-keys';

const Env = z.object({
  /**
   * Fail closed: without REXIAN_DEMO=1 the process is production, whatever NODE_ENV says (an unset
   * NODE_ENV used to mean development, with the published key and /api/dev/sms). The demo flag
   * allows the published keys, serves /api/dev/sms and sends cookies without `Secure` (plain http).
   */
  REXIAN_DEMO: z
    .enum(['0', '1', ''])
    .default('')
    .transform((v) => v === '1'),
  /** Only quiets logs in tests (`test`); it no longer chooses any security behaviour. */
  NODE_ENV: z.enum(['development', 'test', 'production', '']).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/rexian'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  /** BullMQ key prefix; tests give each file its own. */
  QUEUE_PREFIX: z.string().default('rexian'),
  /** base64 of 32 bytes: AES-256-GCM for personal data at rest, HMAC key for lookups. */
  PII_KEY: z.string().default(''),
  /** The version number of PII_KEY; raise it with a new key to rotate (`npm run pii:rotate`). */
  PII_KEY_VERSION: z.coerce.number().int().min(1).default(1),
  /** Earlier keys, `version:base64[,…]`, readable until `npm run pii:rotate` has rewritten every row; then remove them. */
  PII_OLD_KEYS: z.string().default(''),
  /**
   * Keys the hash under which session tokens are stored (HMAC-SHA256), so a row written into
   * `sessions` by someone with database access but without this secret opens no session. At least 32 characters.
   */
  SESSION_SECRET: z.string().default(''),
  /** TOTP for supervisors and admins: 1 = must enrol at first login, 0 = optional (once enrolled the code is always asked). Default: 1, 0 in the demo. */
  MFA_REQUIRED: z.enum(['0', '1', '']).default(''),
  /** Minutes without a request after which a staff session ends (beside the absolute SESSION_TTL_HOURS). */
  SESSION_IDLE_MINUTES: z.coerce.number().positive().default(30),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ROLES: z.string().default('web,worker,realtime,cron'),
  PG_POOL_SIZE: z.coerce.number().int().positive().default(20),
  /**
   * Group commit for intake (issue 18): appeals arriving within this many milliseconds share one
   * transaction, each caller answered after that commit. 0 = one transaction per appeal.
   */
  INTAKE_GROUP_WINDOW_MS: z.coerce.number().min(0).max(50).default(2),
  /** How often a cron node sweeps for due SLA timers; the bound on how late a timer fires when its wake job was lost. */
  SLA_SWEEP_MS: z.coerce.number().int().min(500).default(10_000),
  /**
   * Disjoint slices (by ticket) one SLA sweep fires side by side, each on its own database connection and in its
   * own transactions (docs/SCALING.md §5). 1 = one batch after another.
   */
  SLA_SWEEP_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  /** Served statically at / when present (the built console). */
  CONSOLE_DIST: z.string().default('agent-console/dist'),
  // Channels (channels.md). Unset WeChat values leave /channels/wechat unmounted.
  WECHAT_APP_ID: z.string().optional(),
  WECHAT_APP_SECRET: z.string().optional(),
  WECHAT_TOKEN: z.string().optional(),
  WECHAT_ENCODING_AES_KEY: z.string().optional(),
  /** safe (encrypted, the default), compat or plain; plain/compat remember each signed URL (replay). */
  WECHAT_MODE: z.enum(['plain', 'compat', 'safe']).optional(),
  /** The account's original id (gh_…): pushes whose ToUserName differs are refused. Required with WECHAT_APP_ID. */
  WECHAT_ORIGINAL_ID: z.string().optional(),
  WECHAT_MAX_CLOCK_SKEW_SECONDS: z.string().optional(),
  /** Minutes in which a citizen's image/voice/video/location is appended to their just-sent appeal (channels.md §1). */
  WECHAT_APPEND_WINDOW_MINUTES: z.string().optional(),
  /** Budget for answering a WeChat push passively; past it the number goes by customer-service message (channels.md §1: WeChat waits 5 s). */
  WECHAT_REPLY_DEADLINE_MS: z.coerce.number().int().min(0).max(4500).default(3000),
  /** api.weixin.qq.com (token, messages, media/get, sns/oauth2); tests point it at the loopback contract stub. */
  WECHAT_API_BASE: z.string().default('https://api.weixin.qq.com'),
  /**
   * Template ids of the citizen notices sent by WeChat template message (channels/wechat-notices.ts), JSON:
   * {"ticket_received":"<id>","ticket_replied":{"templateId":"<id>","fields":["first","keyword1","remark"]}}. Needs WECHAT_APP_SECRET.
   */
  WECHAT_NOTICE_TEMPLATES: z.string().optional(),
  /** How often a cron node looks for WeChat media whose download job gave up (needs WECHAT_APP_SECRET). */
  /** Raw inbound payloads (whole e-mails, pushes) are deleted after this many days (docs/SECURITY.md). */
  RAW_PAYLOAD_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  RETENTION_SWEEP_MS: z.coerce.number().int().min(1000).default(3_600_000),
  WECHAT_MEDIA_SWEEP_MS: z.coerce.number().int().min(1000).default(300_000),
  /** Where GET /h5/wechat/track sends the browser to authorize (网页授权). */
  WECHAT_OAUTH_BASE: z.string().default('https://open.weixin.qq.com'),
  /** SMS providers' settings as JSON (server/channels/sms.ts); none → development sender. */
  SMS_ALIYUN: z.string().optional(),
  SMS_TENCENT: z.string().optional(),
  /** Portal CAPTCHA: after this many SMS-code requests an hour from one address (0 = off), verified at SMS_CAPTCHA_VERIFY_URL. */
  SMS_CAPTCHA_AFTER: z.coerce.number().int().min(0).default(0),
  /** A siteverify endpoint (form POST secret + response + remoteip → JSON { success }). */
  SMS_CAPTCHA_VERIFY_URL: z.string().default(''),
  SMS_CAPTCHA_SECRET: z.string().default(''),
  /** Secret path segment of POST /channels/sms/:provider/receipts/:token (vendors do not sign pushes). Empty → not mounted. */
  SMS_RECEIPT_TOKEN: z.string().default(''),
  /** CTI webhook keys, `keyId:secret[,keyId:secret]` (two per key id during rotation). */
  CTI_KEYS: z.string().default(''),
  /** IVR satisfaction key → score for this centre, `key:score[,…]` (default 1:5,2:4,3:3,4:2,5:1; other keys = 未评价). */
  CTI_SURVEY_MAP: z.string().default(''),
  /** The CTI adapter's base URL for callback calls (POST {CTI_BASE_URL}/outbound-calls); empty → no outbound calls. */
  CTI_BASE_URL: z.string().default(''),
  /**
   * The masked-number bridge (隐私号) a unit clerk's call to the citizen goes through (dispatch/masked-call.ts):
   * `demo` answers "connected" without dialling; `off` refuses calls. Empty: `demo` with REXIAN_DEMO=1, else `off`
   * (a production centre never counts a call nobody made). A real carrier adapter is configuration of its own (not shipped).
   */
  MASKED_CALL_BRIDGE: z.enum(['demo', 'off', '']).default(''),
  /** Our key for signing outbound-call requests to the CTI, `keyId:secret`. */
  CTI_OUTBOUND_KEY: z.string().default(''),
  /**
   * How callback calls (policy callbackBy = cti) reach the CTI: `push` (the cron node POSTs each
   * attempt to CTI_BASE_URL) or `poll` (the CTI fetches due tasks from GET /channels/phone/callback-tasks;
   * no dialer sweep runs).
   */
  CTI_CALLBACK_MODE: z.enum(['push', 'poll']).default('push'),
  /** The public site's base URL, for links sent to citizens (SMS callback survey link). */
  PUBLIC_BASE_URL: z.string().default('http://127.0.0.1:3000'),
  /** Open311 api keys, `keyId:apiKey[,…]`. */
  OPEN311_API_KEYS: z.string().default(''),
  OPEN311_JURISDICTION: z.string().default('rexian.local'),
  /** Open311 reads (list and single request) per api_key per hour. */
  OPEN311_READS_PER_HOUR: z.coerce.number().int().min(1).default(600),
  // Email (channels.md §5). EMAIL_MAILBOX is the address citizens write to; without it no inbound mail is taken.
  EMAIL_MAILBOX: z.string().optional(),
  /** Domain of our Message-IDs (<t{ticketNo}.{notificationId}@domain>); defaults to the mailbox's domain. */
  EMAIL_DOMAIN: z.string().optional(),
  /** Option B: `[host:]port` for the SMTP receiver behind the MTA (web nodes). Unset → not started. */
  EMAIL_SMTP_LISTEN: z.string().optional(),
  /** Option A: `imaps://user:password@host:993` polled by the cron node. Unset → not polled. */
  EMAIL_IMAP_URL: z.string().optional(),
  EMAIL_IMAP_POLL_SECONDS: z.coerce.number().positive().default(60),
  /** Whole inbound message limit in bytes (channels.md §5: 25 MB). */
  EMAIL_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(25 * 1024 * 1024),
  /** Outbound relay for notices, nodemailer URL (`smtp://user:pass@host:587`). Unset → notices go by SMS only. */
  EMAIL_SMTP_URL: z.string().optional(),
  EMAIL_FROM: z.string().optional(),
  // Province ↔ city exchange (channels.md §7): both set → /exchange/v1 mounted and the deliverer runs on worker nodes.
  /** Our platform id (the key id peers know us by). */
  EXCHANGE_PLATFORM_ID: z.string().optional(),
  /** JSON array of peers: `[{"platformId","name"?,"role":"upper"|"lower","baseUrl":".../exchange/v1","secret"}]`. */
  EXCHANGE_PEERS: z.string().optional(),
  /** Outbox retry: first wait, cap, and how long before a message is dead-lettered (channels.md §7: 10 s … 1 h, 24 h). */
  EXCHANGE_RETRY_BASE_SECONDS: z.coerce.number().positive().default(10),
  EXCHANGE_RETRY_CAP_SECONDS: z.coerce.number().positive().default(3600),
  EXCHANGE_RETRY_SPAN_HOURS: z.coerce.number().positive().default(24),
});

function load() {
  const parsed = Env.safeParse(process.env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${fields}`);
  }
  const env = { ...parsed.data };
  if (env.REXIAN_DEMO) {
    env.PII_KEY ||= DEV_PII_KEY;
    env.SESSION_SECRET ||= DEV_SESSION_SECRET;
  }
  const demoHint = ' (or REXIAN_DEMO=1 for a demo with the published keys)';
  if (!env.PII_KEY) throw new Error(`Invalid configuration: PII_KEY is not set${demoHint}`);
  if (!env.REXIAN_DEMO && env.PII_KEY === DEV_PII_KEY) {
    throw new Error(`Invalid configuration: PII_KEY is the published development key; generate one (openssl rand -base64 32)${demoHint}`);
  }
  if (Buffer.from(env.PII_KEY, 'base64').length !== 32) {
    throw new Error('Invalid configuration: PII_KEY must be base64 of exactly 32 bytes');
  }
  if (!env.SESSION_SECRET) throw new Error(`Invalid configuration: SESSION_SECRET is not set${demoHint}`);
  if (!env.REXIAN_DEMO && env.SESSION_SECRET === DEV_SESSION_SECRET) {
    throw new Error(`Invalid configuration: SESSION_SECRET is the published development secret${demoHint}`);
  }
  if (env.SESSION_SECRET.length < 32) throw new Error('Invalid configuration: SESSION_SECRET must be at least 32 characters');
  if (env.SMS_CAPTCHA_AFTER > 0 && !env.SMS_CAPTCHA_VERIFY_URL) {
    throw new Error('Invalid configuration: SMS_CAPTCHA_AFTER is set but SMS_CAPTCHA_VERIFY_URL is not');
  }
  return Object.freeze(env);
}

export const env = load();
export type AppEnv = typeof env;
