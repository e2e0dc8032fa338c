import http from 'node:http';
import { env } from './platform/config/env';
import { logger } from './platform/log/logger';
import { createRuntime } from './platform/runtime';
import { every, reportFailure } from './platform/background';
import { createApp } from './app';
import { httpCaptchaVerifier } from './citizen/captcha';
import { createRealtime } from './platform/realtime/socket';
import { redisEmitterSink } from './platform/realtime/invalidations';
import { startEventsWorker } from './event-handlers';
import { loadClassifier } from './tickets/classifier';
import { startSla } from './sla/jobs/sla-wake.job';
import { startRectificationSweeper } from './reviews/jobs/rectification-sweep.job';
import { startContactCallSweeper } from './dispatch/jobs/contact-call-sweep.job';
import { sweepPersonalData } from './channels/retention';
import { errorForLog } from './platform/log/safe-error';
import { startCallbackDialer } from './callbacks/jobs/dialer.job';
import { parseKeyList } from './channels/ports';
import { CtiOutboundClient } from '../integrations/phone-cti/outbound-client';
import { foldRollupDeltas } from './reports/rollup';
import { startEmailChannel, mailDomainOf } from './channels/email';
import { parsePeers, startExchangeDeliverer } from './channels/exchange';
import { fetchTicketMedia, sweepWechatMedia, wechatApiClient } from './channels/wechat';
import { parseWechatNoticeTemplates } from './channels/wechat-notices';

/**
 * One process, roles chosen by ROLES (web, worker, realtime, cron). Several processes behind
 * the same PostgreSQL and Redis share rooms (Redis adapter), jobs (BullMQ) and the outbox (SKIP LOCKED).
 */
async function main() {
  const roles = new Set(env.ROLES.split(',').map((r) => r.trim()));
  const classifier = await loadClassifier(logger, { watch: true });
  const rt = createRuntime({
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    queuePrefix: env.QUEUE_PREFIX,
    piiKey: env.PII_KEY,
    piiKeyVersion: env.PII_KEY_VERSION,
    piiOldKeys: env.PII_OLD_KEYS,
    poolSize: env.PG_POOL_SIZE,
    intakeGroupWindowMs: env.INTAKE_GROUP_WINDOW_MS,
    classify: classifier?.classify,
    sms: { aliyun: env.SMS_ALIYUN, tencent: env.SMS_TENCENT },
    mail:
      env.EMAIL_SMTP_URL && env.EMAIL_MAILBOX
        ? {
            smtpUrl: env.EMAIL_SMTP_URL,
            from: env.EMAIL_FROM ?? env.EMAIL_MAILBOX,
            domain: mailDomainOf({ mailbox: env.EMAIL_MAILBOX, domain: env.EMAIL_DOMAIN }),
          }
        : undefined,
  });
  const exchange =
    env.EXCHANGE_PLATFORM_ID && env.EXCHANGE_PEERS
      ? {
          selfId: env.EXCHANGE_PLATFORM_ID,
          peers: env.EXCHANGE_PEERS,
          retryBaseSeconds: env.EXCHANGE_RETRY_BASE_SECONDS,
          retryCapSeconds: env.EXCHANGE_RETRY_CAP_SECONDS,
          retrySpanHours: env.EXCHANGE_RETRY_SPAN_HOURS,
        }
      : undefined;
  const app = createApp(rt, {
    secureCookies: !env.REXIAN_DEMO,
    sessionTtlHours: env.SESSION_TTL_HOURS,
    consoleDist: env.CONSOLE_DIST,
    devEndpoints: env.REXIAN_DEMO,
    mfaRequired: env.MFA_REQUIRED === '' ? !env.REXIAN_DEMO : env.MFA_REQUIRED === '1',
    smsCaptcha:
      env.SMS_CAPTCHA_AFTER > 0 && env.SMS_CAPTCHA_VERIFY_URL
        ? { after: env.SMS_CAPTCHA_AFTER, verifier: httpCaptchaVerifier({ url: env.SMS_CAPTCHA_VERIFY_URL, secret: env.SMS_CAPTCHA_SECRET, log: logger }) }
        : undefined,
    classifier: () => classifier,
    channels: {
      wechat: {
        WECHAT_APP_ID: env.WECHAT_APP_ID,
        WECHAT_APP_SECRET: env.WECHAT_APP_SECRET,
        WECHAT_TOKEN: env.WECHAT_TOKEN,
        WECHAT_ENCODING_AES_KEY: env.WECHAT_ENCODING_AES_KEY,
        WECHAT_MODE: env.WECHAT_MODE,
        WECHAT_ORIGINAL_ID: env.WECHAT_ORIGINAL_ID,
        WECHAT_MAX_CLOCK_SKEW_SECONDS: env.WECHAT_MAX_CLOCK_SKEW_SECONDS,
        WECHAT_APPEND_WINDOW_MINUTES: env.WECHAT_APPEND_WINDOW_MINUTES,
        WECHAT_REPLY_DEADLINE_MS: String(env.WECHAT_REPLY_DEADLINE_MS),
        WECHAT_API_BASE: env.WECHAT_API_BASE,
        WECHAT_OAUTH_BASE: env.WECHAT_OAUTH_BASE,
        PUBLIC_BASE_URL: env.PUBLIC_BASE_URL,
        WECHAT_NOTICE_TEMPLATES: env.WECHAT_NOTICE_TEMPLATES,
      },
      ctiKeys: env.CTI_KEYS,
      ctiSurveyMap: env.CTI_SURVEY_MAP,
      open311ApiKeys: env.OPEN311_API_KEYS,
      open311Jurisdiction: env.OPEN311_JURISDICTION,
      open311ReadsPerHour: env.OPEN311_READS_PER_HOUR,
      exchange,
      smsReceiptToken: env.SMS_RECEIPT_TOKEN,
      ctiCallbackMode: env.CTI_CALLBACK_MODE,
    },
  });
  const server = http.createServer(app);
  const closers: (() => Promise<unknown>)[] = [];
  if (roles.has('realtime') || roles.has('web')) {
    const realtime = createRealtime(server, { db: rt.db, redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX, log: logger });
    rt.realtimeSinks.push(realtime.publish);
    rt.io = realtime.io;
    closers.push(realtime.close);
  } else {
    // A worker or cron node's relay drains the rows its own commits wrote: their invalidations go out through Redis.
    const emitter = redisEmitterSink(env.REDIS_URL, env.QUEUE_PREFIX, logger);
    rt.realtimeSinks.push(emitter.publish);
    closers.push(emitter.close);
  }
  // The SLA queue's producer lives on every node; its worker and the sweeper on worker/cron nodes.
  const sla = startSla(rt, env.REDIS_URL, {
    worker: roles.has('worker'),
    sweepMs: roles.has('cron') ? env.SLA_SWEEP_MS : 2 ** 31 - 1,
    sweepConcurrency: env.SLA_SWEEP_CONCURRENCY,
  });
  closers.push(sla.close);
  // WeChat media download needs the app secret (access_token); without it MediaIds stay remote refs.
  const wx =
    env.WECHAT_APP_ID && env.WECHAT_APP_SECRET
      ? wechatApiClient(rt, { appId: env.WECHAT_APP_ID, appSecret: env.WECHAT_APP_SECRET, baseUrl: env.WECHAT_API_BASE })
      : null;
  const wxFor = (appId: string) => (appId === env.WECHAT_APP_ID ? wx : null);
  if (roles.has('worker')) {
    const wechatMedia = wx ? (ticketId: string, version: number) => fetchTicketMedia(rt, wxFor, ticketId, version) : undefined;
    const [outbound] = parseKeyList(env.CTI_OUTBOUND_KEY);
    const cti = env.CTI_BASE_URL && outbound ? new CtiOutboundClient({ baseUrl: env.CTI_BASE_URL, keyId: outbound.id, secret: outbound.secret }) : undefined;
    // WeChat appeals are told by template message first (channels.md §0.2), SMS as the fallback.
    const wechatNotices = wx ? { clientFor: wxFor, templates: parseWechatNoticeTemplates(env.WECHAT_NOTICE_TEMPLATES) } : undefined;
    const w = startEventsWorker(rt, env.REDIS_URL, sla.queue, { cti, publicBaseUrl: env.PUBLIC_BASE_URL, wechatMedia, wechatNotices, exchange });
    closers.push(() => w.close());
  }
  if (roles.has('cron') || roles.has('web')) rt.relay.start();
  if (roles.has('cron')) closers.push(startRectificationSweeper(rt)); // issue 8: 差评整改 overdue flags
  if (roles.has('cron')) closers.push(startContactCallSweeper(rt)); // 隐私号 calls left `calling` by a process that died
  // 回访外呼 attempts due (policy callbackBy = cti), pushed to the CTI; a polling CTI takes them itself.
  if (roles.has('cron') && env.CTI_CALLBACK_MODE === 'push') closers.push(startCallbackDialer(rt));
  if (roles.has('cron') && wx) {
    // Media whose job gave up (WeChat down past its retries, quota) is fetched again while WeChat still keeps it.
    // Runs on the cron node only (ROLES), so one node sweeps; a MediaId is claimed in channel_events, so two would not store twice.
    closers.push(every(logger, 'wechat-media-sweep', env.WECHAT_MEDIA_SWEEP_MS, () => sweepWechatMedia(rt, wxFor)));
  }
  if (roles.has('cron')) {
    // Expire raw payloads and encrypt what older versions stored in clear (channels/retention.ts).
    const run = () =>
      void sweepPersonalData(rt, { retentionDays: env.RAW_PAYLOAD_RETENTION_DAYS }).catch((err: unknown) =>
        rt.log.warn({ err: errorForLog(err) }, 'retention sweep failed'),
      );
    const retention = setInterval(run, env.RETENTION_SWEEP_MS);
    retention.unref();
    run();
    closers.push(async () => clearInterval(retention));
  }
  if (roles.has('cron')) {
    // Report reads fold pending deltas themselves; this keeps the delta table small between reads.
    // Safe on several nodes: folds share an advisory lock and each delta is deleted by the fold that takes it.
    closers.push(every(logger, 'rollup-fold', 5_000, () => foldRollupDeltas(rt.db)));
  }
  if (exchange && roles.has('worker')) {
    const deliverer = startExchangeDeliverer(rt, exchange, parsePeers(exchange.peers));
    rt.exchangeKick = deliverer.kick;
    closers.push(deliverer.close);
  }
  if (env.EMAIL_MAILBOX && (env.EMAIL_SMTP_LISTEN || env.EMAIL_IMAP_URL)) {
    // SMTP receiver on web nodes (like an HTTP endpoint); the IMAP poller on the cron node only, so two nodes never move one message.
    const email = await startEmailChannel(
      rt,
      {
        mailbox: env.EMAIL_MAILBOX,
        domain: env.EMAIL_DOMAIN,
        smtpListen: env.EMAIL_SMTP_LISTEN,
        imapUrl: env.EMAIL_IMAP_URL,
        imapPollSeconds: env.EMAIL_IMAP_POLL_SECONDS,
        maxBytes: env.EMAIL_MAX_BYTES,
      },
      { listener: roles.has('web'), poller: roles.has('cron') },
    );
    closers.push(email.close);
  }
  server.on('error', (err: NodeJS.ErrnoException) => {
    logger.fatal({ port: env.PORT, code: err.code }, err.code === 'EADDRINUSE' ? `port ${env.PORT} is already in use; set PORT` : 'server error');
    process.exit(1);
  });
  server.listen(env.PORT, () => logger.info({ port: env.PORT, roles: [...roles] }, 'rexian listening'));

  const shutdown = async () => {
    server.close();
    for (const c of closers) await c().catch((err) => reportFailure(logger, 'shutdown', err));
    await rt.close();
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err) => {
  logger.fatal({ err: (err as Error).message }, 'failed to start');
  process.exit(1);
});
