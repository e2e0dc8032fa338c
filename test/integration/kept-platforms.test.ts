/**
 * 保留对接 (issue: merged and linked hotlines, item 2): a department platform that stays (here a
 * 12315 market-regulation platform) is connected over the exchange protocol. Two real server
 * processes on loopback with their own databases: the 12345 centre and the department platform
 * (another deployment of this system playing the department's side, as the exchange tests do).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertUser, loginHttp } from '../helpers/server-process';
import { callPeer as call, startPeerPair, stopPeers, type PeerSide } from '../helpers/exchange-peers';
import { waitFor } from '../helpers/wait';
import { drizzle } from 'drizzle-orm/node-postgres';
import { ExchangeClient } from '../../integrations/exchange/client';
import { extensionDayFor } from '../../server/sla/extension';
import type { Db } from '../../server/platform/db/client';

const CENTRE = 'city-12345',
  PLATFORM = 'sh-12315';
const SECRET = 'centre-12315-shared-secret-0123';

let centre: PeerSide, platform: PeerSide;
let platformUnitId = '';
let agent: Awaited<ReturnType<typeof loginHttp>>;

beforeAll(async () => {
  [centre, platform] = await startPeerPair(
    { self: CENTRE, name: '市12345热线', role: 'upper' },
    { self: PLATFORM, name: '12315平台', role: 'lower' },
    { secret: SECRET, prefix: 'rxt-kp' },
  );
  const u = await centre.pool.query(
    `insert into handling_units (code, name, kind, region_code, exchange_peer_id)
    values ('platform-12315', '12315市场监管投诉举报平台', 'platform', '440100', $1) returning id`,
    [PLATFORM],
  );
  platformUnitId = u.rows[0].id;
  agent = await loginHttp(centre.server.url, (await insertUser(centre.pool, { role: 'agent' })).username);
}, 120_000);

afterAll(() => stopPeers([centre, platform]));

const centreTicket = async (id: string) => (await call(centre, 'GET', `/api/tickets/${id}`)).body.data;
const platformTicketOf = async (orderId: string) =>
  // The platform registers the ticket, then records its order in a second transaction (ticket numbers are drawn
  // outside any): the ticket counts as arrived once its order row exists, or a quick sign finds no order (409).
  (
    await platform.pool.query(
      `select t.id, t.status, t.content from tickets t join exchange_orders o on o.ticket_id = t.id and o.direction = 'in'
    where t.channel = 'exchange' and t.external_id = $1`,
      [orderId],
    )
  ).rows[0] as { id: string; status: string; content: string } | undefined;

async function dispatchedToPlatform(content: string) {
  const r = await call(centre, 'POST', '/api/tickets', { callerPhone: '13800138000', callerName: '赵六', content }, agent);
  expect(r.status).toBe(201);
  const id = r.body.data.id as string;
  expect((await call(centre, 'POST', `/api/tickets/${id}/actions/submit`, { appealType: 'complaint' }, agent)).status).toBe(200);
  const d = await call(centre, 'POST', `/api/tickets/${id}/actions/dispatch`, { leadUnitId: platformUnitId });
  expect(d.status, JSON.stringify(d.body)).toBe(200);
  const order = await waitFor(
    'the order to the platform',
    async () =>
      (await centre.pool.query(`select order_id, state from exchange_orders where ticket_id = $1 and direction = 'out'`, [id])).rows[0] as
        { order_id: string } | undefined,
  );
  return { id, orderId: order.order_id };
}

describe('a kept department platform (保留对接) over the exchange, two processes', () => {
  let ticketId = '',
    orderId = '';

  it('a dispatch to the platform unit becomes an order there, with the dispatch’s own reply deadline', async () => {
    ({ id: ticketId, orderId } = await dispatchedToPlatform('在某超市买到过期牛奶，要求退货赔偿'));
    const pt = await waitFor('the platform’s ticket', () => platformTicketOf(orderId));
    expect(pt.content).toBe('在某超市买到过期牛奶，要求退货赔偿');
    const [dispatch] = (await centre.pool.query(`select reply_due_at from dispatches where ticket_id = $1 and role = 'lead'`, [ticketId])).rows;
    const [pushed] = (await centre.pool.query(`select envelope from exchange_outbox where order_id = $1 and seq = 1`, [orderId])).rows;
    expect(new Date(pushed.envelope.payload.replyDueAt).getTime()).toBe(new Date(dispatch.reply_due_at).getTime());
    const tl = (await centreTicket(ticketId)).timeline as { type: string; data: any }[];
    expect(tl.find((e) => e.type === 'exchange.sent')?.data).toMatchObject({ messageType: 'order.pushed', peerName: '12315平台' });
  });

  it('the platform signs and replies; the centre’s ticket is signed, then waits for the centre’s review with the reply on it', async () => {
    const pt = (await platformTicketOf(orderId))!;
    expect((await call(platform, 'POST', `/api/tickets/${pt.id}/exchange/sign`, {})).status).toBe(202);
    await waitFor('signed at the centre', async () => (await centreTicket(ticketId)).status === 'signed');
    expect((await call(platform, 'POST', `/api/tickets/${pt.id}/exchange/reply`, { text: '已责令超市退货并赔偿，消费者已接受' })).status).toBe(202);
    const t = await waitFor('replied at the centre', async () => {
      const x = await centreTicket(ticketId);
      return x.status === 'replied' && x;
    });
    const replied = (t.timeline as { type: string; data: any; actor?: any }[]).find((e) => e.type === 'ticket.replied');
    expect(replied).toBeTruthy();
    const [d] = (await centre.pool.query(`select status, reply_text from dispatches where ticket_id = $1 and role = 'lead'`, [ticketId])).rows;
    expect(d).toMatchObject({ status: 'replied', reply_text: '已责令超市退货并赔偿，消费者已接受' });
  });

  it('the centre sends the reply back: the platform’s order reopens; a second reply is accepted and closes the order', async () => {
    const back = await call(centre, 'POST', `/api/tickets/${ticketId}/actions/send-back`, { note: '请补充赔偿金额' });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    await waitFor(
      'reopened at the platform',
      async () => (await platform.pool.query(`select 1 from exchange_orders where order_id = $1 and state = 'signed'`, [orderId])).rows.length,
    );
    const tl = (await call(platform, 'GET', `/api/tickets/${(await platformTicketOf(orderId))!.id}`)).body.data.timeline as { type: string; data: any }[];
    expect(tl.find((e) => e.type === 'exchange.received' && e.data.messageType === 'order.reopened')?.data.payload.reason).toBe('请补充赔偿金额');

    const pt = (await platformTicketOf(orderId))!;
    expect((await call(platform, 'POST', `/api/tickets/${pt.id}/exchange/reply`, { text: '超市已退货并赔偿 500 元' })).status).toBe(202);
    await waitFor('second reply at the centre', async () => (await centreTicket(ticketId)).status === 'replied');
    expect((await call(centre, 'POST', `/api/tickets/${ticketId}/actions/accept-reply`, {})).status).toBe(200);
    await waitFor(
      'closed at the platform',
      async () => (await platform.pool.query(`select 1 from exchange_orders where order_id = $1 and state = 'closed'`, [orderId])).rows.length,
    );
  });

  it('a return by the platform is the unit’s return request, with its reason, for the centre to decide', async () => {
    const { id, orderId: o2 } = await dispatchedToPlatform('楼下餐馆油烟太大，熏得没法开窗');
    const pt = await waitFor('the platform’s ticket', () => platformTicketOf(o2));
    const back = await call(platform, 'POST', `/api/tickets/${pt.id}/exchange/return`, { reason: '油烟扰民属生态环境部门职责' });
    expect(back.status, JSON.stringify(back.body)).toBe(202);
    const t = await waitFor('return requested at the centre', async () => {
      const x = await centreTicket(id);
      return x.status === 'return_requested' && x;
    });
    const ev = (t.timeline as { type: string; reason?: string | null; data: any }[]).find((e) => e.type === 'dispatch.return_requested');
    expect(ev?.data.reasonCode).toBe('not_our_duty');
  });

  it('a platform message the ticket can no longer take is refused (422) and changes nothing', async () => {
    const { id, orderId: o3 } = await dispatchedToPlatform('网购商品与描述不符，商家拒绝退款');
    await waitFor('the platform’s ticket', () => platformTicketOf(o3));
    // The dispatch leaves the platform's hands on the centre's side (as a recall does) before the platform signs.
    await centre.pool.query(`update dispatches set status = 'cancelled' where ticket_id = $1`, [id]);
    const pt = (await platformTicketOf(o3))!;
    expect((await call(platform, 'POST', `/api/tickets/${pt.id}/exchange/sign`, {})).status).toBe(202);
    await waitFor(
      'the platform’s message failed for good',
      async () => (await platform.pool.query(`select 1 from exchange_outbox where order_id = $1 and seq = 1 and status = 'failed'`, [o3])).rows.length,
    );
    const [order] = (await centre.pool.query(`select state, in_seq from exchange_orders where order_id = $1`, [o3])).rows;
    expect(order).toMatchObject({ state: 'dispatched', in_seq: 0 });
    expect((await centreTicket(id)).status).toBe('dispatched');
  });

  it('the wall lists what platforms still owe, and the report counts each platform on its own clock', async () => {
    const sup = await loginHttp(centre.server.url, (await insertUser(centre.pool, { role: 'supervisor' })).username);
    const open = (await call(centre, 'GET', '/api/kept-platform-orders', undefined, agent)).body.data as {
      ticketId: string;
      state: string;
      platformUnit: string;
    }[];
    expect(open.map((o) => o.ticketId)).not.toContain(ticketId); // closed
    expect(open.every((o) => o.platformUnit === '12315市场监管投诉举报平台')).toBe(true);
    const day = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const r = await call(centre, 'GET', `/api/reports/kept-platforms?from=${day}&to=${day}`, undefined, sup);
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual([
      expect.objectContaining({ platformUnit: '12315市场监管投诉举报平台', peerId: PLATFORM, pushed: 3, signed: 1, replied: 1, closed: 1, returned: 1 }),
    ]);
    expect((await call(centre, 'GET', `/api/reports/kept-platforms?from=${day}&to=${day}`, undefined, agent)).status).toBe(403);
  });
});

describe('the centre’s decisions on a platform’s dispatch travel to the platform (保留对接)', () => {
  const platformTimeline = async (orderId: string) =>
    (await call(platform, 'GET', `/api/tickets/${(await platformTicketOf(orderId))!.id}`)).body.data.timeline as { type: string; data: any }[];
  const received = (orderId: string, type: string) =>
    waitFor(`${type} at the platform`, async () =>
      (await platformTimeline(orderId)).find((e) => e.type === 'exchange.received' && e.data.messageType === type),
    );

  it('撤回: the platform’s order is recalled with the centre’s reason, and the platform can no longer act on it', async () => {
    const { id, orderId } = await dispatchedToPlatform('商场电梯停运一周无人维修');
    const pt = await waitFor('the platform’s ticket', () => platformTicketOf(orderId));
    const r = await call(centre, 'POST', `/api/tickets/${id}/actions/recall`, { reasonCode: 'other', note: '诉求人已撤回投诉，请停止办理' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const ev = await received(orderId, 'order.recalled');
    expect(ev.data.payload).toEqual({ reason: '诉求人已撤回投诉，请停止办理' });
    const [order] = (await platform.pool.query(`select state from exchange_orders where order_id = $1`, [orderId])).rows;
    expect(order.state).toBe('recalled');
    const sign = await call(platform, 'POST', `/api/tickets/${pt.id}/exchange/sign`, {});
    expect(sign.status).toBe(409);
  });

  it('改派 after the platform signed: the platform’s order is recalled, the new unit has the ticket', async () => {
    const other = (
      await centre.pool.query(`insert into handling_units (code, name, kind, region_code) values ('env-bureau', '市生态环境局', 'department', '440100')
      returning id`)
    ).rows[0].id as string;
    const { id, orderId } = await dispatchedToPlatform('化工厂夜间排放刺鼻气体');
    const pt = await waitFor('the platform’s ticket', () => platformTicketOf(orderId));
    expect((await call(platform, 'POST', `/api/tickets/${pt.id}/exchange/sign`, {})).status).toBe(202);
    await waitFor('signed at the centre', async () => (await centreTicket(id)).status === 'signed');
    const r = await call(centre, 'POST', `/api/tickets/${id}/actions/reassign`, {
      leadUnitId: other,
      reasonCode: 'wrong_dispatch',
      note: '属生态环境部门职责，已改派',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect((await received(orderId, 'order.recalled')).data.payload.reason).toBe('属生态环境部门职责，已改派');
    const sent = ((await centreTicket(id)).timeline as { type: string; data: any }[]).filter((e) => e.type === 'exchange.sent').map((e) => e.data.messageType);
    expect(sent).toEqual(expect.arrayContaining(['order.pushed', 'order.recalled']));
  });

  it('延期: the platform’s request is the unit’s extension request; the centre approves it and the platform hears the new deadline', async () => {
    const { id, orderId } = await dispatchedToPlatform('预付卡商家跑路，要求退还余额');
    const pt = await waitFor('the platform’s ticket', () => platformTicketOf(orderId));
    expect((await call(platform, 'POST', `/api/tickets/${pt.id}/exchange/sign`, {})).status).toBe(202);
    await waitFor('signed at the centre', async () => (await centreTicket(id)).status === 'signed');
    const day = await extensionDayFor(drizzle(centre.pool) as unknown as Db, id);
    const ask = await call(platform, 'POST', `/api/tickets/${pt.id}/exchange/extend`, {
      reason: '需商家所在区市场监管部门联合调查',
      requestedDueAt: `${day}T18:00:00+08:00`,
    });
    expect(ask.status, JSON.stringify(ask.body)).toBe(202);
    const t = await waitFor('extension requested at the centre', async () => {
      const x = await centreTicket(id);
      return x.status === 'extension_requested' && x;
    });
    const req = (t.timeline as { type: string; reason?: string; data: any }[]).find((e) => e.type === 'extension.requested');
    expect(req?.data.newDueDate).toBe(day);
    expect(req?.reason).toBe('需商家所在区市场监管部门联合调查');

    const ok = await call(centre, 'POST', `/api/tickets/${id}/actions/approve-extension`, { note: '同意延期' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const [d] = (await centre.pool.query(`select status, reply_due_at from dispatches where ticket_id = $1 and role = 'lead'`, [id])).rows;
    expect(d.status).toBe('in_progress');
    const decided = await received(orderId, 'order.extension_decided');
    expect(decided.data.payload).toEqual({ approved: true, newDueAt: new Date(d.reply_due_at).toISOString(), note: '同意延期' });
    // The platform still works on it and replies as before.
    expect((await call(platform, 'POST', `/api/tickets/${pt.id}/exchange/reply`, { text: '商家已退还余额' })).status).toBe(202);
    await waitFor('replied at the centre', async () => (await centreTicket(id)).status === 'replied');
  });

  it('延期 denied: the platform hears the refusal with the centre’s note, and its deadline stays', async () => {
    const { id, orderId } = await dispatchedToPlatform('美容院办卡后拒绝提供服务');
    const pt = await waitFor('the platform’s ticket', () => platformTicketOf(orderId));
    expect((await call(platform, 'POST', `/api/tickets/${pt.id}/exchange/sign`, {})).status).toBe(202);
    await waitFor('signed at the centre', async () => (await centreTicket(id)).status === 'signed');
    const day = await extensionDayFor(drizzle(centre.pool) as unknown as Db, id);
    expect(
      (await call(platform, 'POST', `/api/tickets/${pt.id}/exchange/extend`, { reason: '商家负责人外出', requestedDueAt: `${day}T18:00:00+08:00` })).status,
    ).toBe(202);
    await waitFor('extension requested at the centre', async () => (await centreTicket(id)).status === 'extension_requested');
    const [before] = (await centre.pool.query(`select reply_due_at from dispatches where ticket_id = $1 and role = 'lead'`, [id])).rows;
    const no = await call(centre, 'POST', `/api/tickets/${id}/actions/deny-extension`, { note: '事实清楚，请按期办结' });
    expect(no.status, JSON.stringify(no.body)).toBe(200);
    expect((await received(orderId, 'order.extension_decided')).data.payload).toEqual({ approved: false, note: '事实清楚，请按期办结' });
    const [after] = (await centre.pool.query(`select status, reply_due_at from dispatches where ticket_id = $1 and role = 'lead'`, [id])).rows;
    expect(after).toEqual({ status: 'in_progress', reply_due_at: before.reply_due_at });
  });

  it('an extension asked before signing is refused with a message that says so; the centre’s ticket does not move', async () => {
    const { id, orderId } = await dispatchedToPlatform('健身房拒绝办理退卡');
    await waitFor('the platform’s ticket', () => platformTicketOf(orderId));
    // Another platform's software may send it before order.signed (ours refuses locally): sent here by hand.
    const client = new ExchangeClient({ selfPlatformId: PLATFORM, secret: SECRET });
    const r = await client.deliver(`${centre.server.url}/exchange/v1`, {
      exchangeId: crypto.randomUUID(),
      type: 'order.extension_requested',
      orderId,
      seq: 1,
      sentAt: new Date().toISOString(),
      from: PLATFORM,
      payload: { reason: '需调查', requestedDueAt: new Date(Date.now() + 20 * 86400_000).toISOString() },
    });
    expect(r.outcome).toBe('failed');
    expect((r as { code: string }).code).toContain('INVALID_TRANSITION');
    expect((r as { code: string }).code).toContain('请先签收');
    expect((await centreTicket(id)).status).toBe('dispatched');
    const [order] = (await centre.pool.query(`select state, in_seq from exchange_orders where order_id = $1`, [orderId])).rows;
    expect(order).toMatchObject({ state: 'dispatched', in_seq: 0 });
  });

  it('a platform unit with no exchange peer configured shows on the report as 未配置对接, with its dispatches counted', async () => {
    const u = (
      await centre.pool.query(`insert into handling_units (code, name, kind, region_code, exchange_peer_id)
      values ('platform-12369', '12369环保举报平台', 'platform', '440100', 'sh-12369') returning id`)
    ).rows[0].id as string;
    const r = await call(centre, 'POST', '/api/tickets', { callerPhone: '13800138000', content: '河道有人倾倒垃圾' }, agent);
    const id = r.body.data.id as string;
    expect((await call(centre, 'POST', `/api/tickets/${id}/actions/submit`, { appealType: 'complaint' }, agent)).status).toBe(200);
    expect((await call(centre, 'POST', `/api/tickets/${id}/actions/dispatch`, { leadUnitId: u })).status).toBe(200);
    const sup = await loginHttp(centre.server.url, (await insertUser(centre.pool, { role: 'supervisor' })).username);
    const day = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const rep = (await call(centre, 'GET', `/api/reports/kept-platforms?from=${day}&to=${day}`, undefined, sup)).body.data as any[];
    expect(rep.find((x) => x.peerId === 'sh-12369')).toMatchObject({ platformUnit: '12369环保举报平台', connected: false, unconfigured: 1, pushed: 0 });
    expect(rep.find((x) => x.peerId === PLATFORM)).toMatchObject({ connected: true, unconfigured: 0 });
  });
});
