import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { io, type Socket } from 'socket.io-client';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting';

export interface Invalidate {
  topic: string;
  ids?: string[];
  cause?: string;
  version?: number;
}

export interface RealtimeValue {
  state: ConnectionState;
  /** Bumps on every reconnect: every visible list and detail refetches, since events may have been missed. */
  epoch: number;
  socket: Socket | null;
  /** Latest invalidate; consumers decide whether it concerns them. */
  lastInvalidate: { seq: number; msg: Invalidate } | null;
}

/** Exported for tests, which provide a fake connection. */
export const RealtimeContext = createContext<RealtimeValue>({ state: 'connecting', epoch: 0, socket: null, lastInvalidate: null });

export function RealtimeProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<ConnectionState>('connecting');
  const [epoch, setEpoch] = useState(0);
  const [socket, setSocket] = useState<Socket | null>(null);
  const [lastInvalidate, setLast] = useState<RealtimeValue['lastInvalidate']>(null);
  const seq = useRef(0);

  useEffect(() => {
    // Same origin: the session cookie authenticates the handshake (docs/API.md, Realtime).
    const s = io({ path: '/socket.io', withCredentials: true, transports: ['websocket', 'polling'] });
    let everConnected = false;
    s.on('connect', () => {
      setState('connected');
      if (everConnected) setEpoch((e) => e + 1);
      everConnected = true;
    });
    s.on('disconnect', () => setState('reconnecting'));
    s.on('connect_error', () => setState('reconnecting'));
    s.on('invalidate', (msg: Invalidate) => setLast({ seq: ++seq.current, msg }));
    setSocket(s);
    return () => {
      s.removeAllListeners();
      s.disconnect();
    };
  }, []);

  const value = useMemo(() => ({ state, epoch, socket, lastInvalidate }), [state, epoch, socket, lastInvalidate]);
  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}

export const useRealtime = () => useContext(RealtimeContext);

/** Subscribes to a server event for the component's lifetime. */
export function useSocketEvent<T>(event: string, handler: (payload: T) => void) {
  const { socket } = useRealtime();
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    if (!socket) return;
    const fn = (p: T) => ref.current(p);
    socket.on(event, fn);
    return () => {
      socket.off(event, fn);
    };
  }, [socket, event]);
}
