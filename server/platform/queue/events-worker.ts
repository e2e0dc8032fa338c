import { Worker, type Job, type Queue } from 'bullmq';
import { sql } from 'drizzle-orm';
import type { Runtime } from '../runtime';
import { EVENTS_QUEUE, workerConnection } from './queues';
import { errorForLog } from '../log/safe-error';
import { scheduleTicketWakes } from '../../sla/jobs/sla-wake.job';
import { placeCallbackCall, sendCallbackSurveyLink, type OutboundDialer } from '../../callbacks/use-cases/outbound-calls';

/**
 * Follow-up work for outbox topics. Today: telling the citizen (by mail for mail appeals, else SMS) when their ticket is
 * received, its deadline is extended, or it is closed; fetching WeChat media of a new or supplemented appeal. Each job id is the outbox row id,
 * and a sent notice is recorded, so a redelivered job sends nothing twice.
 */
const CITIZEN_NOTICES: Record<string, 'ticket_received' | 'ticket_replied'> = {
  'ticket.registered': 'ticket_received',
  'extension.approved': 'ticket_replied',
  'ticket.closed': 'ticket_replied',
};

/** Events after which a dispatch has new stored deadlines to wake up for. */
const CLOCK_EVENTS = new Set(['ticket.dispatched', 'dispatch.reassigned', 'extension.approved', 'ticket.sent_back']);

export interface EventsWorkerDeps {
  /** Places callback calls (回访外呼) on the CTI; absent → such attempts fail and fall through to the SMS link. */
  cti?: OutboundDialer;
  /** Where the citizen's SMS survey link points (the public site). */
  publicBaseUrl?: string;
  /**
   * Downloads the WeChat media (MediaId) named by the event this job carries (channels.md §1);
   * absent when WeChat has no app secret configured. Idempotent per MediaId.
   */
  wechatMedia?: (ticketId: string, version: number) => Promise<void>;
}

/** Events whose attachments may still be remote WeChat MediaIds. */
const MEDIA_EVENTS = new Set(['ticket.registered', 'citizen.supplemented']);

export function startEventsWorker(rt: Runtime, redisUrl: string, slaQueue?: Queue, deps: EventsWorkerDeps = {}) {
  const worker = new Worker(EVENTS_QUEUE, async (job: Job) => {
    if (slaQueue && CLOCK_EVENTS.has(job.name) && job.data?.ticketId) await scheduleTicketWakes(rt, slaQueue, job.data.ticketId);
    if (job.name === 'callback.dial') {
      await placeCallbackCall(rt, deps.cti, job.data.attemptId, job.attemptsMade + 1 >= (job.opts.attempts ?? 1));
      return;
    }
    if (job.name === 'callback.sms_link') {
      await sendCallbackSurveyLink(rt, job.data.attemptId, job.data.outboxId, deps.publicBaseUrl ?? '');
      return;
    }
    // The notice and the media download are independent: one failing must not starve the other,
    // and both are idempotent, so a retry of the job repeats nothing that already happened.
    const results = await Promise.allSettled([
      handle(rt, job),
      deps.wechatMedia && MEDIA_EVENTS.has(job.name) && job.data?.channel === 'wechat' && job.data?.ticketId && job.data?.version
        ? deps.wechatMedia(job.data.ticketId, Number(job.data.version)) : Promise.resolve(),
    ]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }, {
    connection: workerConnection(redisUrl), prefix: rt.options.queuePrefix, concurrency: 8,
  });
  worker.on('error', () => {});
  worker.on('failed', (job, err) => {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) rt.log.error({ jobId: job.id, err: errorForLog(err) }, 'event job failed for good');
  });
  return worker;
}

async function handle(rt: Runtime, job: Job) {
  const template = CITIZEN_NOTICES[job.name];
  const ticketId = job.data?.ticketId as string | undefined;
  if (!template || !ticketId) return;
  const r = await rt.db.execute<{ number: string; phoneEnc: string | null; emailEnc: string | null; channel: string; externalId: string;
    replyText: string | null }>(sql`select t.number, t.channel, t.external_id as "externalId", t.reply_text as "replyText",
    (select value_enc from citizen_contacts cc where cc.citizen_id = t.citizen_id and cc.kind = 'phone' order by created_at limit 1) as "phoneEnc",
    (select value_enc from citizen_contacts cc where cc.citizen_id = t.citizen_id and cc.kind = 'email' order by created_at limit 1) as "emailEnc"
    from tickets t where t.id = ${ticketId}`);
  const t = r.rows[0];
  if (!t) return;
  const notificationId = `outbox-${job.data.outboxId}`;
  // The citizen's own channel first (channels.md §0.2): a mail appeal is answered by mail, in its thread.
  if (t.channel === 'email' && t.emailEnc && rt.mail) {
    await rt.mail.notify({ notificationId, ticketNo: t.number, to: rt.svc.pii.decrypt(t.emailEnc), template, replyText: t.replyText,
      inReplyTo: t.externalId });
    return;
  }
  if (!t.phoneEnc) return;
  // Idempotent: the notification id is the outbox row id, claimed in the send log before sending.
  await rt.sms.send(rt.svc.pii.decrypt(t.phoneEnc), template, { number: t.number }, notificationId);
}
