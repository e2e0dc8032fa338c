import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import Redis from 'ioredis';
import type { Db } from '../db/client';
import type { Logger } from '../log/logger';
import { sessionToken, userForToken, type SessionUser } from '../../identity/sessions';
import type { OutboxRow } from '../outbox/relay';

const PRESENCE = ['available', 'busy', 'after_call', 'away'] as const;

/**
 * Socket.IO carries invalidations only (ids + version): the console refetches through the
 * authorised REST route, so no socket message ever holds a phone number. Rooms are joined
 * from the session at connect; the Redis adapter lets several nodes share them.
 */
export function createRealtime(http: HttpServer, deps: { db: Db; redisUrl: string; prefix: string; log: Logger }) {
  const io = new Server(http, { serveClient: false, cors: { origin: false } });
  const pub = new Redis(deps.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: true });
  const sub = pub.duplicate();
  for (const c of [pub, sub]) c.on('error', () => {});
  // The Redis adapter calls pub.publish() without handling its promise; a publish in flight when
  // Redis goes away rejected unhandled and Node ended the whole process (found by the fault suite).
  // An invalidation is best-effort (the console refetches), so a failed publish is dropped.
  const rawPublish = pub.publish.bind(pub) as (...args: unknown[]) => Promise<number>;
  (pub as unknown as { publish: (...args: unknown[]) => Promise<number> }).publish = (...args) => rawPublish(...args).catch(() => 0);
  io.adapter(createAdapter(pub, sub, { key: `${deps.prefix}:socket.io` }));
  const presenceKey = `${deps.prefix}:presence`;
  const viewers = new Map<string, Map<string, { id: string; displayName: string }>>();

  io.use(async (socket, next) => {
    try {
      const token = sessionToken(socket.handshake.headers.cookie);
      const user = token ? await userForToken(deps.db, token) : null;
      if (!user || user.mfaState !== 'ok') return next(new Error('UNAUTHENTICATED'));
      socket.data.user = user;
      next();
    } catch {
      next(new Error('SERVICE_UNAVAILABLE'));
    }
  });

  io.on('connection', (socket: Socket) => {
    const user = socket.data.user as SessionUser;
    void socket.join(roomsFor(user));
    socket.on('presence:set', (msg: { state?: string }) => {
      const state = PRESENCE.find((p) => p === msg?.state);
      if (!state) return;
      const entry = { userId: user.id, displayName: user.displayName, role: user.role, state, at: new Date().toISOString() };
      void pub.hset(presenceKey, user.id, JSON.stringify(entry)).catch(() => {});
      io.to('supervisors').emit('presence', entry);
    });
    socket.on('presence:list', async (_msg: unknown, ack?: (list: unknown[]) => void) => {
      if (typeof ack !== 'function') return;
      const all = await pub.hgetall(presenceKey).catch(() => ({}));
      ack(Object.values(all).map((v) => JSON.parse(v as string)));
    });
    socket.on('watch', (msg: { ticketId?: string }) => {
      const id = typeof msg?.ticketId === 'string' ? msg.ticketId.slice(0, 64) : null;
      if (!id) return;
      void socket.join(`ticket:${id}`);
      const m = viewers.get(id) ?? new Map();
      m.set(socket.id, { id: user.id, displayName: user.displayName });
      viewers.set(id, m);
      io.to(`ticket:${id}`).emit('viewers', { ticketId: id, users: uniqueUsers(m) });
    });
    const unwatch = (id: string) => {
      void socket.leave(`ticket:${id}`);
      const m = viewers.get(id);
      if (!m) return;
      m.delete(socket.id);
      io.to(`ticket:${id}`).emit('viewers', { ticketId: id, users: uniqueUsers(m) });
      if (m.size === 0) viewers.delete(id);
    };
    socket.on('unwatch', (msg: { ticketId?: string }) => typeof msg?.ticketId === 'string' && unwatch(msg.ticketId));
    socket.on('disconnect', () => {
      for (const [id, m] of viewers) if (m.has(socket.id)) unwatch(id);
    });
  });

  /** Fan an outbox row out as an invalidation to everyone who may see that ticket. */
  function publish(rows: OutboxRow[]) {
    for (const row of rows) {
      const p = row.payload as { ticketId?: string; version?: number; unitIds?: string[] };
      if (!p.ticketId) continue;
      const rooms = ['supervisors', 'role:agent', 'role:dispatcher', `ticket:${p.ticketId}`, ...(p.unitIds ?? []).map((u) => `unit:${u}`)];
      io.to(rooms).emit('invalidate', { topic: 'ticket', ids: [p.ticketId], cause: row.topic, version: p.version ?? null });
    }
  }

  async function close() {
    await new Promise<void>((r) => io.close(() => r()));
    pub.disconnect();
    sub.disconnect();
  }

  return { io, publish, close, redis: pub };
}

export function roomsFor(user: Pick<SessionUser, 'id' | 'role' | 'unitId'> & { phoneExtension?: string | null }): string[] {
  const rooms = [`user:${user.id}`, `role:${user.role}`];
  // The CTI's call events name an extension; the screen pop goes to that agent only.
  if (user.phoneExtension) rooms.push(`agent:${user.phoneExtension}`);
  if (user.role === 'supervisor' || user.role === 'admin') rooms.push('supervisors');
  if (user.role === 'unit_clerk' && user.unitId) rooms.push(`unit:${user.unitId}`);
  return rooms;
}

function uniqueUsers(m: Map<string, { id: string; displayName: string }>) {
  return [...new Map([...m.values()].map((u) => [u.id, u])).values()];
}
