import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { signRequest, verifyRequest } from '../shared/hmac';
import { MemoryEventSink, MemoryNonceStore, MemoryRatings } from '../shared/test-fixtures';
import { listen } from '../shared/test-server';
import { CtiOutboundClient } from './outbound-client';
import { createPhoneRouter } from './router';

let events: MemoryEventSink, ratings: MemoryRatings;
let srv: { url: string; close(): Promise<void> };
beforeAll(async () => {
  srv = await listen([
    [
      '/channels/phone',
      createPhoneRouter({
        get events() {
          return events;
        },
        get ratings() {
          return ratings;
        },
        keys: (id) => (id === 'cti-1' ? ['k-old', 'k-new'] : []),
        nonces: new MemoryNonceStore(),
        centre: '12345',
        callbackTasks: {
          listDue: async (_now, limit) =>
            [
              { taskId: 'cb-1', to: '13800138000', window: { from: '2026-11-25T09:00:00+08:00', to: '2026-11-25T18:00:00+08:00' }, attempts: 0, survey: true },
            ].slice(0, limit),
        },
      } as Parameters<typeof createPhoneRouter>[0]),
    ],
  ]);
});
afterAll(() => srv.close());
beforeEach(() => {
  events = new MemoryEventSink();
  ratings = new MemoryRatings();
});

let n = 0;
const ev = (over: Record<string, unknown> = {}) => ({
  eventId: `e-${++n}`,
  callId: 'c-100',
  type: 'ringing',
  at: '2026-11-25T09:00:00+08:00',
  direction: 'inbound',
  caller: '13800138000',
  callee: '12345',
  agentExtension: '8001',
  ivrDigits: ['1', '2'],
  ...over,
});

async function send(payload: unknown, opts: { secret?: string; ts?: number; nonce?: string; raw?: string } = {}) {
  const body = opts.raw ?? JSON.stringify(payload);
  const headers = signRequest({
    keyId: 'cti-1',
    secret: opts.secret ?? 'k-new',
    method: 'POST',
    path: '/channels/phone/events',
    body,
    timestamp: opts.ts,
    nonce: opts.nonce,
  });
  const res = await fetch(`${srv.url}/channels/phone/events`, { method: 'POST', body, headers: { ...headers, 'content-type': 'application/json' } });
  return { status: res.status, body: (await res.json()) as any };
}

describe('POST /channels/phone/events', () => {
  it('ringing/answered with an agent → call.* ChannelEvents carrying the extension and IVR path (screen pop input)', async () => {
    const r = await send([ev(), ev({ type: 'answered', at: '2026-11-25T09:00:05+08:00' })]);
    expect(r).toEqual({ status: 202, body: { accepted: 2, duplicates: 0 } });
    expect(events.events.map((e) => e.type)).toEqual(['call.ringing', 'call.answered']);
    expect(events.events[0]).toMatchObject({
      channel: 'phone',
      channelAccount: '12345',
      data: { callId: 'c-100', agentExtension: '8001', ivrDigits: ['1', '2'], caller: '13800138000' },
    });
  });

  it('the same eventId twice (retry, out of order) is counted as a duplicate and passed on once', async () => {
    const e = ev({ type: 'ended', durationSec: 30 });
    await send(e);
    expect((await send([e, ev({ type: 'recording_ready', recordingUrl: 'https://rec.local/c-100.wav' })])).body).toEqual({ accepted: 1, duplicates: 1 });
    expect(events.events).toHaveLength(2);
  });

  it('IVR satisfaction: key 2 → rating 4, key 5 → rating 1, key 9 → 未评价 (no rating row)', async () => {
    await send([
      ev({ type: 'survey_result', surveyDigit: '2', callbackTaskId: 'cb-7' }),
      ev({ type: 'survey_result', surveyDigit: '5' }),
      ev({ type: 'survey_result', surveyDigit: '9' }),
    ]);
    expect(ratings.rows.map((r) => r.score)).toEqual([4, 1]);
    expect(ratings.rows[0]).toMatchObject({ channel: 'phone', callId: 'c-100', callbackTaskId: 'cb-7' });
    expect(events.events[2].data.rating).toBeNull();
  });

  it('a duplicated survey event does not rate twice', async () => {
    const e = ev({ type: 'survey_result', surveyDigit: '1' });
    await send(e);
    await send(e);
    expect(ratings.rows).toHaveLength(1);
  });
});

describe('bad input → status + {code, message}, nothing passed on', () => {
  const expectNothing = () => {
    expect(events.events).toHaveLength(0);
    expect(ratings.rows).toHaveLength(0);
  };
  it.each([
    ['unknown type', [ev(), ev({ type: 'exploded' })], 422, 'UNKNOWN_EVENT_TYPE'],
    ['missing callId', [ev({ callId: undefined })], 400, 'VALIDATION_FAILED'],
    ['missing eventId', ev({ eventId: '' }), 400, 'VALIDATION_FAILED'],
    ['bad timestamp field', ev({ at: 'yesterday' }), 400, 'VALIDATION_FAILED'],
    ['extra field', ev({ sql: 'drop' }), 400, 'VALIDATION_FAILED'],
    ['more than 100 events', Array.from({ length: 101 }, () => ev()), 400, 'VALIDATION_FAILED'],
  ])('%s', async (_n, payload, status, code) => {
    const r = await send(payload);
    expect(r.status).toBe(status);
    expect(r.body.code).toBe(code);
    expect(typeof r.body.message).toBe('string');
    expectNothing();
  });

  it('malformed JSON → 400 MALFORMED_BODY', async () => {
    expect(await send(null, { raw: '{"eventId":' })).toMatchObject({ status: 400, body: { code: 'MALFORMED_BODY' } });
  });

  it('bad signature, stale timestamp, replayed nonce → 401 with the §0.3 codes', async () => {
    expect((await send(ev(), { secret: 'guess' })).body.code).toBe('BAD_SIGNATURE');
    expect((await send(ev(), { ts: Math.floor(Date.now() / 1000) - 400 })).body.code).toBe('STALE_REQUEST');
    const nonce = 'replay-nonce-0123456789';
    expect((await send(ev(), { nonce })).status).toBe(202);
    expect(await send(ev(), { nonce })).toMatchObject({ status: 401, body: { code: 'REPLAYED' } });
    expect(events.events).toHaveLength(1);
  });

  it('oversized body → 413 before verifying; English message with Accept-Language: en', async () => {
    const body = JSON.stringify([ev({ hangupCause: 'x'.repeat(300_000) })]);
    const res = await fetch(`${srv.url}/channels/phone/events`, {
      method: 'POST',
      body,
      headers: { 'accept-language': 'en', 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: 'Payload too large' });
    expectNothing();
  });
});

describe('CtiOutboundClient', () => {
  it('POSTs the callback task signed per §0.3; a loopback CTI stub verifies it', async () => {
    const got: unknown[] = [];
    const app = express();
    app.post('/cti/outbound-calls', express.raw({ type: '*/*' }), async (req, res) => {
      const v = await verifyRequest(
        { method: 'POST', path: req.originalUrl, headers: req.headers, body: req.body },
        { keys: () => ['cti-secret'], nonces: new MemoryNonceStore() },
      );
      if (!v.ok) return res.status(401).json(v);
      got.push(JSON.parse(req.body.toString()));
      res.status(202).json({ ok: true });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cti`;
    const good = new CtiOutboundClient({ baseUrl: base, keyId: 'rexian', secret: 'cti-secret' });
    expect(await good.placeCall({ taskId: 'cb-1', to: '13800138000', survey: true })).toEqual({ ok: true, status: 202 });
    expect(got).toEqual([{ taskId: 'cb-1', to: '13800138000', survey: true }]);
    const bad = new CtiOutboundClient({ baseUrl: base, keyId: 'rexian', secret: 'wrong' });
    expect(await bad.placeCall({ taskId: 'cb-2', to: '1', survey: true })).toEqual({ ok: false, status: 401 });
    server.close();
  });
});

describe('GET /channels/phone/callback-tasks', () => {
  it('lists due tasks to a signed caller, refuses an unsigned one', async () => {
    const path = '/channels/phone/callback-tasks?limit=5';
    const headers = signRequest({ keyId: 'cti-1', secret: 'k-new', method: 'GET', path, body: '' });
    const res = await fetch(`${srv.url}${path}`, { headers });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ tasks: [expect.objectContaining({ taskId: 'cb-1', to: '13800138000', survey: true })] });
    expect((await fetch(`${srv.url}${path}`)).status).toBe(401);
  });
});
