import type { Suggestion, TicketDetail } from '../api/types';

/** The classifier's JSON as the console shows it; tolerant of string or {code,name} categories. */
export interface SuggestionView {
  categoryCode: string | null;
  categoryName: string | null;
  confidence: number | null;
  alternatives: { code: string; name: string | null; confidence: number | null }[];
  reasons: string[];
  type: string | null;
  urgency: string | null;
  emergencyLine: string | null;
  modelVersion: string | null;
}

function category(v: unknown): { code: string; name: string | null; confidence: number | null } | null {
  if (typeof v === 'string') return { code: v, name: null, confidence: null };
  if (v && typeof v === 'object' && 'code' in v) {
    const o = v as { code: unknown; name?: unknown; confidence?: unknown };
    return {
      code: String(o.code),
      name: typeof o.name === 'string' ? o.name : null,
      confidence: typeof o.confidence === 'number' ? o.confidence : null,
    };
  }
  return null;
}

/** emergency may be `true`, a line ('110'), or {line}; a bare true means "ask 110" as the safe default. */
export function emergencyLine(v: unknown): string | null {
  if (!v) return null;
  if (v === true) return '110';
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v && 'line' in v) return String((v as { line: unknown }).line);
  return '110';
}

export function viewSuggestion(s: Suggestion | null | undefined): SuggestionView | null {
  if (!s) return null;
  const c = category(s.category);
  const alternatives = Array.isArray(s.alternatives) ? s.alternatives.map(category).filter((x) => x !== null) : [];
  const reasons = Array.isArray(s.reasons) ? s.reasons.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))) : [];
  return {
    categoryCode: c?.code ?? null,
    categoryName: c?.name ?? null,
    confidence: typeof s.confidence === 'number' ? s.confidence : null,
    alternatives,
    reasons,
    type: s.type ?? null,
    urgency: s.urgency ?? null,
    emergencyLine: emergencyLine(s.emergency),
    modelVersion: s.modelVersion ?? null,
  };
}

/** Values for confirming a classification: what the agent already chose wins, the suggestion fills the rest. */
export function classificationDefaults(ticket: Pick<TicketDetail, 'categoryCode' | 'appealType' | 'urgency' | 'suggestion'>) {
  const s = viewSuggestion(ticket.suggestion);
  return {
    categoryCode: ticket.categoryCode ?? s?.categoryCode ?? undefined,
    appealType: ticket.appealType ?? s?.type ?? undefined,
    urgency: ticket.urgency ?? s?.urgency ?? undefined,
  };
}
