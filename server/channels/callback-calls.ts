/**
 * Wraps the CTI event sink: events of an outbound callback call (they carry callbackTaskId) move
 * that task's attempt (callbacks/use-cases/outbound-calls.ts). Also on a duplicate: the attempt
 * only moves from an open state, so a CTI retry after a crash between the two writes still lands.
 */
import type { ChannelEvent, ChannelEventSink } from '../../integrations/shared/ports';
import type { Runtime } from '../platform/runtime';
import { makeCtx } from '../platform/context';
import { onCallbackCallEvent, type CallbackCallEvent } from '../callbacks/use-cases/outbound-calls';

export function withCallbackCalls(inner: ChannelEventSink, rt: Runtime): ChannelEventSink {
  return {
    async emit(e: ChannelEvent) {
      const r = await inner.emit(e);
      const d = e.data as Partial<CallbackCallEvent>;
      if (d.callbackTaskId && (e.type === 'call.answered' || e.type === 'call.ended') && d.callId && d.at && d.type) {
        await onCallbackCallEvent(makeCtx({ db: rt.db, actor: { kind: 'system', name: 'channel:phone' }, log: rt.log, svc: rt.svc }),
          d as CallbackCallEvent);
      }
      return r ?? { duplicate: false };
    },
  };
}
