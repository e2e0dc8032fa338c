import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { CallEvent } from './call-event';
import { parseSurveyMap } from './call-event';
import { foldCall } from './call-state';

const base = { callId: 'c1', direction: 'inbound' as const, caller: '13800138000', callee: '12345' };
const answeredCall: CallEvent[] = [
  { ...base, eventId: 'e1', type: 'ringing', at: '2026-11-25T09:00:00+08:00' },
  { ...base, eventId: 'e2', type: 'ivr', at: '2026-11-25T09:00:03+08:00', ivrDigits: ['1'] },
  { ...base, eventId: 'e3', type: 'ivr', at: '2026-11-25T09:00:05+08:00', ivrDigits: ['1', '2'] },
  { ...base, eventId: 'e4', type: 'answered', at: '2026-11-25T09:00:09+08:00', agentExtension: '8001' },
  { ...base, eventId: 'e5', type: 'ended', at: '2026-11-25T09:04:09+08:00', durationSec: 240, hangupCause: 'NORMAL_CLEARING' },
  { ...base, eventId: 'e6', type: 'recording_ready', at: '2026-11-25T09:04:30+08:00', recordingUrl: 'https://rec.local/c1.wav' },
];

describe('foldCall', () => {
  it('folds a normal call', () => {
    expect(foldCall(answeredCall)).toMatchObject({
      status: 'ended',
      agentExtension: '8001',
      ivrDigits: ['1', '2'],
      durationSec: 240,
      recordingUrl: 'https://rec.local/c1.wav',
      startedAt: '2026-11-25T09:00:00+08:00',
      answeredAt: '2026-11-25T09:00:09+08:00',
    });
  });

  it('ended without answered is abandoned (放弃呼叫)', () => {
    expect(foldCall([answeredCall[0], answeredCall[1], { ...answeredCall[4], durationSec: 6 }])?.status).toBe('abandoned');
  });

  it('any order and any duplication of the same events folds to the same state (property)', () => {
    const expected = foldCall(answeredCall);
    fc.assert(
      fc.property(
        fc
          .shuffledSubarray(answeredCall, { minLength: answeredCall.length })
          .chain((perm) => fc.array(fc.constantFrom(...answeredCall), { maxLength: 6 }).map((dups) => [...perm, ...dups])),
        (events) => {
          expect(foldCall(events)).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('parseSurveyMap (CTI_SURVEY_MAP)', () => {
  it("reads a centre's own key map, leaves the default when empty, and refuses a malformed entry", () => {
    expect(parseSurveyMap('9:5, 8:1')).toEqual({ '9': 5, '8': 1 });
    expect(parseSurveyMap('')).toBeUndefined();
    expect(() => parseSurveyMap('1:6')).toThrow(/CTI_SURVEY_MAP/);
  });
});
