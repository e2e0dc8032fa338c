// Pure rules behind the feedback screens, kept out of components so tests can hold them.
import type { Role } from '../api/types';
import type { CallbackResult, CallbackTask, FeedbackPolicy, OutcomeBody, RectAction, RectStatus, RectTransitions } from './api';

/** The national 5 levels (domain.md §4), best first as they are read to the citizen. */
export const SCORES = [5, 4, 3, 2, 1] as const;
export const RESULTS: CallbackResult[] = ['solved', 'partly', 'unsolved'];
export const isBadScore = (score: number) => score <= 2;

/**
 * The actions this role may take on a case in this state, in the server's order. The table comes
 * from GET /api/meta/rectification-transitions, so a city that changes the flow changes the buttons.
 * (A clerk's own-unit check is the server's: it only lists the clerk's cases.)
 */
export function allowedRectificationActions(transitions: RectTransitions | undefined, role: Role | undefined, status: RectStatus): RectAction[] {
  if (!transitions || !role) return [];
  return (Object.entries(transitions) as [RectAction, NonNullable<RectTransitions[RectAction]>][])
    .filter(([, t]) => t.from.includes(status) && t.roles.includes(role))
    .map(([a]) => a);
}

/** The states a role has anything to do in, for the list's default tab. */
export function statusesWithWork(transitions: RectTransitions | undefined, role: Role | undefined): RectStatus[] {
  if (!transitions || !role) return [];
  const out = new Set<RectStatus>();
  for (const t of Object.values(transitions)) if (t && t.roles.includes(role)) t.from.forEach((s) => out.add(s));
  return [...out];
}

export type FieldKind = 'text' | 'satisfied';
/** The body each action needs (server/reviews/use-cases/rectification.ts RECTIFICATION_INPUTS). */
export const RECT_FIELDS: Record<RectAction, { name: string; kind: FieldKind; required: boolean }[]> = {
  verify: [{ name: 'note', kind: 'text', required: true }],
  dismiss: [{ name: 'note', kind: 'text', required: true }],
  report: [{ name: 'text', kind: 'text', required: true }],
  contest: [{ name: 'reason', kind: 'text', required: true }],
  'uphold-contest': [{ name: 'note', kind: 'text', required: true }],
  'reject-contest': [{ name: 'note', kind: 'text', required: true }],
  confirm: [
    { name: 'citizenSatisfied', kind: 'satisfied', required: true },
    { name: 'note', kind: 'text', required: false },
  ],
  'resolve-escalation': [{ name: 'note', kind: 'text', required: true }],
};

/** Trimmed body for the action, or the names of the missing fields. */
export function rectificationBody(action: RectAction, values: Record<string, unknown>): { body: Record<string, unknown> } | { missing: string[] } {
  const body: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const f of RECT_FIELDS[action]) {
    const raw = values[f.name];
    const v = typeof raw === 'string' ? raw.trim() : raw;
    if (v === undefined || v === null || v === '') {
      if (f.required) missing.push(f.name);
      continue;
    }
    body[f.name] = v;
  }
  return missing.length ? { missing } : { body };
}

/** The outcome form holds what the server's body holds (record-callback.ts); validation turns one into the other. */
export type OutcomeForm = OutcomeBody;

/** Whether the server will treat this answer as dissatisfied (record-callback.ts, same rule). */
export function isDissatisfied(f: Pick<OutcomeForm, 'result' | 'score'>, policy: Pick<FeedbackPolicy, 'partlyIsDissatisfied'> | undefined): boolean {
  if (f.result === 'unsolved') return true;
  if (f.result === 'partly' && policy?.partlyIsDissatisfied) return true;
  return f.score !== undefined && f.score <= 2;
}

/** The agent chooses reopen / close only when the centre's policy leaves it to them. */
export const needsDecision = (f: OutcomeForm, policy: FeedbackPolicy | undefined) =>
  f.reached && policy?.onDissatisfied === 'agent_decides' && isDissatisfied(f, policy);

/** The outcome form's values as the server's body, or the i18n key of what is missing. */
export function outcomeBody(f: OutcomeForm, policy: FeedbackPolicy | undefined): { body: OutcomeBody } | { error: string } {
  const note = f.note?.trim() || undefined;
  if (!f.reached) return { body: { reached: false, ...(note ? { note } : {}) } };
  if (!f.result) return { error: 'feedback.cb.needResult' };
  if (!f.score) return { error: 'feedback.cb.needScore' };
  const body: OutcomeBody = { reached: true, result: f.result, score: f.score, ...(note ? { note } : {}) };
  if (needsDecision(f, policy)) {
    if (!f.decision) return { error: 'feedback.cb.needDecision' };
    const reason = f.decisionReason?.trim();
    if (f.decision === 'close' && !reason) return { error: 'feedback.cb.needReason' };
    body.decision = f.decision;
    if (reason) body.decisionReason = reason;
  }
  return { body };
}

/** What the server did with the answer, as an i18n key and its variables, shown after saving. */
export function outcomeSummary(cb: Pick<CallbackTask, 'status' | 'decision' | 'decisionReason' | 'attempts'>): {
  key: string;
  vars?: Record<string, string | number>;
} {
  if (cb.status === 'pending') return { key: 'feedback.cb.next.retry', vars: { n: cb.attempts } };
  if (cb.status === 'unreachable') return { key: 'feedback.cb.next.unreachable', vars: { n: cb.attempts } };
  if (cb.status === 'superseded') return { key: 'feedback.cb.next.superseded' };
  if (cb.decision === 'reopened') return { key: 'feedback.cb.next.reopened' };
  if (cb.decision === 'closed') return { key: 'feedback.cb.next.closedWithReason', vars: { reason: cb.decisionReason ?? '' } };
  return { key: 'feedback.cb.next.closed' };
}

/**
 * Keys in the outcome form (outside text boxes): 1–5 the rating itself (5 = 非常满意), s / p / u the
 * result, 0 no answer. Returns the change to apply, or null for other keys.
 */
export function outcomeKey(key: string): Partial<OutcomeForm> | null {
  if (/^[1-5]$/.test(key)) return { reached: true, score: Number(key) };
  if (key === '0') return { reached: false };
  const result = ({ s: 'solved', p: 'partly', u: 'unsolved' } as const)[key.toLowerCase() as 's' | 'p' | 'u'];
  return result ? { reached: true, result } : null;
}

/** The month a public page opens on: this month in China time, whatever the device's zone. */
export function chinaMonth(now: number): string {
  return new Date(now + 8 * 3600_000).toISOString().slice(0, 7);
}

/** Last `n` months, newest first, for the month picker. */
export function recentMonths(now: number, n = 12): string[] {
  const [y, m] = chinaMonth(now).split('-').map(Number);
  return Array.from({ length: n }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 1 - i, 1));
    return d.toISOString().slice(0, 7);
  });
}

export interface RatingValues {
  score?: number;
  comment?: string;
  phone?: string;
  code?: string;
}

/**
 * The citizen's rating body. With the tracking token the citizen already proved the ticket is
 * theirs; without it (tracked by SMS code, which is used up) they verify the phone again.
 * Errors are per field, as i18n keys.
 */
export function ratingBody(
  number: string,
  v: RatingValues,
  trackToken: string | null,
):
  | {
      body:
        | { number: string; score: number; comment?: string; trackToken: string }
        | { number: string; score: number; comment?: string; phone: string; code: string };
    }
  | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (!v.score || !SCORES.includes(v.score as 5)) errors.score = 'feedback.rate.needScore';
  const comment = v.comment?.trim() || undefined;
  if (comment && comment.length > 500) errors.comment = 'v.tooLong';
  const phone = v.phone?.trim() ?? '';
  const code = v.code?.trim() ?? '';
  if (!trackToken) {
    if (!/^1\d{10}$/.test(phone)) errors.phone = 'v.mobile';
    if (!/^\d{6}$/.test(code)) errors.code = 'v.code';
  }
  if (Object.keys(errors).length) return { errors };
  const base = { number, score: v.score!, ...(comment ? { comment } : {}) };
  return { body: trackToken ? { ...base, trackToken } : { ...base, phone, code } };
}

export interface CallbackLinkValues {
  result?: CallbackResult;
  score?: number;
  comment?: string;
}

/** The callback link's answer: solved or not and the 5 levels are both required (domain.md §4). */
export function callbackLinkBody(
  callbackId: string,
  token: string,
  v: CallbackLinkValues,
): { body: { callbackId: string; token: string; result: CallbackResult; score: number; comment?: string } } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (!v.result || !RESULTS.includes(v.result)) errors.result = 'feedback.link.needResult';
  if (!v.score || !SCORES.includes(v.score as 5)) errors.score = 'feedback.rate.needScore';
  const comment = v.comment?.trim() || undefined;
  if (comment && comment.length > 500) errors.comment = 'v.tooLong';
  if (Object.keys(errors).length) return { errors };
  return { body: { callbackId, token, result: v.result!, score: v.score!, ...(comment ? { comment } : {}) } };
}
