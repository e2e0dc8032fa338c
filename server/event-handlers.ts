/**
 * The composition root of the events worker: each domain registers the follow-up work it owns
 * for the event types it cares about (the catalogue: platform/events/catalogue.ts). Platform code
 * runs the registry and imports no domain.
 */
import type { Queue } from 'bullmq';
import type { Runtime } from './platform/runtime';
import { HandlerRegistry } from './platform/events/handlers';
import { runEventsWorker } from './platform/queue/events-worker';
import { registerCitizenNotices } from './citizen/notices';
import { registerAnswerSms } from './knowledge/answer-sms';
import { registerSlaWakes } from './sla/jobs/sla-wake.job';
import { registerCallbackJobs, type OutboundDialer } from './callbacks/use-cases/outbound-calls';
import { registerWechatMedia } from './channels/wechat';
import { registerKeptPlatforms } from './hotlines/kept-platforms';
import { parsePeers, type ExchangeConfig } from './channels/exchange';
import type { WechatNoticeDeps } from './channels/wechat-notices';

export interface EventsWorkerDeps {
  /** Places callback calls (回访外呼) on the CTI; absent → such attempts fail and fall through to the SMS link. */
  cti?: OutboundDialer;
  /** Where the citizen's SMS links point (the public site): the survey link and the notices' tracking link. */
  publicBaseUrl?: string;
  /**
   * Downloads the WeChat media (MediaId) named by the event this job carries (channels.md §1);
   * absent when WeChat has no app secret configured. Idempotent per MediaId.
   */
  wechatMedia?: (ticketId: string, version: number) => Promise<void>;
  /** Citizen notices of WeChat appeals by template message (channels.md §0.2); absent → by SMS. */
  wechatNotices?: WechatNoticeDeps;
  /** The exchange (channels.md §7); dispatches to kept department platforms (保留对接) travel over it. */
  exchange?: ExchangeConfig;
}

export function eventHandlers(rt: Runtime, slaQueue: Queue | undefined, deps: EventsWorkerDeps = {}): HandlerRegistry {
  const registry = new HandlerRegistry();
  registerCitizenNotices(registry, rt, { publicBaseUrl: deps.publicBaseUrl, wechat: deps.wechatNotices });
  registerAnswerSms(registry, rt);
  if (slaQueue) registerSlaWakes(registry, rt, slaQueue);
  registerCallbackJobs(registry, rt, { cti: deps.cti, publicBaseUrl: deps.publicBaseUrl ?? '' });
  if (deps.wechatMedia) registerWechatMedia(registry, deps.wechatMedia);
  registerKeptPlatforms(registry, rt, deps.exchange, deps.exchange ? parsePeers(deps.exchange.peers) : []);
  return registry;
}

export function startEventsWorker(rt: Runtime, redisUrl: string, slaQueue?: Queue, deps: EventsWorkerDeps = {}) {
  return runEventsWorker(rt, redisUrl, eventHandlers(rt, slaQueue, deps));
}
