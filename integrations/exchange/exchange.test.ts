import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { signRequest } from '../shared/hmac';
import { MemoryIntake, MemoryNonceStore } from '../shared/test-fixtures';
import { listen } from '../shared/test-server';
import { ExchangeClient } from './client';
import type { Envelope, MessageType } from './messages';
import type { ExchangeInboxPort, ExchangePeer, ExchangeReceiveResult } from './ports';
import { createExchangeRouter } from './router';

/** Test double of the server's exchange inbox: idempotency, per-sender seq, a small state machine. */
class MemoryExchangeInbox implements ExchangeInboxPort {
  intake = new MemoryIntake();
  seen = new Map<string, string>();
  lastSeq = new Map<string, number>();
  state = new Map<string, string>();
  log: { type: string; payload: unknown }[] = [];
  static NEXT: Record<string, [string[], string]> = {
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
  async receive({ envelope: e, bodySha256, appeal }: Parameters<ExchangeInboxPort['receive']>[0]): Promise<ExchangeReceiveResult> {
    const prev = this.seen.get(e.exchangeId);
    if (prev) return prev === bodySha256 ? { status: 'duplicate' } : { error: 'EXCHANGE_ID_CONFLICT' };
    const seqKey = `${e.orderId}|${e.from}`;
    if (e.seq !== (this.lastSeq.get(seqKey) ?? 0) + 1) return { error: 'SEQUENCE_GAP' };
    const cur = this.state.get(e.orderId) ?? 'none';
    const [from, to] = MemoryExchangeInbox.NEXT[e.type];
    if (!from.includes(cur)) return { error: 'INVALID_TRANSITION' };
    if (appeal) await this.intake.register(appeal);
    this.seen.set(e.exchangeId, bodySha256);
    this.lastSeq.set(seqKey, e.seq);
    this.state.set(e.orderId, to);
    this.log.push({ type: e.type, payload: e.payload });
    return { status: 'accepted' };
  }
}

const PROVINCE = 'gd-province',
  CITY = 'gz-city';
const S_PROV = 'province-secret',
  S_CITY = 'city-secret';
let province: { url: string; close(): Promise<void> }, city: { url: string; close(): Promise<void> };
const provInbox = new MemoryExchangeInbox(),
  cityInbox = new MemoryExchangeInbox();

beforeAll(async () => {
  // Two instances on loopback, each configured as the other's peer (channels.md §7 "Testing for real").
  province = await listen([
    [
      '/exchange/v1',
      createExchangeRouter({
        inbox: provInbox,
        nonces: new MemoryNonceStore(),
        peers: { get: async (id) => (id === CITY ? ({ platformId: CITY, baseUrl: '', secrets: [S_CITY], role: 'lower' } as ExchangePeer) : null) },
      }),
    ],
  ]);
  city = await listen([
    [
      '/exchange/v1',
      createExchangeRouter({
        inbox: cityInbox,
        nonces: new MemoryNonceStore(),
        peers: { get: async (id) => (id === PROVINCE ? ({ platformId: PROVINCE, baseUrl: '', secrets: [S_PROV], role: 'upper' } as ExchangePeer) : null) },
      }),
    ],
  ]);
});
afterAll(async () => {
  await province.close();
  await city.close();
});

const fromProvince = new ExchangeClient({ selfPlatformId: PROVINCE, secret: S_PROV });
const fromCity = new ExchangeClient({ selfPlatformId: CITY, secret: S_CITY });
const seqs = new Map<string, number>();
function env(orderId: string, from: string, type: MessageType | string, payload: unknown, seq?: number): Envelope {
  const k = `${orderId}|${from}`;
  const n = seq ?? (seqs.get(k) ?? 0) + 1;
  if (seq === undefined) seqs.set(k, n);
  return { exchangeId: randomUUID(), type, orderId, seq: n, sentAt: new Date().toISOString(), from, payload };
}
const pushed = (orderId: string) =>
  env(orderId, PROVINCE, 'order.pushed', {
    originTicketNo: 'GD20261125000001',
    text: '广州市某路段积水严重',
    categoryCode: '0503',
    divisionCode: '440100',
    contact: { phone: '138****8000', masked: true },
    attachments: [{ name: '现场.jpg', mime: 'image/jpeg', url: 'https://files.gd.example/x.jpg?sig=7d' }],
    replyDueAt: '2026-12-05T18:00:00+08:00',
  });

describe('province ↔ city exchange over two loopback instances', () => {
  it('push → sign → reply → close → callback result round trip', async () => {
    const orderId = randomUUID();
    expect(await fromProvince.deliver(`${city.url}/exchange/v1`, pushed(orderId))).toEqual({ outcome: 'delivered', status: 'accepted' });
    expect(cityInbox.intake.appeals[0]).toMatchObject({
      channel: 'exchange',
      channelAccount: PROVINCE,
      externalId: orderId,
      threadRef: { ticketNo: 'GD20261125000001' },
      location: { divisionCode: '440100' },
      attachments: [{ kind: 'image', remoteRef: expect.stringContaining('https://') }],
    });
    // Each side also keeps its own record of the order; the doubles stand in for that local state.
    provInbox.state.set(orderId, 'dispatched');
    expect(await fromCity.deliver(`${province.url}/exchange/v1`, env(orderId, CITY, 'order.signed', {}))).toMatchObject({ outcome: 'delivered' });
    expect(await fromCity.deliver(`${province.url}/exchange/v1`, env(orderId, CITY, 'order.replied', { text: '已疏通排水口' }))).toMatchObject({
      outcome: 'delivered',
    });
    expect(provInbox.state.get(orderId)).toBe('replied');
    cityInbox.state.set(orderId, 'replied');
    expect(await fromProvince.deliver(`${city.url}/exchange/v1`, env(orderId, PROVINCE, 'order.closed', {}))).toMatchObject({ outcome: 'delivered' });
    expect(
      await fromProvince.deliver(`${city.url}/exchange/v1`, env(orderId, PROVINCE, 'order.callback_result', { result: 'solved', rating: 5 })),
    ).toMatchObject({ outcome: 'delivered' });
    expect(cityInbox.log.map((l) => l.type)).toEqual(['order.pushed', 'order.closed', 'order.callback_result']);
  });

  it('duplicate delivery → "duplicate", same exchangeId with another body → 409 EXCHANGE_ID_CONFLICT (fail)', async () => {
    const e = pushed(randomUUID());
    await fromProvince.deliver(`${city.url}/exchange/v1`, e);
    expect(await fromProvince.deliver(`${city.url}/exchange/v1`, e)).toEqual({ outcome: 'delivered', status: 'duplicate' });
    expect(await fromProvince.deliver(`${city.url}/exchange/v1`, { ...e, sentAt: new Date(Date.now() + 1000).toISOString() })).toEqual({
      outcome: 'failed',
      code: 'EXCHANGE_ID_CONFLICT',
    });
  });

  it('seq gap → retry later; illegal transition → 422 fail; wrong direction → 403; unknown type → 422', async () => {
    const orderId = randomUUID();
    await fromProvince.deliver(`${city.url}/exchange/v1`, pushed(orderId));
    expect(await fromProvince.deliver(`${city.url}/exchange/v1`, env(orderId, PROVINCE, 'order.closed', {}, 5))).toEqual({
      outcome: 'retry',
      code: 'SEQUENCE_GAP',
    });
    expect(await fromProvince.deliver(`${city.url}/exchange/v1`, env(orderId, PROVINCE, 'order.closed', {}))).toEqual({
      outcome: 'failed',
      code: 'INVALID_TRANSITION',
    });
    // the city may not push orders up to the province, nor may the province sign
    expect(await fromCity.deliver(`${province.url}/exchange/v1`, env(randomUUID(), CITY, 'order.pushed', pushed(orderId).payload))).toEqual({
      outcome: 'failed',
      code: 'WRONG_DIRECTION',
    });
    expect(await fromProvince.deliver(`${city.url}/exchange/v1`, env(orderId, PROVINCE, 'order.signed', {}))).toEqual({
      outcome: 'failed',
      code: 'WRONG_DIRECTION',
    });
    expect(await fromProvince.deliver(`${city.url}/exchange/v1`, env(orderId, PROVINCE, 'order.teleported', {}))).toEqual({
      outcome: 'failed',
      code: 'UNKNOWN_MESSAGE_TYPE',
    });
    expect(await fromCity.deliver(`${province.url}/exchange/v1`, env(orderId, CITY, 'order.returned', { reason: '' }))).toEqual({
      outcome: 'failed',
      code: 'VALIDATION_FAILED',
    });
  });

  it('receiver down → retry (outbox keeps the message)', async () => {
    expect(await fromProvince.deliver('http://127.0.0.1:9/exchange/v1', pushed(randomUUID()))).toEqual({ outcome: 'retry', code: 'NETWORK' });
  });

  it('tampered body, wrong key, clock skew, from ≠ signer → 401/403, nothing applied', async () => {
    const before = cityInbox.log.length;
    const e = pushed(randomUUID());
    const body = JSON.stringify(e);
    const path = '/exchange/v1/orders';
    const post = (b: string, h: Record<string, string>) =>
      fetch(`${city.url}${path}`, { method: 'POST', body: b, headers: { ...h, 'content-type': 'application/json', 'x-exchange-version': '1' } }).then(
        async (r) => [r.status, ((await r.json()) as { code: string }).code],
      );
    const h = signRequest({ keyId: PROVINCE, secret: S_PROV, method: 'POST', path, body });
    expect(await post(body.replace('积水', '干燥'), h)).toEqual([401, 'BAD_SIGNATURE']);
    expect(await post(body, signRequest({ keyId: PROVINCE, secret: 'guess', method: 'POST', path, body }))).toEqual([401, 'BAD_SIGNATURE']);
    expect(
      await post(body, signRequest({ keyId: PROVINCE, secret: S_PROV, method: 'POST', path, body, timestamp: Math.floor(Date.now() / 1000) - 600 })),
    ).toEqual([401, 'STALE_REQUEST']);
    const forged = JSON.stringify({ ...e, from: 'sz-city' });
    expect(await post(forged, signRequest({ keyId: PROVINCE, secret: S_PROV, method: 'POST', path, body: forged }))).toEqual([403, 'FORBIDDEN_SENDER']);
    expect(await post('{"exchangeId":', signRequest({ keyId: PROVINCE, secret: S_PROV, method: 'POST', path, body: '{"exchangeId":' }))).toEqual([
      400,
      'MALFORMED_BODY',
    ]);
    expect(cityInbox.log.length).toBe(before);
  });
});
