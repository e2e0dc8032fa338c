/**
 * The one contract the server and the console share: the codes a request or a response may carry.
 * Plain constants with no dependencies, so the console's bundle pays only for the arrays it uses.
 * The server's zod schemas and the console's zod/mini forms both build on these; a code added here
 * reaches both sides at once (docs/API.md lists what each means).
 */

/** A ticket's lifecycle (domain.md §4); overlays such as overdue or supervised are flags, not states. */
export const TICKET_STATUSES = [
  'received',
  'answered_directly',
  'transferred_emergency',
  'declined',
  'merged',
  'pending_dispatch',
  'dispatched',
  'signed',
  'in_progress',
  'return_requested',
  'extension_requested',
  'replied',
  'closed',
  'reopened',
  'archived',
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** 诉求类型 (categories.md): consult 咨询, help 求助, complaint 投诉, report 举报, suggestion 建议, praise 表扬, other 其他. */
export const APPEAL_TYPES = ['consult', 'help', 'complaint', 'report', 'suggestion', 'praise', 'other'] as const;
export type AppealType = (typeof APPEAL_TYPES)[number];

/** 紧急程度: normal 一般, urgent 紧急, critical 特急. */
export const URGENCIES = ['normal', 'urgent', 'critical'] as const;
export type Urgency = (typeof URGENCIES)[number];

/** The emergency lines 12345 hands over to (联动对接): police, fire, ambulance, traffic police. */
export const EMERGENCY_LINES = ['110', '119', '120', '122'] as const;
export type EmergencyLine = (typeof EMERGENCY_LINES)[number];

/** Why the centre declines an appeal (不予受理), domain.md §2. */
export const DECLINE_REASONS = ['statutory_route', 'secret_or_privacy', 'outside_duty', 'illegal_request', 'malicious_repeat'] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

/** Why a unit asks to return a dispatch (退单). */
export const RETURN_REASONS = ['wrong_area', 'not_our_duty', 'unclear_ownership', 'other'] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];
/** 撤回/改派 by the centre (server/dispatch/use-cases/recall-reassign.ts): a wrong dispatch may be corrected after sign-for. */
export const RECALL_REASONS = ['wrong_dispatch', 'not_signed_in_time', 'merged_elsewhere', 'other'] as const;

/**
 * The classifier names appeal types and urgencies by their Chinese labels (classifier/src/rules);
 * these are the labels it may use for each code, so neither side has to guess from a UI dictionary.
 */
export const APPEAL_TYPE_LABELS: Record<AppealType, readonly string[]> = {
  consult: ['咨询'],
  help: ['求助'],
  complaint: ['投诉'],
  report: ['举报'],
  suggestion: ['建议'],
  praise: ['表扬', '感谢', '表扬/感谢'],
  other: ['其他'],
};
export const URGENCY_LABELS: Record<Urgency, readonly string[]> = { normal: ['一般'], urgent: ['紧急'], critical: ['特急'] };

function codeOf<C extends string>(codes: readonly C[], labels: Record<C, readonly string[]>, v: unknown): C | null {
  if (typeof v !== 'string' || !v) return null;
  if ((codes as readonly string[]).includes(v)) return v as C;
  return codes.find((c) => labels[c].includes(v)) ?? null;
}
/** 'complaint' or '投诉' → 'complaint'; anything else → null (never shown as a raw label). */
export const appealTypeOf = (v: unknown) => codeOf(APPEAL_TYPES, APPEAL_TYPE_LABELS, v);
/** 'critical' or '特急' → 'critical'; anything else → null. */
export const urgencyOf = (v: unknown) => codeOf(URGENCIES, URGENCY_LABELS, v);
