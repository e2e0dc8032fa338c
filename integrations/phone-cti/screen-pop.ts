/**
 * Screen pop (来电弹屏, channels.md §2): wraps the call-event sink so that `ringing`/`answered`
 * with an agent emit `call:ringing` / `call:answered` to room `agent:{agentExtension}` with
 * {callId, caller, ivrDigits, citizen?, recentTickets[≤5], openTickets}, plus `line`: which of the
 * centre's numbers was dialled (12319, 12331… folded into 12345), so the desk can say so and preset the form. Only the agent's own room
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

/** The centre's line the caller dialled (12345 itself, or a department number folded into it). */
export interface LineLookupPort {
  byCallee(callee: string): Promise<object | null>;
}

export function withScreenPop(
  inner: ChannelEventSink,
  deps: { io: ScreenPopEmitter; callers: CallerLookupPort; lines?: LineLookupPort; log?: { warn(obj: object, msg: string): void } },
): ChannelEventSink {
  return {
    async emit(e: ChannelEvent) {
      const r = await inner.emit(e);
      if (r && r.duplicate) return r;
      const kind = e.type === 'call.ringing' ? 'ringing' : e.type === 'call.answered' ? 'answered' : null;
      const d = e.data as { callId?: string; caller?: string; callee?: string; agentExtension?: string; ivrDigits?: string[] };
      if (kind && d.agentExtension && d.callId) {
        try {
          const [known, line] = await Promise.all([
            d.caller && d.caller !== 'anonymous' ? deps.callers.byPhone(d.caller) : undefined,
            d.callee && deps.lines ? deps.lines.byCallee(d.callee) : null,
          ]);
          deps.io.to(`agent:${d.agentExtension}`).emit(`call:${kind}`, {
            callId: d.callId,
            caller: d.caller,
            ivrDigits: d.ivrDigits ?? [],
            ...(line ? { line } : {}),
            ...(known?.citizen ? { citizen: known.citizen } : {}),
            recentTickets: (known?.recentTickets ?? []).slice(0, 5),
            openTickets: known?.openTickets ?? 0,
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
