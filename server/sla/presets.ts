/**
 * Shipped SLA presets (spec/domain.md §3). The administrator picks one for the centre's region
 * and edits the rows; no national number exists, so nothing here is hard-coded elsewhere.
 *
 * Sourced: the reply limits per appeal type (Guangdong 2022 provincial 12345 rules; Shanghai
 * street rules citing 沪府办〔2018〕62号, incl. supervision & re-check 3 wd and complex cases
 * 15 wd after approval). Our defaults, marked `default` in `source`: dispatch/sign/return/callback
 * limits, the urgent and critical hour limits (from the practice examples in domain.md: respond
 * 30 min, first result 2 h, final result 24 h for critical), praise/other fallbacks, reminder at
 * 75%, reopened rounds 5 wd (capped by the first limit), supervision of hour-limit tickets 24 h
 * (urgent) / 2 h (critical) after the deadline, a unit's answer to an urge 1 wd.
 */
import type { TimeLimit } from './calendar.js';
import type { AppealType, SlaPolicy } from './policy.js';

/** Names of the shipped presets. */
export type SlaPresetName = 'guangdong-2022' | 'shanghai-street';

const wd = (value: number): TimeLimit => ({ unit: 'working_days', value });
const hours = (value: number): TimeLimit => ({ unit: 'hours', value });
const minutes = (value: number): TimeLimit => ({ unit: 'minutes', value });

type Common = Omit<SlaPolicy, 'region' | 'appealType' | 'urgency' | 'replyLimit' | 'source'>;

const NORMAL: Common = {
  dispatchLimitMinutes: 30,
  signLimit: wd(1),
  returnWindow: wd(1),
  maxExtensions: 1,
  callbackLimit: wd(3),
  reminderShare: 0.75,
  supervisionAfterWorkingDays: 3,
  supervisionResponseLimit: wd(3),
  urgeResponseLimit: wd(1),
  endOfDay: '24:00',
  countReceiptDay: false,
};

// Urgent and critical tickets run on wall-clock hours whatever their type (domain.md §3 examples).
const URGENT: Omit<SlaPolicy, 'region' | 'source'> = {
  ...NORMAL,
  appealType: '*',
  urgency: 'urgent',
  dispatchLimitMinutes: 10,
  signLimit: hours(1),
  returnWindow: hours(1),
  replyLimit: hours(48),
  callbackLimit: wd(1),
  supervisionAfterHours: 24,
};
const CRITICAL: Omit<SlaPolicy, 'region' | 'source'> = {
  ...NORMAL,
  appealType: '*',
  urgency: 'critical',
  dispatchLimitMinutes: 5,
  signLimit: minutes(30), // "respond within 30 min"
  returnWindow: minutes(30),
  replyLimit: hours(24), // "final result within 24 h"
  firstResponseLimit: hours(2), // "first result within 2 h": the unit's first feedback, a stage of its own
  maxExtensions: 0,
  callbackLimit: wd(1),
  supervisionAfterHours: 2,
};

function build(source: string, replyDays: Record<AppealType | '*', number>, extra: Partial<Common> = {}): SlaPolicy[] {
  const normal = Object.entries(replyDays).map(([appealType, days]): SlaPolicy => ({
    ...NORMAL,
    ...extra,
    region: '*',
    appealType: appealType as AppealType | '*',
    urgency: 'normal',
    replyLimit: wd(days),
    // Reopened rounds (重办): the unit already knows the matter; default 5 wd, never above the first limit.
    reopenReplyLimit: wd(Math.min(extra.reopenReplyLimit?.value ?? 5, days)),
    source: appealType === 'praise' || appealType === 'other' || appealType === '*' ? `${source}; default` : source,
  }));
  return [
    ...normal,
    // Hour limits keep their own extension rules; only the supervision delay is shared.
    {
      ...URGENT,
      region: '*',
      supervisionAfterWorkingDays: extra.supervisionAfterWorkingDays ?? URGENT.supervisionAfterWorkingDays,
      source: `${source}; default`,
    },
    {
      ...CRITICAL,
      region: '*',
      supervisionAfterWorkingDays: extra.supervisionAfterWorkingDays ?? CRITICAL.supervisionAfterWorkingDays,
      source: `${source}; default`,
    },
  ];
}

const PRESETS: Record<SlaPresetName, readonly SlaPolicy[]> = {
  'guangdong-2022': build('Guangdong 12345 rules (2022)', {
    consult: 2,
    help: 10,
    suggestion: 10,
    complaint: 15,
    report: 15,
    praise: 2, // default: thanks are passed on, no handling
    other: 10, // default
    '*': 10, // default: catch-all so resolution never fails
  }),
  'shanghai-street': build(
    'Shanghai street rules (沪府办〔2018〕62号)',
    {
      consult: 1,
      help: 5,
      suggestion: 1,
      complaint: 5,
      report: 5, // default: grouped with complaint as in the Guangdong rules
      praise: 1, // default
      other: 5, // default
      '*': 5, // default
    },
    // Complex cases: 15 wd after approval; supervision and re-check 3 wd.
    { supervisionAfterWorkingDays: 3, extendedReplyLimit: wd(15), reopenReplyLimit: wd(3) },
  ),
};

/** Preset names, for the administrator's picker. */
export const SLA_PRESET_NAMES: readonly SlaPresetName[] = Object.freeze(Object.keys(PRESETS) as SlaPresetName[]);

/**
 * A fresh copy of a preset's rows with `region` set (default `'*'`, i.e. the whole centre),
 * ready to insert into the policy table.
 */
export function presetPolicies(name: SlaPresetName, region = '*'): SlaPolicy[] {
  const rows = PRESETS[name];
  if (!rows) throw new Error(`Unknown SLA preset ${name}`);
  return rows.map((p) => structuredClone({ ...p, region }));
}
