import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Presence } from '../../api/types';
import { useRealtime } from '../../realtime/RealtimeProvider';

const KEY = 'rexian.presence';

interface PresenceValue {
  presence: Presence;
  setPresence: (p: Presence) => void;
}
const PresenceContext = createContext<PresenceValue>({ presence: 'available', setPresence: () => undefined });

/**
 * The agent's state, shared by the selector and the call flow (answering a call → busy, saving its
 * ticket → after call). Sent on every (re)connect: presence lives on the socket, a new one starts unknown.
 */
export function PresenceProvider({ children }: { children: ReactNode }) {
  const { socket, state } = useRealtime();
  const [presence, setState] = useState<Presence>(() => (localStorage.getItem(KEY) as Presence) || 'available');
  const setPresence = useCallback((p: Presence) => {
    localStorage.setItem(KEY, p);
    setState(p);
  }, []);
  useEffect(() => {
    if (socket && state === 'connected') socket.emit('presence:set', { state: presence });
  }, [socket, state, presence]);
  const value = useMemo(() => ({ presence, setPresence }), [presence, setPresence]);
  return <PresenceContext.Provider value={value}>{children}</PresenceContext.Provider>;
}

export const usePresence = () => useContext(PresenceContext);
