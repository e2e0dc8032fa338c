/**
 * Screen pop (来电弹屏, channels.md §2): wraps the call-event sink so that `ringing`/`answered`
 * with an agent emit `call:ringing` / `call:answered` to room `agent:{agentExtension}` with
 * {callId, caller, ivrDigits, citizen?, recentTickets[≤5], openTickets}. Only the agent's own room
 * gets it (hotline agents see the full number); department rooms never do. A duplicate event
 * (CTI retry) pops nothing.
 */
import type { ChannelEvent, ChannelEventSink, PublicTicketView } from '../shared/ports';

/** socket.io `Server` or `@socket.io/redis-emitter` both fit. */
export interface ScreenPopEmitter {
  to(room: string): { emit(event: string, payload: unknown): unknown };
}

export interface CallerLookupPort {
  byPhone(phone: string): Promise<{ citizen?: { id: string; displayName?: string }; recentTickets: PublicTicketView[]; openTickets: number }>;
}

export function withScreenPop(inner: ChannelEventSink, deps: { io: ScreenPopEmitter; callers: CallerLookupPort;
  log?: { warn(obj: object, msg: string): void } }): ChannelEventSink {
  return {
    async emit(e: ChannelEvent) {
      const r = await inner.emit(e);
      if (r && r.duplicate) return r;
      const kind = e.type === 'call.ringing' ? 'ringing' : e.type === 'call.answered' ? 'answered' : null;
      const d = e.data as { callId?: string; caller?: string; agentExtension?: string; ivrDigits?: string[] };
      if (kind && d.agentExtension && d.callId) {
        try {
          const known = d.caller && d.caller !== 'anonymous' ? await deps.callers.byPhone(d.caller) : undefined;
          deps.io.to(`agent:${d.agentExtension}`).emit(`call:${kind}`, {
            callId: d.callId, caller: d.caller, ivrDigits: d.ivrDigits ?? [],
            ...(known?.citizen ? { citizen: known.citizen } : {}),
            recentTickets: (known?.recentTickets ?? []).slice(0, 5), openTickets: known?.openTickets ?? 0,
          });
        } catch (err) {
          // The event is recorded; a missed pop must not make the CTI retry it.
          deps.log?.warn({ code: 'SCREEN_POP_FAILED', err: err instanceof Error ? err.message : String(err) }, 'phone: screen pop');
        }
      }
      return r ?? { duplicate: false };
    },
  };
}
