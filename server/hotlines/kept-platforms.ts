/**
 * 保留对接 — kept and connected department platforms (12315 market regulation, 12366 tax, 12369
 * environment…). The department keeps its own platform; 12345 still owns the appeal. Decisions
 * (the reform plan and the spec are silent on the mechanics; docs/SPEC-NOTES.md records them):
 *
 * - The platform is a handling unit of kind `platform` whose `exchange_peer_id` names a peer of
 *   the exchange (channels.md §7, role `lower`). Dispatching to it is ordinary dispatch: the
 *   dispatch carries the policy's clock (sign, reply, reminders, supervision), so the platform is
 *   measured like any unit and appears in the unit reports.
 * - A dispatch to a platform unit becomes an exchange order (`order.pushed`, one per dispatch,
 *   reply due = that dispatch's own deadline). The platform's `order.signed`, `order.replied` and
 *   `order.returned` are applied as that unit's sign / reply / return request, in the same
 *   transaction as the inbox row, so the reply lands on the same ticket and waits for the centre's
 *   review (审核) exactly like a unit's; `order.extension_requested` is that unit's extension request
 *   (延期), which the centre approves or denies as any unit's; progress notes go on the timeline.
 * - The centre's decisions travel back: accepting the reply closes the order, sending it back reopens
 *   it, an extension decision is `order.extension_decided`, and a recall or reassignment (撤回/改派)
 *   of the platform's dispatch is `order.recalled` with the centre's reason, so the platform stops.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Runtime } from '../platform/runtime';
import type { Db, Tx } from '../platform/db/client';
import { makeCtx, SYSTEM, type Actor, type Ctx } from '../platform/context';
import { inTransaction } from '../platform/transaction';
import { reportFailure } from '../platform/background';
import type { HandlerRegistry } from '../platform/events/handlers';
import { recordEvent } from '../tickets/events';
import { dispatches, handlingUnits, OPEN_DISPATCH_STATUSES } from '../dispatch/tables';
import { requestExtension, requestReturn, replyTicket, signForTicket, startHandling } from '../dispatch/use-cases/unit-handling';
import { chinaDayOf } from '../sla/extension';
import { PROBLEMS, type Problem } from '../platform/http/problems';
import { exchangeOrders } from '../channels/tables';
import { queueMessage, snapshotOf, type ConfiguredPeer, type ExchangeConfig } from '../channels/exchange';
import type { Envelope } from '../../integrations/exchange/messages';

type Order = typeof exchangeOrders.$inferSelect;

/**
 * The platform acts as the clerk of its own unit: the unit id stands in the actor id (there is no
 * person), the peer's name is what the timeline shows.
 */
const platformActor = (unitId: string, peerName: string): Actor => ({ kind: 'staff', id: unitId, role: 'unit_clerk', unitId, displayName: peerName });

/**
 * Applies an upward message from a kept platform to the dispatch its order carries, inside the
 * inbox's transaction. Throws the use case's problem (e.g. TICKET_STATE_CONFLICT when the centre
 * recalled the ticket meanwhile); the inbox answers the peer 422 and nothing is kept.
 */
export async function applyPlatformMessage(tx: Tx, rt: Runtime, order: Order, e: Envelope, peerName: string) {
  if (!order.dispatchId) return;
  const [d] = await tx.select({ unitId: dispatches.unitId }).from(dispatches).where(eq(dispatches.id, order.dispatchId));
  if (!d) return;
  // The use cases open their own transaction; on a Tx that is a savepoint inside the inbox's.
  const ctx = makeCtx({ db: tx as unknown as Db, actor: platformActor(d.unitId, peerName), log: rt.log, svc: rt.svc });
  const p = e.payload as { text?: string; reason?: string; attachments?: { name: string; url: string }[] };
  switch (e.type) {
    case 'order.signed':
      return signForTicket(ctx, order.ticketId, {});
    case 'order.replied': {
      // The platform's files stay where it signed them; the reply names them so the reviewer can open them.
      const files = (p.attachments ?? []).map((a) => `\n附件：${a.name} ${a.url}`).join('');
      return replyTicket(ctx, order.ticketId, { text: `${p.text ?? ''}${files}`.slice(0, 10000), attachments: [] });
    }
    case 'order.returned':
      return requestReturn(ctx, order.ticketId, { reasonCode: 'not_our_duty', note: p.reason ?? '' });
    case 'order.extension_requested': {
      // The unit's own extension request (延期), decided by the centre like any unit's. A signed platform
      // is working on it (在办): the dispatch starts first, as a clerk's 开始办理 would, since a request needs in_progress.
      const [cur] = await tx.select({ status: dispatches.status }).from(dispatches).where(eq(dispatches.id, order.dispatchId));
      if (cur?.status === 'signed') await startHandling(ctx, order.ticketId, {});
      const asked = (e.payload as { requestedDueAt: string }).requestedDueAt;
      return requestExtension(ctx, order.ticketId, { newDueDate: chinaDayOf(new Date(asked)), reason: p.reason ?? '' });
    }
    default:
      // order.progress: on the timeline (exchange.received) for the centre to read.
      return;
  }
}

/**
 * A message the local ticket refused, said so the platform's operator understands it (the inbox
 * answers 422 INVALID_TRANSITION with this as `reason`): the order's state, or the use case's problem.
 */
export function refusalReason(type: string, orderState: string | null, err?: Problem): { code: string; message: string } {
  if (err) {
    const def = PROBLEMS[err.code];
    return { code: err.code, message: `${def.zh}${err.detail ? `（${err.detail}）` : ''}` };
  }
  if (type === 'order.extension_requested' && orderState === 'dispatched') {
    return { code: 'EXTENSION_BEFORE_SIGN', message: '工单尚未签收，不能申请延期：请先签收（order.signed），再申请延期' };
  }
  return { code: 'ORDER_STATE', message: `工单当前状态为 ${orderState ?? '未知'}，不接受 ${type}` };
}

/**
 * After commit of a dispatch (or reassignment): each open dispatch of the current round whose unit
 * is a kept platform becomes an order to that platform, with its `exchange.sent` event — once per
 * dispatch (unique index), so the at-least-once job is harmless when redelivered.
 */
export async function pushDispatchesToPlatforms(rt: Runtime, cfg: ExchangeConfig | undefined, peers: ConfiguredPeer[], ticketId: string) {
  const rows = await rt.db
    .select({ dispatchId: dispatches.id, peerId: handlingUnits.exchangePeerId, unitName: handlingUnits.name })
    .from(dispatches)
    .innerJoin(handlingUnits, eq(handlingUnits.id, dispatches.unitId))
    .leftJoin(exchangeOrders, eq(exchangeOrders.dispatchId, dispatches.id))
    .where(
      and(
        eq(dispatches.ticketId, ticketId),
        inArray(dispatches.status, OPEN_DISPATCH_STATUSES),
        sql`${handlingUnits.exchangePeerId} is not null`,
        isNull(exchangeOrders.orderId),
      ),
    );
  let pushed = 0;
  for (const row of rows) {
    const peer = peers.find((p) => p.platformId === row.peerId && p.role === 'lower');
    if (!peer || !cfg) {
      // A platform unit with no configured peer would sit dispatched with nobody to read it: say so loudly.
      reportFailure(rt.log, 'kept-platform-push', new Error(`unit ${row.unitName}: exchange peer ${row.peerId} is not configured`));
      continue;
    }
    const ctx: Ctx = makeCtx({ db: rt.db, actor: SYSTEM, log: rt.log, svc: rt.svc });
    const payload = await snapshotOf(ctx, ticketId, row.dispatchId);
    const orderId = randomUUID();
    const done = await inTransaction(ctx, async (tx) => {
      const [order] = await tx
        .insert(exchangeOrders)
        .values({ orderId, peerId: peer.platformId, direction: 'out', ticketId, dispatchId: row.dispatchId, state: 'none' })
        .onConflictDoNothing()
        .returning();
      if (!order) return false; // another delivery of the same job got here first
      await queueMessage(tx, cfg, order, 'order.pushed', payload, ctx.now());
      await recordEvent(tx, ctx, ticketId, {
        type: 'exchange.sent',
        data: { messageType: 'order.pushed', peer: peer.platformId, peerName: peer.name, orderId },
      });
      return true;
    });
    if (done) pushed += 1;
  }
  if (pushed) rt.exchangeKick?.();
  return pushed;
}

/**
 * The centre's review travels to the platform: accepting the reply (ticket.closed) closes the
 * order, sending it back (ticket.sent_back) reopens it. Only orders in `replied` move, so a
 * redelivered job finds nothing to do.
 */
export async function followReview(rt: Runtime, cfg: ExchangeConfig, peers: ConfiguredPeer[], ticketId: string, review: 'closed' | 'sent_back') {
  const ctx = makeCtx({ db: rt.db, actor: SYSTEM, log: rt.log, svc: rt.svc });
  const moved = await inTransaction(ctx, async (tx) => {
    const orders = await tx
      .select()
      .from(exchangeOrders)
      .where(
        and(
          eq(exchangeOrders.ticketId, ticketId),
          eq(exchangeOrders.direction, 'out'),
          eq(exchangeOrders.state, 'replied'),
          sql`${exchangeOrders.dispatchId} is not null`,
        ),
      )
      .for('update');
    for (const order of orders) {
      const type = review === 'closed' ? 'order.closed' : 'order.reopened';
      const payload = review === 'closed' ? {} : { reason: await sentBackReason(tx, ticketId) };
      await queueMessage(tx, cfg, order, type, payload, ctx.now());
      const peer = peers.find((p) => p.platformId === order.peerId);
      await recordEvent(tx, ctx, ticketId, {
        type: 'exchange.sent',
        data: { messageType: type, peer: order.peerId, peerName: peer?.name ?? order.peerId, orderId: order.orderId, payload },
      });
    }
    return orders.length;
  });
  if (moved) rt.exchangeKick?.();
}

/**
 * 撤回 / 改派 travels to the platform: each order of ours whose dispatch the centre has recalled gets
 * `order.recalled` with the centre's reason, so the platform stops working on it. Only orders the
 * platform still holds (dispatched, signed) move, so a redelivered job finds nothing to do.
 */
export async function followRecall(rt: Runtime, cfg: ExchangeConfig, peers: ConfiguredPeer[], ticketId: string) {
  const ctx = makeCtx({ db: rt.db, actor: SYSTEM, log: rt.log, svc: rt.svc });
  const moved = await inTransaction(ctx, async (tx) => {
    const orders = await tx
      .select()
      .from(exchangeOrders)
      .where(
        and(
          eq(exchangeOrders.ticketId, ticketId),
          eq(exchangeOrders.direction, 'out'),
          inArray(exchangeOrders.state, ['dispatched', 'signed']),
          sql`exists (select 1 from dispatches d where d.id = ${exchangeOrders.dispatchId} and d.status = 'recalled')`,
        ),
      )
      .for('update');
    if (!orders.length) return 0;
    const [ev] = (
      await tx.execute<{ type: string; reason: string | null }>(sql`select type, reason from ticket_events where ticket_id = ${ticketId}
      and type in ('dispatch.recalled', 'dispatch.reassigned') order by seq desc limit 1`)
    ).rows;
    const reason = ev?.reason?.trim() || (ev?.type === 'dispatch.reassigned' ? '中心已改派，请停止办理' : '中心已撤回，请停止办理');
    for (const order of orders) {
      await queueMessage(tx, cfg, order, 'order.recalled', { reason }, ctx.now());
      const peer = peers.find((p) => p.platformId === order.peerId);
      await recordEvent(tx, ctx, ticketId, {
        type: 'exchange.sent',
        data: { messageType: 'order.recalled', peer: order.peerId, peerName: peer?.name ?? order.peerId, orderId: order.orderId, payload: { reason } },
      });
    }
    return orders.length;
  });
  if (moved) rt.exchangeKick?.();
}

/**
 * The centre's answer to a platform's extension request (the `extension.approved` / `.denied` event
 * at `seq`) travels back as `order.extension_decided`, with the new deadline when approved. Once per
 * decision: the order row is locked, and a decision already sent after that event is not sent again.
 */
export async function followExtensionDecision(rt: Runtime, cfg: ExchangeConfig, peers: ConfiguredPeer[], ticketId: string, seq: number | undefined) {
  const ctx = makeCtx({ db: rt.db, actor: SYSTEM, log: rt.log, svc: rt.svc });
  const moved = await inTransaction(ctx, async (tx) => {
    const [ev] = (
      await tx.execute<{ seq: number; type: string; reason: string | null; data: { dispatchId?: string; replyDueAt?: string } }>(sql`
      select seq, type, reason, data from ticket_events where ticket_id = ${ticketId} and type in ('extension.approved', 'extension.denied')
      ${seq === undefined ? sql`` : sql`and seq = ${seq}`} order by seq desc limit 1`)
    ).rows;
    if (!ev?.data?.dispatchId) return 0;
    const [order] = await tx
      .select()
      .from(exchangeOrders)
      .where(and(eq(exchangeOrders.dispatchId, ev.data.dispatchId), eq(exchangeOrders.direction, 'out'), eq(exchangeOrders.state, 'signed')))
      .for('update');
    if (!order) return 0;
    const [sent] = (
      await tx.execute(sql`select 1 from ticket_events where ticket_id = ${ticketId} and type = 'exchange.sent' and seq > ${ev.seq}
      and data->>'messageType' = 'order.extension_decided' and data->>'orderId' = ${order.orderId} limit 1`)
    ).rows;
    if (sent) return 0;
    const approved = ev.type === 'extension.approved';
    const payload = {
      approved,
      ...(approved && ev.data.replyDueAt ? { newDueAt: new Date(ev.data.replyDueAt).toISOString() } : {}),
      ...(ev.reason?.trim() ? { note: ev.reason.trim().slice(0, 1000) } : {}),
    };
    await queueMessage(tx, cfg, order, 'order.extension_decided', payload, ctx.now());
    const peer = peers.find((p) => p.platformId === order.peerId);
    await recordEvent(tx, ctx, ticketId, {
      type: 'exchange.sent',
      data: { messageType: 'order.extension_decided', peer: order.peerId, peerName: peer?.name ?? order.peerId, orderId: order.orderId, payload },
    });
    return 1;
  });
  if (moved) rt.exchangeKick?.();
}

async function sentBackReason(tx: Tx, ticketId: string) {
  const [e] = (
    await tx.execute<{ reason: string | null }>(sql`select reason from ticket_events where ticket_id = ${ticketId} and type = 'ticket.sent_back'
    order by seq desc limit 1`)
  ).rows;
  return e?.reason?.trim() || '中心审核退回，请重新办理';
}

/** Registered on every events worker: without the exchange configured, a dispatch to a platform unit is reported, not silently kept. */
export function registerKeptPlatforms(registry: HandlerRegistry, rt: Runtime, cfg: ExchangeConfig | undefined, peers: ConfiguredPeer[]) {
  registry.on(['ticket.dispatched', 'dispatch.reassigned'], 'kept-platform-push', async (m) => {
    await pushDispatchesToPlatforms(rt, cfg, peers, m.ticketId);
  });
  if (!cfg) return;
  registry.on(['ticket.closed'], 'kept-platform-close', (m) => followReview(rt, cfg, peers, m.ticketId, 'closed'));
  registry.on(['ticket.sent_back'], 'kept-platform-reopen', (m) => followReview(rt, cfg, peers, m.ticketId, 'sent_back'));
  registry.on(['dispatch.recalled', 'dispatch.reassigned'], 'kept-platform-recall', (m) => followRecall(rt, cfg, peers, m.ticketId));
  registry.on(['extension.approved', 'extension.denied'], 'kept-platform-extension', (m) => followExtensionDecision(rt, cfg, peers, m.ticketId, m.version));
}

export interface PlatformOrderView {
  orderId: string;
  ticketId: string;
  ticketNumber: string;
  title: string;
  platformUnit: string;
  peerId: string;
  state: string;
  pushedAt: string;
  replyDueAt: string | null;
  overdue: boolean;
  delivery: 'pending' | 'delivered' | 'failed' | 'dead';
}

/**
 * Orders with kept platforms not yet closed, for the wall: what each platform still owes, by its
 * own clock, and whether our push reached it at all (a failed or dead delivery is a ticket nobody holds).
 */
export async function openPlatformOrders(ctx: Ctx): Promise<PlatformOrderView[]> {
  const rows = (
    await ctx.db.execute<Omit<PlatformOrderView, 'overdue' | 'delivery'> & { delivery: PlatformOrderView['delivery'] | null }>(sql`
    select o.order_id as "orderId", o.ticket_id as "ticketId", t.number as "ticketNumber", t.title, u.name as "platformUnit", o.peer_id as "peerId",
      o.state, o.created_at as "pushedAt", d.reply_due_at as "replyDueAt",
      (select x.status from exchange_outbox x where x.order_id = o.order_id order by x.seq desc limit 1) as delivery
    from exchange_orders o join dispatches d on d.id = o.dispatch_id join handling_units u on u.id = d.unit_id join tickets t on t.id = o.ticket_id
    where o.direction = 'out' and o.state not in ('closed', 'returned', 'recalled')
    order by d.reply_due_at nulls last limit 200`)
  ).rows;
  const now = ctx.now().getTime();
  return rows.map((r) => ({
    ...r,
    pushedAt: new Date(r.pushedAt).toISOString(),
    replyDueAt: r.replyDueAt ? new Date(r.replyDueAt).toISOString() : null,
    overdue: r.state !== 'replied' && !!r.replyDueAt && new Date(r.replyDueAt).getTime() < now,
    delivery: r.delivery ?? 'pending',
  }));
}

/**
 * Per kept platform over a period (orders pushed from `from` to before `to`): how many it signed,
 * replied and had accepted, returned, how many replies came after the dispatch's deadline, and the
 * median hours to reply — the same measures the unit report gives a unit, on the platform's own clock.
 * A platform unit whose exchange peer is not configured here (`configuredPeerIds`) gets its dispatches
 * nonetheless, and none of them reaches it: `connected: false` and `unconfigured` (未配置对接) counts the
 * dispatches of the period that never became an order, so the centre sees them rather than a log line.
 */
export async function platformFigures(ctx: Ctx, from: Date, to: Date, configuredPeerIds: readonly string[]) {
  const rows = (
    await ctx.db.execute<{
      platformUnit: string;
      peerId: string;
      pushed: number;
      signed: number;
      replied: number;
      closed: number;
      returned: number;
      repliedLate: number;
      open: number;
      medianReplyHours: number | null;
    }>(sql`
    select u.name as "platformUnit", o.peer_id as "peerId", count(*)::int as pushed,
      count(*) filter (where d.signed_at is not null)::int as signed,
      count(*) filter (where d.replied_at is not null)::int as replied,
      count(*) filter (where o.state = 'closed')::int as closed,
      count(*) filter (where o.state = 'returned')::int as returned,
      count(*) filter (where d.replied_at > d.reply_due_at)::int as "repliedLate",
      count(*) filter (where o.state not in ('closed', 'returned', 'recalled'))::int as open,
      round((percentile_cont(0.5) within group (order by extract(epoch from d.replied_at - d.dispatched_at) / 3600))::numeric, 1)::float as "medianReplyHours"
    from exchange_orders o join dispatches d on d.id = o.dispatch_id join handling_units u on u.id = d.unit_id
    where o.direction = 'out' and o.created_at >= ${from} and o.created_at < ${to}
    group by u.name, o.peer_id order by pushed desc`)
  ).rows;
  // Dispatches to platform units that never became an order (the unit's peer is not configured).
  const stuck = (
    await ctx.db.execute<{ platformUnit: string; peerId: string; n: number }>(sql`
    select u.name as "platformUnit", u.exchange_peer_id as "peerId", count(*)::int as n
    from dispatches d join handling_units u on u.id = d.unit_id
    where u.exchange_peer_id is not null and d.dispatched_at >= ${from} and d.dispatched_at < ${to}
      and not exists (select 1 from exchange_orders o where o.dispatch_id = d.id)
    group by 1, 2 order by 1`)
  ).rows.filter((r) => !configuredPeerIds.includes(r.peerId));
  const out = rows.map((r) => ({
    ...r,
    onTimeReplyRate: r.replied ? Math.round(((r.replied - r.repliedLate) / r.replied) * 1000) / 1000 : null,
    connected: configuredPeerIds.includes(r.peerId),
    unconfigured: 0,
  }));
  for (const s of stuck) {
    const row = out.find((r) => r.platformUnit === s.platformUnit && r.peerId === s.peerId);
    if (row) row.unconfigured = s.n;
    else
      out.push({
        platformUnit: s.platformUnit,
        peerId: s.peerId,
        pushed: 0,
        signed: 0,
        replied: 0,
        closed: 0,
        returned: 0,
        repliedLate: 0,
        open: 0,
        medianReplyHours: null,
        onTimeReplyRate: null,
        connected: false,
        unconfigured: s.n,
      });
  }
  return out;
}
