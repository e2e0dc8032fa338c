/**
 * SLA policies as stored: the `sla_policies` table keys a row by region × appeal type × urgency
 * (unique) and keeps the limits in a `rules` JSON column. These functions convert both ways and
 * validate, so a hand-edited JSON value fails loudly when loaded, not as a wrong deadline.
 */
import { APPEAL_TYPES as APPEAL_CODES, URGENCIES as URGENCY_CODES } from '../../contract/enums';
import { type AppealType, type SlaPolicy, type Urgency, validatePolicies } from './policy.js';

/** The stored shape (column names as in the foundation's `sla_policies` table). */
export interface SlaPolicyRow {
  regionCode: string;
  appealType: string;
  urgency: string;
  rules: Record<string, unknown>;
}

/** A stored policy row that does not describe a valid policy. */
export class SlaPolicyInvalidError extends Error {
  readonly code = 'SLA_POLICY_INVALID';
  constructor(
    readonly row: SlaPolicyRow,
    reason: string,
  ) {
    super(`SLA policy ${row.regionCode}/${row.appealType}/${row.urgency}: ${reason}`);
    this.name = 'SlaPolicyInvalidError';
  }
}

// '*' is the policy table's wildcard; the codes are the shared contract's.
const APPEAL_TYPES = new Set<string>([...APPEAL_CODES, '*']);
const URGENCIES = new Set<string>([...URGENCY_CODES, '*']);
const RULE_KEYS = [
  'dispatchLimitMinutes',
  'signLimit',
  'returnWindow',
  'replyLimit',
  'assistReplyLimit',
  'extendedReplyLimit',
  'reopenReplyLimit',
  'firstResponseLimit',
  'supervisionAfterHours',
  'supervisionResponseLimit',
  'urgeResponseLimit',
  'maxExtensions',
  'callbackLimit',
  'reminderShare',
  'supervisionAfterWorkingDays',
  'endOfDay',
  'countReceiptDay',
  'afterHoursCutoff',
  'source',
] as const;

/** Splits a policy into its key columns and its `rules` JSON. */
export function policyToRow(policy: SlaPolicy): SlaPolicyRow {
  const rules: Record<string, unknown> = {};
  for (const k of RULE_KEYS) if (policy[k] !== undefined) rules[k] = structuredClone(policy[k]);
  return { regionCode: policy.region, appealType: policy.appealType, urgency: policy.urgency, rules };
}

/** Rebuilds a policy from a stored row; throws {@link SlaPolicyInvalidError} if any value is unusable. */
export function policyFromRow(row: SlaPolicyRow): SlaPolicy {
  if (!APPEAL_TYPES.has(row.appealType)) throw new SlaPolicyInvalidError(row, `unknown appeal type ${row.appealType}`);
  if (!URGENCIES.has(row.urgency)) throw new SlaPolicyInvalidError(row, `unknown urgency ${row.urgency}`);
  const r = row.rules ?? {};
  const unknown = Object.keys(r).filter((k) => !(RULE_KEYS as readonly string[]).includes(k));
  if (unknown.length) throw new SlaPolicyInvalidError(row, `unknown rule keys ${unknown.join(', ')}`);
  const policy = {
    ...(structuredClone(r) as Partial<SlaPolicy>),
    region: row.regionCode,
    appealType: row.appealType as AppealType | '*',
    urgency: row.urgency as Urgency | '*',
  } as SlaPolicy;
  if (typeof policy.countReceiptDay !== 'boolean') throw new SlaPolicyInvalidError(row, 'countReceiptDay must be true or false');
  const issues = validatePolicies([policy]);
  if (issues.length) throw new SlaPolicyInvalidError(row, issues.map((i) => i.message).join('; '));
  return policy;
}
