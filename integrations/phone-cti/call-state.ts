/**
 * Folds a call's CallEvents into its state (channels.md §2): events arrive out of order or twice,
 * so the fold dedupes by eventId and orders by `at` (then by type rank for equal times). `ended`
 * without any `answered` is an abandoned call (放弃呼叫) for the missed-call list. Pure: the server's
 * call record stores the events and calls this.
 */
import type { CallEvent } from './call-event';

export interface CallState {
  callId: string;
  status: 'ringing' | 'in_ivr' | 'answered' | 'ended' | 'abandoned';
  caller?: string;
  callee?: string;
  direction?: CallEvent['direction'];
  agentExtension?: string;
  queue?: string;
  ivrDigits: string[];
  startedAt?: string;
  answeredAt?: string;
  endedAt?: string;
  durationSec?: number;
  hangupCause?: string;
  recordingUrl?: string;
  callbackTaskId?: string;
  surveyDigit?: string;
}

const RANK: Record<CallEvent['type'], number> = {
  ringing: 0,
  ivr: 1,
  answered: 2,
  transferred: 3,
  held: 3,
  ended: 4,
  survey_result: 5,
  recording_ready: 6,
};

export function foldCall(events: CallEvent[]): CallState | null {
  if (events.length === 0) return null;
  const unique = [...new Map(events.map((e) => [e.eventId, e])).values()];
  unique.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || RANK[a.type] - RANK[b.type] || (a.eventId < b.eventId ? -1 : 1));
  const s: CallState = { callId: unique[0].callId, status: 'ringing', ivrDigits: [] };
  for (const e of unique) {
    s.caller ??= e.caller;
    s.callee ??= e.callee;
    s.direction ??= e.direction;
    if (e.agentExtension) s.agentExtension = e.agentExtension;
    if (e.queue) s.queue = e.queue;
    if (e.callbackTaskId) s.callbackTaskId = e.callbackTaskId;
    // ivrDigits is cumulative: the longest path seen wins, whatever order the events came in.
    if (e.ivrDigits && e.ivrDigits.length >= s.ivrDigits.length) s.ivrDigits = [...e.ivrDigits];
    switch (e.type) {
      case 'ringing':
        s.startedAt ??= e.at;
        break;
      case 'ivr':
        if (s.status === 'ringing') s.status = 'in_ivr';
        break;
      case 'answered':
        s.answeredAt ??= e.at;
        if (s.status !== 'ended') s.status = 'answered';
        break;
      case 'ended':
        s.endedAt = e.at;
        s.durationSec = e.durationSec ?? s.durationSec;
        s.hangupCause = e.hangupCause ?? s.hangupCause;
        break;
      case 'recording_ready':
        s.recordingUrl = e.recordingUrl ?? s.recordingUrl;
        break;
      case 'survey_result':
        s.surveyDigit = e.surveyDigit;
        break;
      default:
        break;
    }
  }
  if (s.endedAt) s.status = s.answeredAt ? 'ended' : 'abandoned';
  s.startedAt ??= unique[0].at;
  return s;
}
