// Shapes from docs/API.md (v1). Kept as plain types: the server validates, the console only reads.
export type Role = 'agent' | 'dispatcher' | 'supervisor' | 'unit_clerk' | 'admin';
export type Presence = 'available' | 'busy' | 'after_call' | 'away';

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  unitId: string | null;
  unitName: string | null;
  /** ok; mfa_pending (TOTP code due after the password); mfa_enrol (the role must enrol first). */
  mfa?: { state: 'ok' | 'mfa_pending' | 'mfa_enrol'; enabled: boolean };
}

export interface StaffSession {
  id: string;
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  userAgent: string | null;
  current?: boolean;
}

export interface Flags {
  overdue: boolean;
  reminded: boolean;
  supervised: boolean;
  escalated: boolean;
}

export interface TicketSummary {
  id: string;
  number: string;
  status: string;
  channel: string;
  title: string | null;
  appealType: string | null;
  urgency: string | null;
  /** The emergency line ('110'|'119'|'120'|'122') when flagged, else null. */
  emergency: string | boolean | null;
  categoryCode: string | null;
  categoryName: string | null;
  regionCode: string | null;
  createdAt: string;
  updatedAt: string;
  flags: Flags;
  leadUnit: { id: string; name: string } | null;
  replyDueAt: string | null;
  /** Not in docs/API.md v1's summary, but the server sends it; the unit inbox shows it when present. */
  signDueAt?: string | null;
  caller: { name: string | null; phone: string | null };
}

export interface Dispatch {
  id: string;
  unitId: string;
  unitName: string;
  role: 'lead' | 'assisting';
  round: number;
  status: string;
  signDueAt: string | null;
  replyDueAt: string | null;
  signedAt: string | null;
  repliedAt: string | null;
  replyText: string | null;
  /** Counted Monday–Friday: next year's holiday notice is not loaded yet; recomputed when it is. */
  deadlinesProvisional?: boolean;
}

export interface TimelineEntry {
  seq: number;
  type: string;
  at: string;
  actorName: string | null;
  actorRole: string | null;
  fromStatus: string | null;
  toStatus: string | null;
  reason: string | null;
  data: unknown;
}

/** The classifier's output is stored as JSON; fields are read defensively (see suggestion.ts). */
export interface Suggestion {
  category: unknown;
  confidence: number | null;
  alternatives: unknown;
  reasons: unknown;
  type: string | null;
  urgency: string | null;
  emergency: unknown;
  modelVersion: string | null;
}

export interface TicketDetail extends TicketSummary {
  content: string;
  address: string | null;
  suggestion: Suggestion | null;
  dispatches: Dispatch[];
  timeline: TimelineEntry[];
  allowedActions: string[];
  replyText: string | null;
  version: number;
}

export interface Page {
  total: number;
  page: number;
  pageSize: number;
}

export interface Unit {
  id: string;
  code: string;
  name: string;
  kind: string;
  parentId: string | null;
  regionCode: string | null;
}

/** GET /api/tickets/:id/dispatch-proposal (server extension beyond docs/API.md v1): the catalogue's pick. */
export interface DispatchProposal {
  reason: 'rule' | 'ancestor_rule' | 'district_fallback' | 'city_fallback' | string;
  leadUnit: Unit;
  assistingUnits: Unit[];
  /** 抄送: told, not dispatched. */
  copyUnits?: Unit[];
  notes?: string[];
}

export interface Category {
  code: string;
  name: string;
  parentCode: string | null;
  level: number;
}

export interface PublicTicket {
  number: string;
  status: string;
  statusLabel: string;
  createdAt: string;
  title: string | null;
  content: string;
  replyText: string | null;
  /** Why the centre declined it (the regulation's words for the reason code); null otherwise. */
  declineReason?: { code: string; text: string } | null;
  timeline: { at: string; label: string }[];
}
