import { dispatchAdminRoutes } from './dispatch/admin-routes';
import { identityAdminRoutes } from './identity/admin-routes';
import { textRoutes } from './texts/routes';
import { catalogAdminRoutes } from './catalog/admin-routes';
import express, { type Express } from 'express';
import helmet from 'helmet';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Runtime } from './platform/runtime';
import { errorHandler, requestContext, requireJson } from './platform/http/middleware';
import { problem } from './platform/http/problems';
import { sessionMiddleware } from './identity/sessions';
import { identityRoutes } from './identity/routes';
import { accountRoutes } from './identity/account-routes';
import { attachmentRoutes } from './attachments/routes';
import { PII_SEARCHES_PER_10_MIN, ticketRoutes } from './tickets/routes';
import { redisLimit } from './platform/http/flexible-limit';
import { catalogRoutes } from './catalog/routes';
import { citizenRoutes } from './citizen/routes';
import { smsCodeLimits, type SmsCaptchaConfig } from './citizen/sms-limits';
import { publicApiRoutes } from './citizen/public-api';
import { captchaStore } from './citizen/svg-captcha';
import { dispatchRoutes } from './dispatch/routes';
import { slaRoutes } from './sla/routes';
import { classifierRoutes } from './tickets/classifier-routes';
import { sameMatterRoutes } from './tickets/same-matter-routes';
import type { LoadedClassifier } from './tickets/classifier';
import { DevSmsSender } from './citizen/sms-sender';
import { callbackRoutes } from './callbacks/routes';
import { reviewRoutes } from './reviews/routes';
import { knowledgeRoutes } from './knowledge/routes';
import { reportRoutes } from './reports/routes';
import { hotlineRoutes } from './hotlines/routes';
import { supervisionRoutes } from './supervision/routes';
import { mountChannels, type ChannelConfig } from './channels/mount';
import { exchangeRoutes, parsePeers } from './channels/exchange';
import { metrics } from './platform/metrics';
import { consoleStatic } from './platform/http/console-static';

export interface AppOptions {
  sessionTtlHours?: number;
  secureCookies?: boolean;
  consoleDist?: string | null;
  devEndpoints?: boolean;
  channels?: ChannelConfig;
  classifier?: () => LoadedClassifier | undefined;
  /** Supervisors and admins must enrol TOTP before anything else (production default; off in the demo). */
  mfaRequired?: boolean;
  /** The portal's CAPTCHA after N SMS-code requests an hour per address; unset → off. */
  smsCaptcha?: SmsCaptchaConfig;
}

/** The Express app (tests import it); main.ts adds the HTTP server, Socket.IO and workers. */
export function createApp(rt: Runtime, o: AppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(
    helmet({
      contentSecurityPolicy: {
        // blob: for the preview of photos a citizen picks before uploading them (URL.createObjectURL).
        directives: { 'script-src': ["'self'"], 'connect-src': ["'self'", 'ws:', 'wss:'], 'img-src': ["'self'", 'data:', 'blob:'] },
      },
    }),
  );
  app.use(requestContext({ db: rt.db, log: rt.log, svc: rt.svc }));

  app.get('/healthz', async (_req, res) => {
    const [pg, redis] = await Promise.all([
      withTimeout(rt.db.execute(sql`select 1`), 2000).then(
        () => 'up',
        () => 'down',
      ),
      withTimeout(
        redisReady(rt.redis).then(() => rt.redis.ping()),
        2000,
      ).then(
        () => 'up',
        () => 'down',
      ),
    ]);
    res.status(pg === 'up' && redis === 'up' ? 200 : 503).json({ postgres: pg, redis });
  });

  // Counters only (failed background rounds, rejected outbox payloads, failed jobs): no personal data, like /healthz.
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });

  if (o.channels) mountChannels(app, rt, o.channels);

  const api = express.Router();
  api.use(requireJson);
  api.use(express.json({ limit: '256kb', strict: true }));
  api.use(sessionMiddleware(rt.db));
  api.use(
    identityRoutes({
      db: rt.db,
      redis: rt.redis,
      prefix: rt.options.queuePrefix,
      log: rt.log,
      sessionTtlHours: o.sessionTtlHours ?? 12,
      secureCookies: o.secureCookies ?? false,
      mfaRequired: o.mfaRequired ?? false,
    }),
  );
  api.use(accountRoutes({ redis: rt.redis, prefix: rt.options.queuePrefix, log: rt.log }));
  api.use(sameMatterRoutes());
  api.use(
    ticketRoutes({
      piiSearchLimit: redisLimit(rt.redis, rt.options.queuePrefix, { name: 'pii-search', points: PII_SEARCHES_PER_10_MIN, durationSeconds: 600 }),
    }),
  );
  api.use(attachmentRoutes());
  api.use(catalogRoutes());
  api.use(dispatchRoutes());
  api.use(dispatchAdminRoutes());
  api.use(identityAdminRoutes());
  api.use(textRoutes());
  api.use(catalogAdminRoutes());
  api.use(slaRoutes());
  api.use(classifierRoutes(o.classifier ?? (() => undefined)));
  const smsLimits = smsCodeLimits(rt.redis, rt.options.queuePrefix, rt.log, o.smsCaptcha);
  const captcha = captchaStore(rt.redis, rt.options.queuePrefix);
  // channels.md §3/§4.3 under /api/v1; /api/public/* stays for the console until it moves.
  api.use(publicApiRoutes({ sms: rt.sms, smsLimits, captcha, redis: rt.redis, prefix: rt.options.queuePrefix }));
  api.use(citizenRoutes({ sms: rt.sms, limiter: rt.limiter, smsLimits }));
  api.use(callbackRoutes());
  api.use(reviewRoutes({ limiter: rt.limiter }));
  api.use(knowledgeRoutes({ limiter: rt.limiter }));
  api.use(reportRoutes());
  api.use(
    hotlineRoutes({
      exchangePeerIds: o.channels?.exchange
        ? parsePeers(o.channels.exchange.peers)
            .filter((p) => p.role === 'lower')
            .map((p) => p.platformId)
        : [],
    }),
  );
  api.use(supervisionRoutes());
  if (o.channels?.exchange) api.use(exchangeRoutes(o.channels.exchange, parsePeers(o.channels.exchange.peers), () => rt.exchangeKick?.()));
  if (o.devEndpoints && rt.sms instanceof DevSmsSender) {
    const dev = rt.sms;
    // Demo and tests only (never in production): the last code the dev SMS sender "sent" to this
    // number, and the texts it was sent (newest first), as the stored templates rendered them.
    api.get('/dev/sms', (req, res) => {
      const phone = String(req.query.phone ?? '');
      res.json({ data: { code: dev.lastCodeFor(phone), messages: dev.messagesFor(phone) } });
    });
    api.get('/dev/captcha', async (req, res) => res.json({ data: { answer: await captcha.peek(String(req.query.id ?? '')) } }));
  }
  api.use(() => {
    throw problem('NOT_FOUND');
  });
  app.use('/api', api);

  if (o.consoleDist && fs.existsSync(path.join(o.consoleDist, 'index.html'))) {
    app.use(consoleStatic(o.consoleDist));
  }
  app.use(() => {
    throw problem('NOT_FOUND');
  });
  app.use(errorHandler(rt.log));
  return app;
}

/** A fresh client may still be connecting; give it the health check's budget before calling it down. */
function redisReady(r: Runtime['redis']): Promise<void> {
  if (r.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => r.once('ready', () => resolve()));
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, rej) => setTimeout(() => rej(new Error('timeout')), ms).unref())]);
}
