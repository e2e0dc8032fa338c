import type { Role } from '../identity/tables';
import type { RectificationStatus } from './tables';
import type { RectificationEventType } from '../platform/events/catalogue';

/**
 * 差评整改 as data: the centre verifies the bad review with the citizen; a clear and reasonable
 * one goes to the unit, which rectifies within the limit and reports; the citizen is asked
 * again and the case closes with its outcome. The unit may contest (申诉) a mistaken or
 * malicious review; the centre upholds (the review is excluded, kept and marked) or rejects.
 * A citizen still unsatisfied after the report is never a silent close: the unit gets another
 * round (policy rectificationRounds, default 2), and after the last one the case goes to the
 * supervisors (escalated), who close it with their decision.
 */
export const RECTIFICATION_ACTIONS = ['verify', 'dismiss', 'report', 'contest', 'uphold-contest', 'reject-contest', 'confirm', 'resolve-escalation'] as const;
export type RectificationAction = (typeof RECTIFICATION_ACTIONS)[number];

export interface RectificationTransition {
  from: RectificationStatus[];
  to: RectificationStatus;
  /** Other targets the use case chooses (confirm: the next round, or the supervisors). */
  alsoTo?: RectificationStatus[];
  roles: Role[];
  /** Unit clerks act only on their own unit's cases. */
  ownUnit?: boolean;
  event: RectificationEventType;
}

const CENTRE: Role[] = ['agent', 'dispatcher', 'supervisor'];
const DECIDERS: Role[] = ['dispatcher', 'supervisor'];

export const RECTIFICATION_TRANSITIONS: Record<RectificationAction, RectificationTransition> = {
  verify: { from: ['verifying'], to: 'rectifying', roles: CENTRE, event: 'rectification.verified' },
  dismiss: { from: ['verifying'], to: 'closed', roles: CENTRE, event: 'rectification.dismissed' },
  report: { from: ['rectifying'], to: 'reported', roles: ['unit_clerk'], ownUnit: true, event: 'rectification.reported' },
  contest: { from: ['verifying', 'rectifying'], to: 'contested', roles: ['unit_clerk'], ownUnit: true, event: 'rectification.contested' },
  'uphold-contest': { from: ['contested'], to: 'closed', roles: DECIDERS, event: 'rectification.contest_upheld' },
  'reject-contest': { from: ['contested'], to: 'rectifying', roles: DECIDERS, event: 'rectification.contest_rejected' },
  confirm: { from: ['reported'], to: 'closed', alsoTo: ['rectifying', 'escalated'], roles: CENTRE, event: 'rectification.closed' },
  'resolve-escalation': { from: ['escalated'], to: 'closed', roles: ['supervisor'], event: 'rectification.escalation_resolved' },
};
