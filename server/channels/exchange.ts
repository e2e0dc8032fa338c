/**
 * Province ↔ city exchange in the running server (省市平台对接, channels.md §7): the peer
 * configuration, the inbox that applies a peer's message to the local ticket in one
 * transaction, the outbox that queues ours with the state change that caused it, and the
 * deliverer that sends them in seq order per order with exponential backoff.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { Router } from 'express';
import { reportFailure } from '../platform/background';
import { z } from 'zod';
import type { Runtime } from '../platform/runtime';
import type { Db, Tx } from '../platform/db/client';
import { makeCtx, type Actor, type Ctx } from '../platform/context';
import { Problem, problem } from '../platform/http/problems';
import { applyPlatformMessage, refusalReason } from '../hotlines/kept-platforms';
import { validate } from '../platform/http/middleware';
import { requireStaff } from '../identity/sessions';
import { maskPhone } from '../identity/checks';
import { recordEvent } from '../tickets/events';
import { registerTicket } from '../tickets/use-cases/register-ticket';
import { ExchangeClient } from '../../integrations/exchange/client';
import type { Envelope, MessageType } from '../../integrations/exchange/messages';
import type { ExchangeInboxPort, ExchangePeer, ExchangePeerStore } from '../../integrations/exchange/ports';
import { exchangeInbox, exchangeOrders, exchangeOutbox } from './tables';
import { leadDispatchSql } from '../dispatch/lead-dispatch';

export interface ExchangeConfig {
  /** Our platform id: the key id we sign with, `from` in our envelopes. */
  selfId: string;
  /** JSON array of `{platformId, role: 'upper'|'lower', baseUrl, secret | secrets[]}` (baseUrl ends in /exchange/v1). */
  peers: string;
  retryBaseSeconds?: number;
  retryCapSeconds?: number;
  retrySpanHours?: number;
}

const PeerConfig = z.array(
  z
    .strictObject({
      platformId: z.string().min(1).max(64),
      name: z.string().max(100).optional(),
      role: z.enum(['upper', 'lower']),
      baseUrl: z.url(),
      secret: z.string().min(16).optional(),
      secrets: z.array(z.string().min(16)).min(1).max(2).optional(),
    })
    .refine((p) => p.secret || p.secrets, 'secret or secrets'),
);

export type ConfiguredPeer = ExchangePeer & { name: string };

/** Peers from configuration; the first secret signs what we send, any of them verifies what we receive (rotation). */
export function parsePeers(json: string): ConfiguredPeer[] {
  return PeerConfig.parse(JSON.parse(json)).map((p) => ({
    platformId: p.platformId,
    name: p.name ?? p.platformId,
    role: p.role,
    baseUrl: p.baseUrl,
    secrets: p.secrets ?? [p.secret!],
  }));
}

export const peerStore = (peers: ConfiguredPeer[]): ExchangePeerStore => ({ get: async (id) => peers.find((p) => p.platformId === id) ?? null });

/** The order's own life (apart from the local ticket's status): from-states → to-state per message type. */
const NEXT: Record<MessageType, [string[], string]> = {
  'order.pushed': [['none'], 'dispatched'],
  'order.signed': [['dispatched'], 'signed'],
  'order.returned': [['dispatched', 'signed'], 'returned'],
  'order.extension_requested': [['signed'], 'signed'],
  'order.extension_decided': [['signed'], 'signed'],
  'order.progress': [['signed'], 'signed'],
  'order.replied': [['signed'], 'replied'],
  'order.closed': [['replied'], 'closed'],
  'order.reopened': [['replied', 'closed'], 'signed'],
  'order.callback_result': [['closed'], 'closed'],
  'order.recalled': [['dispatched', 'signed'], 'recalled'],
};

const actorFor = (peerId: string): Actor => ({ kind: 'system', name: `exchange:${peerId}` });
const txCtx = (rt: Runtime, tx: Tx, actor: Actor): Ctx => makeCtx({ db: tx as unknown as Db, actor, log: rt.log, svc: rt.svc });

/**
 * Applies one verified message (channels.md §7): exchangeId once (same body → duplicate, other
 * body → conflict), seq per order in order, the order's transition, the ticket's timeline event
 * (labelled with the peer) — all in one transaction, so a failure leaves nothing behind.
 */
export function pgExchangeInbox(rt: Runtime, peers: ConfiguredPeer[]): ExchangeInboxPort {
  return {
    async receive({ envelope: e, bodySha256, peer, appeal }) {
      const seen = await rt.db.select().from(exchangeInbox).where(eq(exchangeInbox.exchangeId, e.exchangeId));
      if (seen[0]) return seen[0].bodySha256 === bodySha256 ? { status: 'duplicate' as const } : { error: 'EXCHANGE_ID_CONFLICT' as const };
      const peerName = peers.find((p) => p.platformId === peer.platformId)?.name ?? peer.platformId;
      let pushedTicketId: string | null = null;
      if (e.type === 'order.pushed') {
        if (e.seq !== 1) return { error: 'SEQUENCE_GAP' as const };
        const [known] = await rt.db.select().from(exchangeOrders).where(eq(exchangeOrders.orderId, e.orderId));
        if (known) return { error: 'INVALID_TRANSITION' as const };
        const p = e.payload as { contact?: { masked?: boolean } };
        // A masked number is for display, not a contact point: it must not become (or find) a citizen.
        const citizen = p.contact?.masked ? { ...appeal!.citizen, phone: undefined } : appeal!.citizen;
        // The one intake use case, in its own transaction (ticket numbers are drawn outside any); it is
        // idempotent on (exchange, peer, orderId), so a crash before the order row below heals on the retry.
        pushedTicketId = (await registerTicket(makeCtx({ db: rt.db, actor: actorFor(peer.platformId), log: rt.log, svc: rt.svc }), { ...appeal!, citizen }))
          .ticketId;
      }
      const r = await rt.db
        .transaction(async (tx) => {
          const ctx = txCtx(rt, tx, actorFor(peer.platformId));
          const [order] = await tx.select().from(exchangeOrders).where(eq(exchangeOrders.orderId, e.orderId)).for('update');
          const [from, to] = NEXT[e.type];
          let ticketId: string;
          if (pushedTicketId) {
            if (order) return { error: 'INVALID_TRANSITION' as const };
            ticketId = pushedTicketId;
            await tx.insert(exchangeOrders).values({ orderId: e.orderId, peerId: peer.platformId, direction: 'in', ticketId, state: to, inSeq: 1 });
          } else {
            if (!order || order.peerId !== peer.platformId) return { error: 'UNKNOWN_ORDER' as const };
            if (e.seq > order.inSeq + 1) return { error: 'SEQUENCE_GAP' as const };
            if (e.seq <= order.inSeq) return { error: 'INVALID_TRANSITION' as const };
            if (!from.includes(order.state)) return { error: 'INVALID_TRANSITION' as const, reason: refusalReason(e.type, order.state) };
            ticketId = order.ticketId;
            await tx.update(exchangeOrders).set({ state: to, inSeq: e.seq, updatedAt: ctx.now() }).where(eq(exchangeOrders.orderId, e.orderId));
          }
          await recordEvent(tx, ctx, ticketId, {
            type: 'exchange.received',
            data: {
              messageType: e.type,
              peer: peer.platformId,
              peerName,
              orderId: e.orderId,
              ...(e.type === 'order.pushed' ? {} : { payload: e.payload }),
            },
          });
          // A kept department platform (保留对接) answers for a dispatch: its sign/reply/return is that unit's.
          if (order?.direction === 'out' && order.dispatchId) await applyPlatformMessage(tx, rt, order, e, peerName);
          await tx.insert(exchangeInbox).values({ exchangeId: e.exchangeId, orderId: e.orderId, type: e.type, bodySha256 });
          return { status: 'accepted' as const };
        })
        .catch(async (err: { code?: string; cause?: { code?: string } }) => {
          // Two deliveries of one message raced: the loser sees the winner's row.
          if ((err.code ?? err.cause?.code) === '23505') return { status: 'duplicate' as const };
          // The local ticket cannot take the platform's step (the centre recalled it meanwhile…): the
          // sender marks the message failed and alerts (§7), and nothing of it is kept here.
          if (err instanceof Problem && err.status < 500) {
            rt.log.warn({ orderId: e.orderId, type: e.type, code: err.code }, 'exchange: platform message refused by the ticket state');
            return { error: 'INVALID_TRANSITION' as const, reason: refusalReason(e.type, null, err) };
          }
          throw err;
        });
      if ('status' in r && r.status === 'accepted') rt.svc.kickOutbox();
      return r;
    },
  };
}

/**
 * Queues one message of ours on an order, with the order's transition, inside the caller's
 * transaction (the ticket event and outbox row commit together). Returns the envelope.
 */
export async function queueMessage(tx: Tx, cfg: ExchangeConfig, order: typeof exchangeOrders.$inferSelect, type: MessageType, payload: unknown, now: Date) {
  const [from, to] = NEXT[type];
  if (!from.includes(order.state)) throw problem('EXCHANGE_STATE_CONFLICT', `${type} from ${order.state}`);
  const seq = order.outSeq + 1;
  await tx.update(exchangeOrders).set({ state: to, outSeq: seq, updatedAt: now }).where(eq(exchangeOrders.orderId, order.orderId));
  const envelope: Envelope = { exchangeId: randomUUID(), type, orderId: order.orderId, seq, sentAt: now.toISOString(), from: cfg.selfId, payload };
  await tx
    .insert(exchangeOutbox)
    .values({ orderId: order.orderId, seq, peerId: order.peerId, envelope: envelope as unknown as Record<string, unknown>, nextAttemptAt: now });
  return envelope;
}

/**
 * The ticket snapshot a province pushes down (order.pushed payload). Contact goes masked (our default agreement).
 * With `dispatchId` (a kept department platform's dispatch), the reply due is that dispatch's own clock.
 */
export async function snapshotOf(ctx: Ctx, ticketId: string, dispatchId?: string) {
  const [t] = (
    await ctx.db.execute<{
      number: string;
      title: string;
      content: string;
      appealType: string | null;
      categoryCode: string | null;
      urgency: string;
      regionCode: string | null;
      phoneEnc: string | null;
      replyDueAt: string | null;
    }>(sql`select t.number, t.title, t.content,
    t.appeal_type as "appealType", t.category_code as "categoryCode", t.urgency, t.region_code as "regionCode",
    (select value_enc from citizen_contacts cc where cc.citizen_id = t.citizen_id and cc.kind = 'phone' order by created_at limit 1) as "phoneEnc",
    ${
      dispatchId
        ? sql`(select reply_due_at from dispatches d where d.id = ${dispatchId})`
        : sql`(select l.reply_due_at from ${sql.raw(leadDispatchSql('t.id', 't.current_round'))} l)`
    } as "replyDueAt"
    from tickets t where t.id = ${ticketId}`)
  ).rows;
  if (!t) throw problem('TICKET_NOT_FOUND');
  const phone = ctx.svc.pii.decryptOpt(t.phoneEnc);
  return {
    originTicketNo: t.number,
    text: t.content,
    title: t.title.slice(0, 200),
    ...(t.appealType ? { appealType: t.appealType } : {}),
    ...(t.categoryCode && /^\d{2,12}$/.test(t.categoryCode) ? { categoryCode: t.categoryCode } : {}),
    urgency: t.urgency,
    ...(t.regionCode ? { divisionCode: t.regionCode } : {}),
    ...(phone ? { contact: { phone: maskPhone(phone), masked: true } } : {}),
    attachments: [],
    ...(t.replyDueAt ? { replyDueAt: new Date(t.replyDueAt).toISOString() } : {}),
  };
}

/** What staff do on an exchanged order, by which side they are on. */
const ACTIONS = {
  // We received the order from an upper platform.
  sign: { type: 'order.signed', side: 'in', body: z.strictObject({ note: z.string().trim().max(500).optional() }) },
  return: { type: 'order.returned', side: 'in', body: z.strictObject({ reason: z.string().trim().min(1).max(1000) }) },
  extend: {
    type: 'order.extension_requested',
    side: 'in',
    body: z.strictObject({ reason: z.string().trim().min(1).max(1000), requestedDueAt: z.iso.datetime({ offset: true }) }),
  },
  progress: { type: 'order.progress', side: 'in', body: z.strictObject({ note: z.string().trim().min(1).max(2000) }) },
  reply: { type: 'order.replied', side: 'in', body: z.strictObject({ text: z.string().trim().min(1).max(20000) }) },
  // We pushed the order down.
  close: { type: 'order.closed', side: 'out', body: z.strictObject({ note: z.string().trim().max(1000).optional() }) },
  recall: { type: 'order.recalled', side: 'out', body: z.strictObject({ reason: z.string().trim().min(1).max(1000) }) },
} as const;

const IdParams = z.strictObject({ id: z.uuid() });
const ActionParams = z.strictObject({ id: z.uuid(), action: z.string().max(20) });
const PushBody = z.strictObject({ peerId: z.string().min(1).max(64) });

/** Staff routes (under /api, session + CSRF): push a ticket down; act on an exchanged order. */
export function exchangeRoutes(cfg: ExchangeConfig, peers: ConfiguredPeer[], kick: () => void) {
  const r = Router();
  r.post('/tickets/:id/exchange/push', requireStaff('agent', 'dispatcher', 'supervisor'), validate({ params: IdParams, body: PushBody }), async (req, res) => {
    const id = String(req.params.id);
    const peer = peers.find((p) => p.platformId === req.body.peerId && p.role === 'lower');
    if (!peer) throw problem('EXCHANGE_PEER_UNKNOWN');
    const payload = await snapshotOf(req.ctx, id);
    const orderId = randomUUID();
    await req.ctx.db.transaction(async (tx) => {
      const open = await tx
        .select()
        .from(exchangeOrders)
        .where(
          and(eq(exchangeOrders.ticketId, id), eq(exchangeOrders.direction, 'out'), sql`${exchangeOrders.state} not in ('returned', 'recalled', 'closed')`),
        );
      if (open.length) throw problem('EXCHANGE_STATE_CONFLICT', 'already pushed');
      const [order] = await tx.insert(exchangeOrders).values({ orderId, peerId: peer.platformId, direction: 'out', ticketId: id, state: 'none' }).returning();
      await queueMessage(tx, cfg, order, 'order.pushed', payload, req.ctx.now());
      await recordEvent(tx, req.ctx, id, { type: 'exchange.sent', data: { messageType: 'order.pushed', peer: peer.platformId, peerName: peer.name, orderId } });
    });
    kick();
    res.status(202).json({ data: { orderId, peerId: peer.platformId } });
  });

  r.post('/tickets/:id/exchange/:action', requireStaff('agent', 'dispatcher', 'supervisor'), validate({ params: ActionParams }), async (req, res) => {
    const { id, action } = req.params;
    const spec = (ACTIONS as Record<string, (typeof ACTIONS)[keyof typeof ACTIONS]>)[action];
    if (!spec) throw problem('UNKNOWN_ACTION', action);
    const body = spec.body.parse(req.body ?? {});
    const out = await req.ctx.db.transaction(async (tx) => {
      const [order] = await tx
        .select()
        .from(exchangeOrders)
        .where(and(eq(exchangeOrders.ticketId, id), eq(exchangeOrders.direction, spec.side)))
        .orderBy(sql`${exchangeOrders.createdAt} desc`)
        .limit(1)
        .for('update');
      if (!order) throw problem('EXCHANGE_STATE_CONFLICT', 'no exchanged order on this ticket');
      const env = await queueMessage(tx, cfg, order, spec.type, body, req.ctx.now());
      const peer = peers.find((p) => p.platformId === order.peerId);
      await recordEvent(tx, req.ctx, id, {
        type: 'exchange.sent',
        data: { messageType: spec.type, peer: order.peerId, peerName: peer?.name ?? order.peerId, orderId: order.orderId, payload: body },
      });
      return { orderId: order.orderId, seq: env.seq };
    });
    kick();
    res.status(202).json({ data: out });
  });
  return r;
}

/**
 * Sends queued messages: for each order only its lowest undelivered seq (the peer applies them in
 * order), rows claimed with SKIP LOCKED so several workers never send one row at once. Retry
 * with backoff base·2ⁿ up to the cap; past the retry span the row is dead (error log = the
 * supervisor alert until an alert channel exists). A 4xx the peer will never accept fails the row.
 */
export function startExchangeDeliverer(rt: Runtime, cfg: ExchangeConfig, peers: ConfiguredPeer[], o: { intervalMs?: number } = {}) {
  const clients = new Map(peers.map((p) => [p.platformId, new ExchangeClient({ selfPlatformId: cfg.selfId, secret: p.secrets[0] })]));
  const base = cfg.retryBaseSeconds ?? 10,
    cap = cfg.retryCapSeconds ?? 3600,
    spanMs = (cfg.retrySpanHours ?? 24) * 3600_000;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  async function once(): Promise<number> {
    return rt.db.transaction(async (tx) => {
      const rows = (
        await tx.execute<{ id: number; peerId: string; envelope: Envelope; attempts: number; createdAt: string }>(sql`
        select o.id::int as id, o.peer_id as "peerId", o.envelope, o.attempts, o.created_at as "createdAt" from exchange_outbox o
        where o.status = 'pending' and o.next_attempt_at <= now()
          and not exists (select 1 from exchange_outbox e where e.order_id = o.order_id and e.seq < o.seq and e.status = 'pending')
        order by o.id limit 20 for update skip locked`)
      ).rows;
      for (const row of rows) {
        const peer = peers.find((p) => p.platformId === row.peerId);
        // A peer removed from the configuration since the row was queued: nothing to send it to.
        const res = peer ? await clients.get(peer.platformId)!.deliver(peer.baseUrl, row.envelope) : { outcome: 'failed' as const, code: 'PEER_UNKNOWN' };
        if (res.outcome === 'delivered') {
          await tx
            .update(exchangeOutbox)
            .set({ status: 'delivered', attempts: row.attempts + 1, deliveredAt: new Date(), lastError: null })
            .where(eq(exchangeOutbox.id, row.id));
        } else if (res.outcome === 'retry' && Date.now() - new Date(row.createdAt).getTime() < spanMs) {
          const wait = Math.min(base * 2 ** row.attempts, cap);
          await tx
            .update(exchangeOutbox)
            .set({ attempts: row.attempts + 1, lastError: res.code, nextAttemptAt: new Date(Date.now() + wait * 1000) })
            .where(eq(exchangeOutbox.id, row.id));
        } else {
          const status = res.outcome === 'retry' ? 'dead' : 'failed';
          await tx
            .update(exchangeOutbox)
            .set({ status, attempts: row.attempts + 1, lastError: res.code })
            .where(eq(exchangeOutbox.id, row.id));
          rt.log.error(
            { code: res.code, orderId: row.envelope.orderId, seq: row.envelope.seq, type: row.envelope.type, status },
            'exchange: message not delivered for good',
          );
        }
      }
      return rows.length;
    });
  }

  const kick = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      try {
        do {
          again = false;
          while ((await once()) > 0 && !stopped) {
            /* next batch: the next seq of each order may be due now */
          }
        } while (again && !stopped);
      } catch (err) {
        reportFailure(rt.log, 'exchange-delivery', err);
      } finally {
        running = null;
      }
    })();
  };
  const timer = setInterval(kick, o.intervalMs ?? 1000);
  timer.unref();
  return {
    kick,
    async close() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
