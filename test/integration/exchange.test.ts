/**
 * Province ↔ city exchange between two real server processes (server/main.ts) on loopback,
 * each with its own database cloned from the test template, configured as each other's peer
 * by env (channels.md §7 "Testing for real").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callPeer as call, startPeerPair, stopPeers, type PeerSide } from '../helpers/exchange-peers';
import { waitFor } from '../helpers/wait';
import { signRequest } from '../../integrations/shared/hmac';

const PROVINCE = 'gd-province',
  CITY = 'gz-city';
const SECRET = 'gd-gz-shared-secret-0123456789';

let province: PeerSide, city: PeerSide;

beforeAll(async () => {
  [province, city] = await startPeerPair(
    { self: PROVINCE, name: '广东省12345', role: 'upper' },
    { self: CITY, name: '广州市12345', role: 'lower' },
    { secret: SECRET, prefix: 'rxt-x' },
  );
}, 120_000);

afterAll(() => stopPeers([province, city]));

const cityTicketOf = async (orderId: string) =>
  (await city.pool.query(`select id, number, status, channel, content from tickets where channel = 'exchange' and external_id = $1`, [orderId])).rows;

async function provinceTicket(content: string) {
  const r = await call(province, 'POST', '/api/tickets', { callerPhone: '13800138000', callerName: '王五', content });
  expect(r.status).toBe(201);
  return r.body.data as { id: string; number: string };
}

describe('province ↔ city exchange, two processes', () => {
  let orderId = '';
  let provinceTicketId = '';

  it('the province pushes a ticket; the city gets a ticket of its own, and the contact only masked', async () => {
    const t = await provinceTicket('越秀区中山路下水道堵塞，污水漫到路面');
    provinceTicketId = t.id;
    const push = await call(province, 'POST', `/api/tickets/${t.id}/exchange/push`, { peerId: CITY });
    expect(push.status).toBe(202);
    orderId = push.body.data.orderId;
    const [ct] = await waitFor('city ticket', async () => {
      const rows = await cityTicketOf(orderId);
      return rows.length ? rows : null;
    });
    expect(ct).toMatchObject({ channel: 'exchange', status: 'received', content: '越秀区中山路下水道堵塞，污水漫到路面' });
    const detail = (await call(city, 'GET', `/api/tickets/${ct.id}`)).body.data;
    expect(detail.caller.phone).toBeNull(); // masked on the wire: not a contact point on the city's side
    expect(detail.timeline.map((e: { type: string }) => e.type)).toEqual(['ticket.registered', 'exchange.received']);
    expect(detail.timeline[1].data).toMatchObject({ peerName: '广东省12345', messageType: 'order.pushed' });
    // Pushing the same ticket again while its order is open is refused.
    expect((await call(province, 'POST', `/api/tickets/${t.id}/exchange/push`, { peerId: CITY })).body.code).toBe('EXCHANGE_STATE_CONFLICT');
  });

  it('the city signs and replies; the province sees the reply on its ticket', async () => {
    const [ct] = await cityTicketOf(orderId);
    expect((await call(city, 'POST', `/api/tickets/${ct.id}/exchange/reply`, { text: 'x' })).body.code).toBe('EXCHANGE_STATE_CONFLICT'); // not signed yet
    expect((await call(city, 'POST', `/api/tickets/${ct.id}/exchange/sign`, {})).status).toBe(202);
    expect((await call(city, 'POST', `/api/tickets/${ct.id}/exchange/reply`, { text: '已派排水公司疏通，路面已清理' })).status).toBe(202);
    const replied = await waitFor('reply at the province', async () => {
      const tl = (await call(province, 'GET', `/api/tickets/${provinceTicketId}`)).body.data.timeline as { type: string; data: any }[];
      return tl.find((e) => e.type === 'exchange.received' && e.data.messageType === 'order.replied');
    });
    expect(replied.data).toMatchObject({ peerName: '广州市12345', payload: { text: '已派排水公司疏通，路面已清理' } });
    const tl = (await call(province, 'GET', `/api/tickets/${provinceTicketId}`)).body.data.timeline as { type: string; data: any }[];
    expect(tl.filter((e) => e.type === 'exchange.received').map((e) => e.data.messageType)).toEqual(['order.signed', 'order.replied']);
    const st = await province.pool.query('select state from exchange_orders where order_id = $1', [orderId]);
    expect(st.rows[0].state).toBe('replied');
    // The province closes the order; the city's order follows.
    expect((await call(province, 'POST', `/api/tickets/${provinceTicketId}/exchange/close`, {})).status).toBe(202);
    await waitFor(
      'close at the city',
      async () => (await city.pool.query('select 1 from exchange_orders where order_id = $1 and state = $2', [orderId, 'closed'])).rows.length,
    );
  });

  it('a replayed push (same exchangeId, fresh signature) is a duplicate and creates nothing', async () => {
    const [row] = (await province.pool.query(`select envelope from exchange_outbox where order_id = $1 and seq = 1`, [orderId])).rows;
    const body = JSON.stringify(row.envelope);
    const path = '/exchange/v1/orders';
    const r = await fetch(`${city.server.url}${path}`, {
      method: 'POST',
      body,
      headers: {
        ...signRequest({ keyId: PROVINCE, secret: SECRET, method: 'POST', path, body }),
        'content-type': 'application/json',
        'x-exchange-version': '1',
      },
    });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ status: 'duplicate' });
    expect(await cityTicketOf(orderId)).toHaveLength(1);
    const tampered = JSON.stringify({ ...row.envelope, payload: { ...row.envelope.payload, text: '改过的内容' } });
    const bad = await fetch(`${city.server.url}${path}`, {
      method: 'POST',
      body: tampered,
      headers: {
        ...signRequest({ keyId: PROVINCE, secret: 'wrong-secret-0123456789', method: 'POST', path, body: tampered }),
        'content-type': 'application/json',
        'x-exchange-version': '1',
      },
    });
    expect(bad.status).toBe(401);
  });

  it('a push while the city is down is delivered once the city is back', { timeout: 90_000 }, async () => {
    await city.server.kill('SIGTERM');
    const t = await provinceTicket('天河区体育西路噪音扰民，夜间施工');
    const push = await call(province, 'POST', `/api/tickets/${t.id}/exchange/push`, { peerId: CITY });
    const id = push.body.data.orderId as string;
    const failed = await waitFor('a failed attempt', async () => {
      const r = (await province.pool.query(`select attempts, last_error, status from exchange_outbox where order_id = $1`, [id])).rows[0];
      return r.attempts >= 1 && r;
    });
    expect(failed).toMatchObject({ status: 'pending', last_error: 'NETWORK' });
    await city.server.start();
    const [ct] = await waitFor('city ticket after restart', async () => {
      const rows = await cityTicketOf(id);
      return rows.length ? rows : null;
    });
    expect(ct.content).toBe('天河区体育西路噪音扰民，夜间施工');
    await waitFor(
      'delivered',
      async () => (await province.pool.query(`select 1 from exchange_outbox where order_id = $1 and status = 'delivered'`, [id])).rows.length,
    );
    expect(await cityTicketOf(id)).toHaveLength(1);

    // The city returns it (not its matter); the province sees why, and may push the ticket again.
    expect((await call(city, 'POST', `/api/tickets/${ct.id}/exchange/return`, {})).status).toBe(400); // a reason is required
    expect((await call(city, 'POST', `/api/tickets/${ct.id}/exchange/return`, { reason: '属省属单位管辖，请转省住建厅' })).status).toBe(202);
    const returned = await waitFor('return at the province', async () => {
      const tl = (await call(province, 'GET', `/api/tickets/${t.id}`)).body.data.timeline as { type: string; data: any }[];
      return tl.find((e) => e.type === 'exchange.received' && e.data.messageType === 'order.returned');
    });
    expect(returned.data.payload.reason).toBe('属省属单位管辖，请转省住建厅');
    expect((await call(province, 'POST', `/api/tickets/${t.id}/exchange/push`, { peerId: CITY })).status).toBe(202);
  });
});
