import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { signRequest } from '../shared/hmac';
import { MemoryEventSink, MemoryNonceStore, MemoryRatings } from '../shared/test-fixtures';
import { createPhoneRouter } from './router';
import { withScreenPop } from './screen-pop';

let server: http.Server, io: Server, base: string;
const sockets: Socket[] = [];
beforeAll(async () => {
  const app = express();
  server = http.createServer(app);
  io = new Server(server);
  // Test stand-in for the server's socket auth: the agent's room is joined from the handshake.
  io.on('connection', (s) => {
    s.join(`agent:${String(s.handshake.auth.ext)}`);
  });
  const events = withScreenPop(new MemoryEventSink(), {
    io,
    callers: {
      byPhone: async (p) =>
        p === '13800138000'
          ? {
              citizen: { id: 'c-1', displayName: '王**' },
              openTickets: 1,
              recentTickets: Array.from({ length: 7 }, (_, i) => ({
                ticketNo: `2026112000000${i}`,
                status: 'open' as const,
                description: '路灯',
                requestedAt: '2026-11-20T00:00:00Z',
              })),
            }
          : { recentTickets: [], openTickets: 0 },
    },
  });
  app.use('/channels/phone', createPhoneRouter({ events, ratings: new MemoryRatings(), keys: () => ['s'], nonces: new MemoryNonceStore() }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  sockets.forEach((s) => s.close());
  io.close();
});

async function agent(ext: string) {
  const s = connect(base, { auth: { ext }, transports: ['websocket'] });
  sockets.push(s);
  await new Promise<void>((r) => s.on('connect', () => r()));
  return s;
}
async function post(events: object[]) {
  const body = JSON.stringify(events);
  const res = await fetch(`${base}/channels/phone/events`, {
    method: 'POST',
    body,
    headers: { ...signRequest({ keyId: 'cti', secret: 's', method: 'POST', path: '/channels/phone/events', body }), 'content-type': 'application/json' },
  });
  return res.status;
}
const ev = (over: object) => ({
  eventId: `e-${Math.random()}`,
  callId: 'call-9',
  type: 'ringing',
  at: new Date().toISOString(),
  direction: 'inbound',
  caller: '13800138000',
  callee: '12345',
  agentExtension: '8001',
  ivrDigits: ['3'],
  ...over,
});

describe('screen pop over Socket.IO', () => {
  it("reaches only the agent's room within 1 s with caller, IVR path, citizen and ≤5 recent tickets; a retried event pops nothing", async () => {
    const mine = await agent('8001');
    const other = await agent('8002');
    const otherGot: unknown[] = [];
    other.on('call:ringing', (p) => otherGot.push(p));
    const got: unknown[] = [];
    mine.on('call:ringing', (p) => got.push(p));
    const popped = new Promise<{ payload: any; ms: number }>((resolve) => {
      const t0 = Date.now();
      mine.once('call:ringing', (payload) => resolve({ payload, ms: Date.now() - t0 }));
    });
    const e = ev({});
    expect(await post([e])).toBe(202);
    const { payload, ms } = await popped;
    expect(ms).toBeLessThan(1000);
    expect(payload).toMatchObject({ callId: 'call-9', caller: '13800138000', ivrDigits: ['3'], citizen: { id: 'c-1' }, openTickets: 1 });
    expect(payload.recentTickets).toHaveLength(5);
    expect(await post([e])).toBe(202); // CTI retry of the same eventId
    await new Promise((r) => setTimeout(r, 200));
    expect(got).toHaveLength(1);
    expect(otherGot).toEqual([]);
  });
});
