import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Presence } from '../../api/types';
import { useRealtime } from '../../realtime/RealtimeProvider';
import { useAuth } from '../../shell/auth';

/** Who takes calls; a supervisor opening a ticket here must not show up on the wall as an agent. */
export const TAKES_CALLS = ['agent', 'dispatcher'];

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
  const { user } = useAuth();
  const takesCalls = !!user && TAKES_CALLS.includes(user.role);
  const [presence, setState] = useState<Presence>(() => (localStorage.getItem(KEY) as Presence) || 'available');
  const setPresence = useCallback((p: Presence) => {
    localStorage.setItem(KEY, p);
    setState(p);
  }, []);
  useEffect(() => {
    if (takesCalls && socket && state === 'connected') socket.emit('presence:set', { state: presence });
  }, [takesCalls, socket, state, presence]);
  const value = useMemo(() => ({ presence, setPresence }), [presence, setPresence]);
  return <PresenceContext.Provider value={value}>{children}</PresenceContext.Provider>;
}

export const usePresence = () => useContext(PresenceContext);
