import { describe, expect, it } from 'vitest';
import { createHash, createHmac } from 'node:crypto';
import { hmacSignature, signRequest, verifyRequest } from './hmac';
import { MemoryNonceStore } from './test-fixtures';

const NOW = new Date('2026-11-25T12:00:00Z');
const nowS = Math.floor(NOW.getTime() / 1000);
const body = Buffer.from('{"eventId":"e1"}');

function lower(h: Record<string, string>) {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

describe('§0.3 HMAC scheme', () => {
  it('signs exactly METHOD\\npath\\ntimestamp\\nnonce\\nhex(sha256(body)) with HMAC-SHA256 (independent recomputation)', () => {
    const expected = createHmac('sha256', 's3cret')
      .update(`POST\n/channels/phone/events\n${nowS}\nabcdefghijklmnop\n${createHash('sha256').update(body).digest('hex')}`)
      .digest('hex');
    expect(hmacSignature('s3cret', 'post', '/channels/phone/events', String(nowS), 'abcdefghijklmnop', body)).toBe(expected);
  });

  const keys = (id: string) => (id === 'cti' ? ['old-secret', 'new-secret'] : []);

  async function check(headers: Record<string, string>, opts: { body?: Buffer; nonces?: MemoryNonceStore; path?: string } = {}) {
    return verifyRequest(
      { method: 'POST', path: opts.path ?? '/channels/phone/events', headers: lower(headers), body: opts.body ?? body },
      { keys, nonces: opts.nonces ?? new MemoryNonceStore(), now: () => NOW },
    );
  }
  const signed = (over: Partial<Parameters<typeof signRequest>[0]> = {}) =>
    signRequest({ keyId: 'cti', secret: 'new-secret', method: 'POST', path: '/channels/phone/events', body, timestamp: nowS, ...over });

  it('accepts both active secrets during rotation', async () => {
    expect(await check(signed())).toEqual({ ok: true, keyId: 'cti' });
    expect(await check(signed({ secret: 'old-secret' }))).toEqual({ ok: true, keyId: 'cti' });
  });

  it('rejects a tampered body, path or a wrong secret as BAD_SIGNATURE', async () => {
    expect(await check(signed(), { body: Buffer.from('{"eventId":"e2"}') })).toMatchObject({ ok: false, code: 'BAD_SIGNATURE', status: 401 });
    expect(await check(signed(), { path: '/channels/phone/events?x=1' })).toMatchObject({ code: 'BAD_SIGNATURE' });
    expect(await check(signed({ secret: 'guess' }))).toMatchObject({ code: 'BAD_SIGNATURE' });
    const h = signed();
    h['X-Rexian-Signature'] = h['X-Rexian-Signature'].slice(0, 10); // wrong length must not throw
    expect(await check(h)).toMatchObject({ code: 'BAD_SIGNATURE' });
  });

  it('rejects timestamps more than 300 s away either side as STALE_REQUEST, accepts the edge', async () => {
    expect(await check(signed({ timestamp: nowS - 301 }))).toMatchObject({ code: 'STALE_REQUEST' });
    expect(await check(signed({ timestamp: nowS + 301 }))).toMatchObject({ code: 'STALE_REQUEST' });
    expect(await check(signed({ timestamp: nowS - 300 }))).toMatchObject({ ok: true });
  });

  it('rejects a replayed nonce, but a forged request does not burn the nonce', async () => {
    const nonces = new MemoryNonceStore(() => NOW.getTime());
    const good = signed({ nonce: 'n'.repeat(20) });
    const forged = { ...good, 'X-Rexian-Signature': '0'.repeat(64) };
    expect(await check(forged, { nonces })).toMatchObject({ code: 'BAD_SIGNATURE' });
    expect(await check(good, { nonces })).toMatchObject({ ok: true });
    expect(await check(good, { nonces })).toMatchObject({ ok: false, code: 'REPLAYED' });
  });

  it('rejects missing headers, short nonces and unknown key ids', async () => {
    expect(await check({})).toMatchObject({ code: 'MISSING_AUTH' });
    expect(await check(signed({ nonce: 'short' }))).toMatchObject({ code: 'MISSING_AUTH' });
    expect(await check(signed({ keyId: 'nobody' }))).toMatchObject({ code: 'UNKNOWN_KEY' });
  });
});

describe('hmacGuard over HTTP', () => {
  it('fails fast (no hang) when a body parser already consumed the stream', async () => {
    const express = (await import('express')).default;
    const { hmacGuard } = await import('./hmac-middleware');
    const app = express();
    app.use(express.json());
    app.post('/x', hmacGuard({ keys: () => ['s'], nonces: new MemoryNonceStore() }), (_req, res) => {
      res.send('ok');
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as import('node:net').AddressInfo).port;
    const res = await fetch(`http://127.0.0.1:${port}/x`, {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
      signal: AbortSignal.timeout(3000),
    });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { code: string }).code).toBe('INTERNAL');
    server.close();
  });
});
