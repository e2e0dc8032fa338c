/**
 * Callback calls by the CTI (回访外呼, channels.md §2 "Callback calls"), when the policy says
 * callbackBy = cti. The path of one attempt:
 *   dialDueCallbacks (cron sweep over callbacks.next_dial_at) → callback_attempts row + outbox row
 *   `callback.dial`, one transaction → the relay makes a BullMQ job (job id = outbox id; Redis away
 *   → the row waits) → placeCallbackCall POSTs {ctiBaseUrl}/outbound-calls (HMAC §0.3) → the CTI's
 *   CallEvents carrying callbackTaskId come back through /channels/phone/events → onCallbackCallEvent:
 *   answered → the IVR survey key rates it (reviews/use-cases/survey-rating.ts); no answer / busy →
 *   the next attempt after dialRetryHours inside the dial window, and after maxAttempts calls the SMS
 *   survey link (sendCallbackSurveyLink). Every attempt is a row in callback_attempts.
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/context';
import type { Tx } from '../../platform/db/client';
import type { Runtime } from '../../platform/runtime';
import { makeCtx, SYSTEM } from '../../platform/context';
import { enqueueJob } from '../../platform/events/outbox';
import type { HandlerRegistry } from '../../platform/events/handlers';
import { recordEvent } from '../../tickets/events';
import { holidays } from '../../dispatch/tables';
import { centreCalendar } from '../../sla/centre-calendar';
import type { HolidayRow } from '../../sla/holiday-rows';
import { callbackAttempts, callbacks, type CallbackAttemptStatus } from '../tables';
import { getPolicy, type FeedbackPolicy } from '../policy';
import { nextDialSlot } from '../dial-window';
import { callbackTokenFor } from '../present';
import type { OutboundCallRequest } from '../../../integrations/phone-cti/outbound-client';
import { inTransaction } from '../../platform/transaction';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
type CallbackRow = typeof callbacks.$inferSelect;
type AttemptRow = typeof callbackAttempts.$inferSelect;

// The centre's calendar (next year counted provisionally until its notice is loaded), as dispatch uses.
async function calendar(tx: Tx) {
  const rows = await tx.select({ date: holidays.date, kind: holidays.kind, name: holidays.name }).from(holidays);
  return centreCalendar(rows as HolidayRow[]);
}

const slotFor = async (tx: Tx, from: Date, p: FeedbackPolicy) => nextDialSlot(from, await calendar(tx), p.dialStartHour, p.dialEndHour);

async function enqueue(tx: Tx, topic: 'callback.dial' | 'callback.sms_link', cb: CallbackRow, attemptId: string) {
  await enqueueJob(tx, topic, { ticketId: cb.ticketId, callbackId: cb.id, attemptId });
}

/**
 * Due tasks claimed for a call, inside the caller's transaction: every pending task whose
 * next_dial_at has come gets its next attempt row (next_dial_at cleared, so each attempt is made
 * once), or, outside the dial window, a next_dial_at at the window's next opening. SKIP LOCKED, so
 * several nodes (or a polling CTI and a cron node) never claim the same task.
 */
async function claimDueCalls(tx: Tx, now: Date, limit: number, status: 'requested' | 'placed') {
  const due = await tx
    .select()
    .from(callbacks)
    .where(and(eq(callbacks.status, 'pending'), sql`${callbacks.nextDialAt} <= ${now}`))
    .orderBy(callbacks.nextDialAt)
    .limit(limit)
    .for('update', { skipLocked: true });
  if (!due.length) return [];
  const policy = await getPolicy(tx);
  if (policy.callbackBy !== 'cti') {
    // The centre went back to agents' calls: these tasks stay on the agents' list only.
    await tx
      .update(callbacks)
      .set({ nextDialAt: null })
      .where(
        inArray(
          callbacks.id,
          due.map((d) => d.id),
        ),
      );
    return [];
  }
  const claimed: { cb: CallbackRow; attempt: AttemptRow; policy: FeedbackPolicy }[] = [];
  // One window for the whole sweep: every task here is due at `now`.
  const slot = await slotFor(tx, now, policy);
  for (const cb of due) {
    if (slot > now) {
      await tx.update(callbacks).set({ nextDialAt: slot }).where(eq(callbacks.id, cb.id));
      continue;
    }
    const [{ next }] = (
      await tx.execute<{ next: number }>(sql`select coalesce(max(attempt), 0)::int + 1 as next
      from callback_attempts where callback_id = ${cb.id}`)
    ).rows;
    const [a] = await tx
      .insert(callbackAttempts)
      .values({ callbackId: cb.id, attempt: next, channel: 'phone', status, requestedAt: now, updatedAt: now })
      .returning();
    await tx.update(callbacks).set({ nextDialAt: null }).where(eq(callbacks.id, cb.id));
    claimed.push({ cb, attempt: a, policy });
  }
  return claimed;
}

/** The cron role's sweep (CTI_CALLBACK_MODE=push): each claimed attempt goes out through the outbox to the CTI. */
export async function dialDueCallbacks(ctx: Ctx, limit = 50): Promise<number> {
  const n = await inTransaction(ctx, async (tx) => {
    const claimed = await claimDueCalls(tx, ctx.now(), limit, 'requested');
    for (const c of claimed) await enqueue(tx, 'callback.dial', c.cb, c.attempt.id);
    return claimed.length;
  });
  return n;
}

/** A task as a polling CTI receives it (channels.md §2: `{taskId, to, window, attempts}`). */
export interface PolledCallbackTask {
  taskId: string;
  to: string;
  window: { from: string; to: string };
  attempts: number;
  survey: boolean;
}

/**
 * CTI_CALLBACK_MODE=poll: `GET /channels/phone/callback-tasks` hands the due tasks to the CTI
 * itself. Handing one out is the attempt (status `placed`, as after a push the CTI accepted); its
 * CallEvents with callbackTaskId then move it like any pushed call. A task without a phone number
 * is counted as a failed attempt, never handed out.
 */
export async function handOutDueCallbacks(ctx: Ctx, limit: number): Promise<PolledCallbackTask[]> {
  const now = ctx.now();
  const claimed = await ctx.db.transaction((tx) => claimDueCalls(tx, now, limit, 'placed'));
  const tasks: PolledCallbackTask[] = [];
  for (const c of claimed) {
    const a = await attemptContext(ctx, c.attempt.id);
    if (!a?.phone) {
      await finishAttempt(ctx, c.attempt.id, 'push_failed', 'NO_PHONE', now);
      continue;
    }
    // The window closes at the policy's end hour of today's China day.
    const dayStart = Math.floor((now.getTime() + 8 * 3600_000) / 86_400_000) * 86_400_000 - 8 * 3600_000;
    tasks.push({
      taskId: c.cb.id,
      to: a.phone,
      attempts: c.attempt.attempt,
      survey: true,
      window: { from: now.toISOString(), to: new Date(dayStart + c.policy.dialEndHour * 3600_000).toISOString() },
    });
  }
  return tasks;
}

/** What the worker needs to dial or text: the attempt, its task, and the citizen's number (decrypted only here). */
async function attemptContext(rt: Pick<Runtime, 'db' | 'svc'>, attemptId: string) {
  const r = await rt.db.execute<{ status: CallbackAttemptStatus; callbackId: string; cbStatus: string; number: string; phoneEnc: string | null }>(sql`
    select a.status, a.callback_id as "callbackId", c.status as "cbStatus", t.number,
      (select value_enc from citizen_contacts cc where cc.citizen_id = t.citizen_id and cc.kind = 'phone' order by created_at limit 1) as "phoneEnc"
    from callback_attempts a join callbacks c on c.id = a.callback_id join tickets t on t.id = c.ticket_id where a.id = ${attemptId}`);
  const row = r.rows[0];
  return row ? { ...row, phone: row.phoneEnc ? rt.svc.pii.decrypt(row.phoneEnc) : null } : null;
}

export interface OutboundDialer {
  placeCall(req: OutboundCallRequest): Promise<{ ok: boolean; status: number }>;
}

/**
 * The `callback.dial` job. A redelivered job finds the attempt no longer `requested` and does
 * nothing. A CTI that refuses or is unreachable: the job throws so BullMQ retries with backoff;
 * on the job's last try the attempt is counted as failed and the next one is scheduled.
 */
export async function placeCallbackCall(rt: Pick<Runtime, 'db' | 'svc' | 'log'>, cti: OutboundDialer | undefined, attemptId: string, lastTry: boolean) {
  const a = await attemptContext(rt, attemptId);
  if (!a || a.status !== 'requested') return;
  const ctx = makeCtx({ db: rt.db, actor: SYSTEM, log: rt.log, svc: rt.svc });
  const fail = (detail: string) => finishAttempt(ctx, attemptId, 'push_failed', detail);
  if (a.cbStatus !== 'pending') return fail('CALLBACK_NOT_PENDING');
  if (!a.phone) return fail('NO_PHONE');
  if (!cti) return fail('CTI_NOT_CONFIGURED');
  let detail: string;
  try {
    const r = await cti.placeCall({ taskId: a.callbackId, to: a.phone, survey: true });
    if (r.ok) {
      await rt.db
        .update(callbackAttempts)
        .set({ status: 'placed', updatedAt: new Date() })
        .where(and(eq(callbackAttempts.id, attemptId), eq(callbackAttempts.status, 'requested')));
      return;
    }
    detail = `HTTP ${r.status}`;
  } catch (err) {
    detail = (err as Error).name === 'TimeoutError' ? 'TIMEOUT' : 'UNREACHABLE';
  }
  if (lastTry) return fail(detail);
  throw new Error(`CTI refused the outbound call: ${detail}`);
}

/**
 * An attempt that reached nobody (no answer, busy, or the CTI would not dial): counted on the task
 * and on the ticket's timeline; then the next call after dialRetryHours inside the dial window, or,
 * after maxAttempts, the SMS survey link. Only an attempt still open moves (replays do nothing).
 */
async function finishAttempt(ctx: Ctx, attemptId: string, status: 'no_answer' | 'busy' | 'push_failed', detail: string | null, at = ctx.now()) {
  await inTransaction(ctx, (tx) => finishAttemptTx(tx, ctx, attemptId, status, detail, at));
}

async function finishAttemptTx(tx: Tx, ctx: Ctx, attemptId: string, status: 'no_answer' | 'busy' | 'push_failed', detail: string | null, at: Date) {
  const [a0] = await tx.select({ callbackId: callbackAttempts.callbackId }).from(callbackAttempts).where(eq(callbackAttempts.id, attemptId));
  if (!a0) return;
  // Task first, then attempt: the same order as onCallbackCallEvent, so the two never deadlock.
  const [cb] = await tx.select().from(callbacks).where(eq(callbacks.id, a0.callbackId)).for('update');
  const [a] = await tx.select().from(callbackAttempts).where(eq(callbackAttempts.id, attemptId)).for('update');
  if (!['requested', 'placed'].includes(a.status)) return;
  await tx.update(callbackAttempts).set({ status, detail, updatedAt: at }).where(eq(callbackAttempts.id, a.id));
  if (cb.status !== 'pending') return;
  const policy = await getPolicy(tx);
  const attempts = cb.attempts + 1;
  const fallBack = attempts >= policy.maxAttempts;
  await recordEvent(tx, ctx, cb.ticketId, {
    type: 'callback.completed',
    data: { callbackId: cb.id, reached: false, via: 'cti', attempt: a.attempt, outcome: status, attempts, next: fallBack ? 'sms_link' : 'call' },
  });
  if (fallBack) {
    const [sms] = await tx
      .insert(callbackAttempts)
      .values({ callbackId: cb.id, attempt: a.attempt + 1, channel: 'sms', requestedAt: at, updatedAt: at })
      .returning();
    await tx.update(callbacks).set({ attempts, channel: 'sms', nextDialAt: null }).where(eq(callbacks.id, cb.id));
    await enqueue(tx, 'callback.sms_link', cb, sms.id);
  } else {
    const next = await slotFor(tx, new Date(at.getTime() + policy.dialRetryHours * 3600_000), policy);
    await tx.update(callbacks).set({ attempts, nextDialAt: next }).where(eq(callbacks.id, cb.id));
  }
}

/** The CallEvent fields this needs (integrations/phone-cti/call-event.ts). */
export interface CallbackCallEvent {
  type: string;
  callId: string;
  at: string;
  callbackTaskId?: string;
  hangupCause?: string;
}

/**
 * A CallEvent of an outbound callback call (it carries callbackTaskId): `answered` marks the
 * attempt answered; `ended` without an answer is no answer (busy when the hangup cause says so).
 * An `ended` that overtakes its `answered` is caught by looking for the stored answered event.
 */
export async function onCallbackCallEvent(ctx: Ctx, e: CallbackCallEvent): Promise<void> {
  if (!e.callbackTaskId || !UUID.test(e.callbackTaskId) || !['answered', 'ended'].includes(e.type)) return;
  const at = new Date(e.at);
  let miss: { id: string; status: 'no_answer' | 'busy' } | null = null;
  await ctx.db.transaction(async (tx) => {
    const [cb] = await tx.select().from(callbacks).where(eq(callbacks.id, e.callbackTaskId!)).for('update');
    if (!cb) return;
    const [a] = await tx
      .select()
      .from(callbackAttempts)
      .where(and(eq(callbackAttempts.callbackId, cb.id), eq(callbackAttempts.channel, 'phone')))
      .orderBy(desc(callbackAttempts.attempt))
      .limit(1)
      .for('update');
    if (!a || !['requested', 'placed', 'answered'].includes(a.status)) return;
    if (a.callId && a.callId !== e.callId) return; // a late event of an earlier call
    if (!a.callId) await tx.update(callbackAttempts).set({ callId: e.callId }).where(eq(callbackAttempts.id, a.id));
    if (a.status === 'answered') return;
    const answered =
      e.type === 'answered' ||
      (
        await tx.execute(sql`select 1 from channel_events where channel = 'phone'
      and type = 'call.answered' and data->>'callId' = ${e.callId} limit 1`)
      ).rows.length > 0;
    if (answered) {
      await tx.update(callbackAttempts).set({ status: 'answered', updatedAt: at }).where(eq(callbackAttempts.id, a.id));
      return;
    }
    miss = { id: a.id, status: /busy/i.test(e.hangupCause ?? '') ? 'busy' : 'no_answer' };
  });
  const m = miss as { id: string; status: 'no_answer' | 'busy' } | null;
  if (m) await finishAttempt(ctx, m.id, m.status, e.hangupCause ?? null, at);
}

/**
 * The `callback.sms_link` job: the SMS survey link (template callback_link) to the citizen, once
 * (the notification id is the outbox row id, claimed in the send log before sending).
 */
export async function sendCallbackSurveyLink(rt: Pick<Runtime, 'db' | 'svc' | 'log' | 'sms'>, attemptId: string, outboxId: number, publicBaseUrl: string) {
  const a = await attemptContext(rt, attemptId);
  if (!a || a.status !== 'requested') return;
  if (!a.phone || a.cbStatus !== 'pending') {
    await rt.db
      .update(callbackAttempts)
      .set({ status: 'push_failed', detail: a.phone ? 'CALLBACK_NOT_PENDING' : 'NO_PHONE', updatedAt: new Date() })
      .where(eq(callbackAttempts.id, attemptId));
    return;
  }
  const ctx = makeCtx({ db: rt.db, actor: SYSTEM, log: rt.log, svc: rt.svc });
  const link = `${publicBaseUrl.replace(/\/$/, '')}/track?callback=${a.callbackId}&token=${callbackTokenFor(ctx, a.callbackId)}`;
  await rt.sms.send(a.phone, 'callback_link', { ticketNo: a.number, link }, `outbox-${outboxId}`);
  await rt.db
    .update(callbackAttempts)
    .set({ status: 'sent', updatedAt: new Date() })
    .where(and(eq(callbackAttempts.id, attemptId), inArray(callbackAttempts.status, ['requested'])));
}

export type { AttemptRow };

/** The callback jobs' handlers (events worker): place the call, or send the survey link. */
export function registerCallbackJobs(registry: HandlerRegistry, rt: Runtime, deps: { cti?: OutboundDialer; publicBaseUrl: string }) {
  registry.on(['callback.dial'], 'callback-dial', (m, job) => placeCallbackCall(rt, deps.cti, m.attemptId!, job.attemptsMade + 1 >= job.attempts));
  registry.on(['callback.sms_link'], 'callback-sms-link', (m) => sendCallbackSurveyLink(rt, m.attemptId!, m.outboxId, deps.publicBaseUrl));
}
