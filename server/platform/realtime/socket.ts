import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import Redis from 'ioredis';
import type { Db } from '../db/client';
import type { Logger } from '../log/logger';
import { sessionToken, userForToken, type SessionUser } from '../../identity/sessions';
import type { OutboxRow } from '../outbox/relay';
import { invalidationsFor } from './invalidations';
import { failureTo, reportFailure } from '../background';
// The one visibility rule of the ticket detail route, so a room is never wider than the REST read.
import { presenceKey as presenceKeyOf } from './presence';
import { ticketVisibleTo } from '../../tickets/queries';

const PRESENCE = ['available', 'busy', 'after_call', 'away'] as const;
/** The centre's own staff (not unit clerks). */
const CENTRE_ROLES = new Set(['agent', 'dispatcher', 'supervisor', 'admin']);

/**
 * Socket.IO carries invalidations only (ids + version): the console refetches through the
 * authorised REST route, so no socket message ever holds a phone number. Rooms are joined
 * from the session at connect; the Redis adapter lets several nodes share them.
 */
export function createRealtime(http: HttpServer, deps: { db: Db; redisUrl: string; prefix: string; log: Logger }) {
  const io = new Server(http, { serveClient: false, cors: { origin: false } });
  const pub = new Redis(deps.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: true });
  const sub = pub.duplicate();
  for (const c of [pub, sub]) c.on('error', failureTo(deps.log, 'realtime-redis'));
  // The Redis adapter calls pub.publish() without handling its promise; a publish in flight when
  // Redis goes away rejected unhandled and Node ended the whole process (found by the fault suite).
  // An invalidation is best-effort (the console refetches), so a failed publish is dropped, logged and counted.
  const rawPublish = pub.publish.bind(pub) as (...args: unknown[]) => Promise<number>;
  (pub as unknown as { publish: (...args: unknown[]) => Promise<number> }).publish = (...args) =>
    rawPublish(...args).catch((err) => {
      reportFailure(deps.log, 'realtime-publish', err);
      return 0;
    });
  io.adapter(createAdapter(pub, sub, { key: `${deps.prefix}:socket.io` }));
  const presenceKey = presenceKeyOf(deps.prefix);
  const viewers = new Map<string, Map<string, { id: string; displayName: string }>>();

  io.use(async (socket, next) => {
    try {
      const token = sessionToken(socket.handshake.headers.cookie);
      const user = token ? await userForToken(deps.db, token) : null;
      if (!user || user.mfaState !== 'ok') return next(new Error('UNAUTHENTICATED'));
      socket.data.user = user;
      next();
    } catch (err) {
      // The session store is unreachable: the console retries the connection; the failure is counted.
      reportFailure(deps.log, 'realtime-handshake', err);
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
      void pub.hset(presenceKey, user.id, JSON.stringify(entry)).catch(failureTo(deps.log, 'presence', { userId: user.id }));
      io.to('supervisors').emit('presence', entry);
    });
    socket.on('presence:list', async (_msg: unknown, ack?: (list: unknown[]) => void) => {
      if (typeof ack !== 'function') return;
      // Who of the centre is on duty, and in which state, is the centre's business: units get nothing.
      if (!CENTRE_ROLES.has(user.role)) return ack([]);
      const all = await pub.hgetall(presenceKey).catch((err) => {
        reportFailure(deps.log, 'presence', err);
        return {} as Record<string, string>;
      });
      ack(Object.values(all).map((v) => JSON.parse(v as string)));
    });
    socket.on('watch', async (msg: { ticketId?: string }, ack?: (r: { ok: boolean; code?: string }) => void) => {
      const reply = typeof ack === 'function' ? ack : () => {};
      const id = typeof msg?.ticketId === 'string' ? msg.ticketId.slice(0, 64) : null;
      if (!id) return reply({ ok: false, code: 'VALIDATION_FAILED' });
      // The room carries the ticket's invalidations and its viewers' names: join only what the
      // ticket detail route would show this user, under the session as it is now (not at connect).
      let visible: boolean;
      try {
        const token = sessionToken(socket.handshake.headers.cookie);
        const current = token ? await userForToken(deps.db, token) : null;
        if (!current) {
          reply({ ok: false, code: 'UNAUTHENTICATED' });
          socket.disconnect(true);
          return;
        }
        visible = await ticketVisibleTo(
          { db: deps.db, actor: { kind: 'staff', id: current.id, role: current.role, unitId: current.unitId, displayName: current.displayName } },
          id,
        );
      } catch (err) {
        deps.log.warn({ err: { code: (err as { code?: string }).code }, ticketId: id }, 'realtime watch: visibility check failed');
        return reply({ ok: false, code: 'SERVICE_UNAVAILABLE' });
      }
      if (!visible || !socket.connected) return reply({ ok: false, code: 'TICKET_NOT_FOUND' });
      void socket.join(`ticket:${id}`);
      reply({ ok: true });
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

  /** Fan outbox rows out as invalidations to everyone who may see those tickets. */
  function publish(rows: OutboxRow[]) {
    for (const inv of invalidationsFor(rows, deps.log)) io.to(inv.rooms).emit('invalidate', inv.message);
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
