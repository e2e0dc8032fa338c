/**
 * Server-side hooks on the CTI event sink.
 *
 * withCallbackCalls: events of an outbound callback call (they carry callbackTaskId) move
 * that task's attempt (callbacks/use-cases/outbound-calls.ts). Also on a duplicate: the attempt
 * only moves from an open state, so a CTI retry after a crash between the two writes still lands.
 */
import type { ChannelEvent, ChannelEventSink } from '../../integrations/shared/ports';
import type { Runtime } from '../platform/runtime';
import { makeCtx } from '../platform/context';
import { onCallbackCallEvent, type CallbackCallEvent } from '../callbacks/use-cases/outbound-calls';
import { updateCallStats } from '../reports/call-metrics';

export function withCallbackCalls(inner: ChannelEventSink, rt: Runtime): ChannelEventSink {
  return {
    async emit(e: ChannelEvent) {
      const r = await inner.emit(e);
      const d = e.data as Partial<CallbackCallEvent>;
      if (d.callbackTaskId && (e.type === 'call.answered' || e.type === 'call.ended') && d.callId && d.at && d.type) {
        await onCallbackCallEvent(makeCtx({ db: rt.db, actor: { kind: 'system', name: 'channel:phone' }, log: rt.log, svc: rt.svc }), d as CallbackCallEvent);
      }
      return r ?? { duplicate: false };
    },
  };
}

/**
 * withCallMetrics: every call event re-folds its call into the call measures (reports/call-metrics.ts).
 * Also on a duplicate, for the same reason as above; the fold is idempotent.
 */
export function withCallMetrics(inner: ChannelEventSink, rt: Runtime): ChannelEventSink {
  return {
    async emit(e: ChannelEvent) {
      const r = await inner.emit(e);
      const callId = (e.data as { callId?: unknown }).callId;
      if (e.channel === 'phone' && e.type.startsWith('call.') && typeof callId === 'string') await updateCallStats(rt.db, callId);
      return r ?? { duplicate: false };
    },
  };
}
