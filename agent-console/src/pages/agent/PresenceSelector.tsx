import { Select } from 'antd';
import { useEffect, useState } from 'react';
import type { Presence } from '../../api/types';
import { useI18n } from '../../i18n';
import { useRealtime } from '../../realtime/RealtimeProvider';

const STATES: Presence[] = ['available', 'busy', 'after_call', 'away'];
const KEY = 'rexian.presence';

export function PresenceSelector() {
  const { t } = useI18n();
  const { socket, state } = useRealtime();
  const [presence, setPresence] = useState<Presence>(() => (localStorage.getItem(KEY) as Presence) || 'available');

  // Sent again on every (re)connect: presence lives on the socket, a new socket starts unknown.
  useEffect(() => {
    if (socket && state === 'connected') socket.emit('presence:set', { state: presence });
  }, [socket, state, presence]);

  return (
    <Select<Presence>
      size="small"
      style={{ width: 120 }}
      value={presence}
      data-testid="presence"
      onChange={(v) => {
        localStorage.setItem(KEY, v);
        setPresence(v);
      }}
      options={STATES.map((s) => ({ value: s, label: t(`presence.${s}`) }))}
    />
  );
}
