// Callbacks (回访), ratings (好差评) and rectification (差评整改): server/callbacks and server/reviews.
// Kept apart from api/endpoints.ts so this area's shapes live next to the screens that read them.
import { get, post, put, query } from '../api/client';
import type { Role } from '../api/types';

export type CallbackResult = 'solved' | 'partly' | 'unsolved';
export type CallbackStatus = 'pending' | 'done' | 'unreachable' | 'cancelled' | 'superseded';

export interface CallbackTask {
  id: string;
  ticketId: string;
  ticketNumber: string;
  round: number;
  reason: 'overdue' | 'sample' | 'bad_review' | 'merged' | 'reopened';
  status: CallbackStatus;
  dueAt: string;
  overdue: boolean;
  attempts: number;
  unit: { id: string; name: string } | null;
  result: CallbackResult | null;
  score: number | null;
  decision: 'reopened' | 'closed' | null;
  decisionReason: string | null;
  doneAt: string | null;
}

export interface CallbackDetail extends CallbackTask {
  caller: { phone: string | null; phoneMasked: string | null };
  script: string;
  form: { results: CallbackResult[]; scores: number[] };
}

/** server/callbacks/policy.ts FeedbackPolicy: the centre's callback and rectification rules (domain.md §4). */
export interface FeedbackPolicy {
  sampleRate: number;
  callbackDueHours: number;
  badReviewCallbackDueHours: number;
  onDissatisfied: 'reopen' | 'agent_decides';
  partlyIsDissatisfied: boolean;
  maxAttempts: number;
  rectificationWorkingDays: number;
  callbackBy: 'agent' | 'cti';
  dialRetryHours: number;
  dialStartHour: number;
  dialEndHour: number;
}

export interface OutcomeBody {
  reached: boolean;
  result?: CallbackResult;
  score?: number;
  note?: string;
  decision?: 'reopen' | 'close';
  decisionReason?: string;
}

export type RectStatus = 'verifying' | 'rectifying' | 'contested' | 'reported' | 'escalated' | 'closed';
export type RectAction = 'verify' | 'dismiss' | 'report' | 'contest' | 'uphold-contest' | 'reject-contest' | 'confirm' | 'resolve-escalation';

export interface RectTransition {
  from: RectStatus[];
  to: RectStatus;
  roles: Role[];
  ownUnit?: boolean;
  event: string;
}
export type RectTransitions = Partial<Record<RectAction, RectTransition>>;

export interface Rectification {
  id: string;
  ticketId: string;
  ticketNumber: string | null;
  ticketTitle: string | null;
  score: number | null;
  comment: string | null;
  unitId: string | null;
  unitName: string | null;
  status: RectStatus;
  /** 1 for the first fix; a citizen still unsatisfied after a report starts the next round. */
  round?: number;
  dueAt: string | null;
  overdue: boolean;
  verifyNote: string | null;
  reportText: string | null;
  contestReason: string | null;
  outcome: 'rectified' | 'citizen_unsatisfied' | 'not_substantiated' | 'excluded' | null;
  outcomeNote: string | null;
  closedAt: string | null;
  createdAt: string;
}

export interface RatingReceipt {
  id: string;
  score: number;
  label: string;
  bad: boolean;
  duplicate: boolean;
  /** A callback task is open for this round: only then is the citizen told we will call. */
  callbackPending?: boolean;
}

export type RatingProof = { trackToken: string } | { phone: string; code: string };

export interface PublicReview {
  /** Opaque and stable; never the ticket number. */
  id: string;
  score: number;
  label: string;
  bad: boolean;
  excluded: boolean;
  appealType: string | null;
  place: string | null;
  citizenPhone: string | null;
  comment: string | null;
  ratedAt: string;
  rectification: { status: RectStatus; outcome: Rectification['outcome']; overdue: boolean; closedAt: string | null; report: string | null } | null;
}

export interface PublicReviewPage {
  unit: { id: string; name: string | null };
  month: string;
  summary: { ratings: number; counted: number; excluded: number; bad: number; satisfactionRate: number | null; rectified: number };
  reviews: PublicReview[];
}

export const feedbackApi = {
  callbacks: (status: CallbackStatus = 'pending') => get<CallbackTask[]>(`/api/callbacks${query({ status })}`),
  callback: (id: string) => get<CallbackDetail>(`/api/callbacks/${encodeURIComponent(id)}`),
  policy: () => get<FeedbackPolicy>('/api/callbacks/policy'),
  savePolicy: (p: Partial<FeedbackPolicy>) => put<FeedbackPolicy>('/api/callbacks/policy', p),
  recordOutcome: (id: string, body: OutcomeBody) => post<CallbackTask>(`/api/callbacks/${encodeURIComponent(id)}/outcome`, body),
  transitions: () => get<RectTransitions>('/api/meta/rectification-transitions'),
  rectifications: (status?: RectStatus) => get<Rectification[]>(`/api/rectifications${query({ status })}`),
  actOnRectification: (id: string, action: RectAction, body: Record<string, unknown>) =>
    post<Rectification>(`/api/rectifications/${encodeURIComponent(id)}/actions/${action}`, body),
  rate: (body: { number: string; score: number; comment?: string } & RatingProof) => post<RatingReceipt>('/api/public/ratings', body),
  rateByCallback: (body: { callbackId: string; token: string; result: CallbackResult; score: number; comment?: string }) =>
    post<RatingReceipt>('/api/public/ratings', body),
  reviewUnits: () => get<{ id: string; name: string }[]>('/api/public/review-units'),
  publicReviews: (unitId: string, month: string) => get<PublicReviewPage>(`/api/public/reviews${query({ unitId, month })}`),
};
