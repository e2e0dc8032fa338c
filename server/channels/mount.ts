import type { Express } from 'express';
import type { Runtime } from '../platform/runtime';
import { createWechatRouter } from '../../integrations/wechat/router';
import { customerServiceFrom } from '../../integrations/wechat/api-client';
import { createWechatTrackRouter } from '../../integrations/wechat/track-router';
import { publicTimeline, wechatApiClient } from './wechat';
import { parseWechatNoticeTemplates, withTemplateDeliveryReports } from './wechat-notices';
import { notifyCitizen } from '../citizen/notices';
import { wechatAccountFromEnv, type WechatAccount } from '../../integrations/wechat/accounts';
import { createOpen311Router } from '../../integrations/open311/router';
import { createPhoneRouter } from '../../integrations/phone-cti/router';
import { parseSurveyMap } from '../../integrations/phone-cti/call-event';
import { withScreenPop } from '../../integrations/phone-cti/screen-pop';
import { createExchangeRouter } from '../../integrations/exchange/router';
import { createSmsReceiptRouter } from '../../integrations/sms/receipts-router';
import { smsProviders, smsReceiptSink } from './sms';
import { parsePeers, peerStore, pgExchangeInbox, type ExchangeConfig } from './exchange';
import { withCallbackCalls, withCallMetrics } from './phone-hooks';
import { lineForCallee, listLines } from '../hotlines/lines';
import { handOutDueCallbacks } from '../callbacks/use-cases/outbound-calls';
import { makeCtx, SYSTEM } from '../platform/context';
import {
  channelEventSink,
  intakePort,
  nonceStore,
  open311Catalog,
  open311Keys,
  open311Requests,
  parseKeyList,
  rateLimitPort,
  ratingPort,
  rawStore,
  ticketLookup,
} from './ports';

export interface ChannelConfig {
  wechat?: Record<string, string | undefined>;
  ctiKeys: string;
  /** `key:score[,…]`; empty → the default map (channels.md §2). */
  ctiSurveyMap?: string;
  open311ApiKeys: string;
  open311Jurisdiction: string;
  /** Open311 reads per api_key per hour (default 600). */
  open311ReadsPerHour?: number;
  /** Secret path token of the SMS receipt endpoints; empty → /channels/sms not mounted. */
  smsReceiptToken?: string;
  /** Province ↔ city exchange; absent → /exchange/v1 not mounted. */
  exchange?: ExchangeConfig;
  /** `poll`: the CTI fetches due callback calls from GET /channels/phone/callback-tasks (default `push`). */
  ctiCallbackMode?: 'push' | 'poll';
}

/**
 * Channel endpoints (channels.md). Mounted before any JSON body parser: each router verifies
 * its signature over the raw bytes it reads itself. A channel whose configuration is absent is
 * not mounted, so an unconfigured deployment exposes nothing half-set-up.
 */
export function mountChannels(app: Express, rt: Runtime, cfg: ChannelConfig) {
  // WeChat media/location follow-ups within this many minutes complete the citizen's last appeal (channels.md §1).
  const intake = intakePort(rt, { appendWindowMinutes: Number(cfg.wechat?.WECHAT_APPEND_WINDOW_MINUTES || 10) });
  const nonces = nonceStore(rt);
  const events = channelEventSink(rt);
  const tickets = ticketLookup(rt);

  if (cfg.wechat?.WECHAT_APP_ID && cfg.wechat.WECHAT_TOKEN) {
    const account: WechatAccount = wechatAccountFromEnv(cfg.wechat);
    // Without the app secret there is no API client, so a late registration can only be answered
    // by the citizen's next message; with it, the number follows by customer-service message.
    const api = account.appSecret
      ? wechatApiClient(rt, { appId: account.appId, appSecret: account.appSecret, baseUrl: cfg.wechat.WECHAT_API_BASE || undefined })
      : null;
    const deadline = cfg.wechat.WECHAT_REPLY_DEADLINE_MS;
    // A template message WeChat reports undelivered (TEMPLATESENDJOBFINISH) is sent again by SMS (channels.md §0.2).
    const templates = parseWechatNoticeTemplates(cfg.wechat.WECHAT_NOTICE_TEMPLATES);
    const wechatEvents = api
      ? withTemplateDeliveryReports(events, rt.db, rt.log, (n) =>
          notifyCitizen(rt, n, { publicBaseUrl: cfg.wechat?.PUBLIC_BASE_URL, wechat: { clientFor: () => api, templates } }),
        )
      : events;
    app.use(
      '/channels/wechat',
      createWechatRouter({
        intake,
        nonces,
        events: wechatEvents,
        tickets,
        rawStore: rawStore(rt),
        accounts: { get: async (id) => (id === 'default' ? account : null) },
        ...(api ? { customerService: customerServiceFrom(() => api) } : {}),
        ...(deadline !== undefined && deadline !== '' ? { replyDeadlineMs: Number(deadline) } : {}),
        log: rt.log,
      }),
    );
    if (!api)
      rt.log.warn(
        { appId: account.appId },
        'wechat: no WECHAT_APP_SECRET, so appeals registered after the reply window get their number only on the next message',
      );
    // Citizen tracking page (网页授权): needs the app secret to exchange the OAuth code for the OpenID.
    if (api) {
      const base = (cfg.wechat.PUBLIC_BASE_URL || 'http://127.0.0.1:3000').replace(/\/$/, '');
      app.use(
        '/h5/wechat',
        createWechatTrackRouter({
          appId: account.appId,
          nonces,
          tickets: { byOpenId: tickets.byOpenId! },
          timeline: publicTimeline(rt),
          oauth: api,
          callbackUrl: `${base}/h5/wechat/oauth/callback`,
          authorizeBase: cfg.wechat.WECHAT_OAUTH_BASE || undefined,
        }),
      );
    }
  }

  const ctiKeys = parseKeyList(cfg.ctiKeys);
  if (ctiKeys.length) {
    const io = { to: (room: string) => ({ emit: (ev: string, payload: unknown) => rt.io?.to(room).emit(ev, payload) }) };
    app.use(
      '/channels/phone',
      createPhoneRouter({
        events: withScreenPop(withCallMetrics(withCallbackCalls(events, rt), rt), {
          io,
          callers: tickets,
          log: rt.log,
          lines: { byCallee: (callee) => lineForCallee(rt.db, callee) },
        }),
        lines: {
          list: async () =>
            (await listLines(rt.db, 'zh')).map((l) => ({ number: l.number, name: l.name, mode: l.mode, announcement: l.announcement, active: l.active })),
        },
        ratings: ratingPort(rt),
        nonces,
        surveyMap: parseSurveyMap(cfg.ctiSurveyMap),
        keys: (keyId) => ctiKeys.filter((k) => k.id === keyId).map((k) => k.secret),
        ...(cfg.ctiCallbackMode === 'poll'
          ? {
              callbackTasks: {
                listDue: (_now: Date, limit: number) => handOutDueCallbacks(makeCtx({ db: rt.db, actor: SYSTEM, log: rt.log, svc: rt.svc }), limit),
              },
            }
          : {}),
      }),
    );
  }

  if (cfg.open311ApiKeys) {
    app.use(
      '/open311/v2',
      createOpen311Router({
        intake,
        catalog: open311Catalog(rt),
        apiKeys: open311Keys(cfg.open311ApiKeys),
        requests: open311Requests(rt),
        jurisdictions: [cfg.open311Jurisdiction],
        rateLimit: rateLimitPort(rt),
        readsPerHour: cfg.open311ReadsPerHour,
      }),
    );
  }

  const providers = smsProviders(rt.options.sms ?? {});
  if (cfg.smsReceiptToken && providers.length) {
    app.use('/channels/sms', createSmsReceiptRouter({ providers, events: smsReceiptSink(rt.db), secretPathToken: cfg.smsReceiptToken }));
  }

  if (cfg.exchange) {
    const peers = parsePeers(cfg.exchange.peers);
    app.use('/exchange/v1', createExchangeRouter({ inbox: pgExchangeInbox(rt, peers), peers: peerStore(peers), nonces }));
  }
}
