/** CallEvent (channels.md §2), the vendor-neutral shape every CTI adapter posts to us. */
import { z } from 'zod';

export const CALL_EVENT_TYPES = ['ringing', 'answered', 'ivr', 'transferred', 'held', 'ended', 'recording_ready', 'survey_result'] as const;

export const CallEvent = z.strictObject({
  eventId: z.string().min(1).max(100),
  callId: z.string().min(1).max(100),
  type: z.enum(CALL_EVENT_TYPES),
  at: z.iso.datetime({ offset: true }),
  direction: z.enum(['inbound', 'outbound']),
  caller: z.string().regex(/^(\+?\d{3,20}|anonymous)$/),
  callee: z.string().regex(/^\+?\d{3,20}$/),
  agentExtension: z.string().max(20).optional(),
  agentId: z.string().max(64).optional(),
  queue: z.string().max(64).optional(),
  ivrDigits: z
    .array(z.string().regex(/^[0-9*#]{1,4}$/))
    .max(20)
    .optional(),
  recordingUrl: z
    .url({ protocol: /^https?$/ })
    .max(1000)
    .optional(),
  durationSec: z.number().int().min(0).max(86400).optional(),
  hangupCause: z.string().max(64).optional(),
  callbackTaskId: z.string().max(100).optional(),
  surveyDigit: z
    .string()
    .regex(/^[0-9*#]$/)
    .optional(),
});
export type CallEvent = z.infer<typeof CallEvent>;

/** Default IVR satisfaction map (configurable per centre): key → score 5..1. */
export const DEFAULT_SURVEY_MAP: Record<string, 1 | 2 | 3 | 4 | 5> = { '1': 5, '2': 4, '3': 3, '4': 2, '5': 1 };

/**
 * A centre's own map from configuration, `key:score[,key:score]` (e.g. "1:5,2:4,3:3,4:2,5:1", or a
 * centre that asks "press 9 for very satisfied": "9:5,…"). Empty → undefined (the default map);
 * a malformed entry is a configuration error at startup, never a silently wrong rating.
 */
export function parseSurveyMap(spec: string | undefined): Record<string, 1 | 2 | 3 | 4 | 5> | undefined {
  if (!spec?.trim()) return undefined;
  const map: Record<string, 1 | 2 | 3 | 4 | 5> = {};
  for (const part of spec
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    const m = /^([0-9*#]):([1-5])$/.exec(part);
    if (!m) throw new Error(`Invalid configuration: CTI_SURVEY_MAP entry "${part}" (want key:score, score 1..5)`);
    map[m[1]] = Number(m[2]) as 1 | 2 | 3 | 4 | 5;
  }
  return map;
}
