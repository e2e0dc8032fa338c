import { useEffect, useState } from 'react';
import { useRealtime, useSocketEvent } from '../realtime/RealtimeProvider';

interface Viewers {
  ticketId: string;
  users: { id: string; displayName: string }[];
}

/** Joins the ticket room while the detail is open; returns the other people looking at it. */
export function useViewers(ticketId: string | undefined, selfId: string | undefined) {
  const { socket, state } = useRealtime();
  const [others, setOthers] = useState<Viewers['users']>([]);

  useEffect(() => {
    if (!socket || !ticketId || state !== 'connected') return;
    // Re-sent after a reconnect: the server forgets rooms of a dropped socket.
    socket.emit('watch', { ticketId });
    return () => {
      socket.emit('unwatch', { ticketId });
      setOthers([]);
    };
  }, [socket, ticketId, state]);

  useSocketEvent<Viewers>('viewers', (v) => {
    if (v.ticketId === ticketId) setOthers((v.users ?? []).filter((u) => u.id !== selfId));
  });
  return others;
}
