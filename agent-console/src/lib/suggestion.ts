import type { Suggestion, TicketDetail } from '../api/types';
import { appealTypeOf, urgencyOf } from '../../../contract/enums';

/**
 * The classifier's JSON as the console shows it. The shipped model answers with category *names*
 * and Chinese type/urgency labels (classifier/); older or other models may send codes and English
 * names. Both are read here so the rest of the console sees one shape.
 */
export interface SuggestionView {
  categoryCode: string | null;
  categoryName: string | null;
  confidence: number | null;
  alternatives: { code: string | null; name: string | null; confidence: number | null }[];
  reasons: string[];
  type: string | null;
  urgency: string | null;
  emergencyLine: string | null;
  modelVersion: string | null;
}

/** Category codes are short ASCII ids ('01', '0102'); anything else is a name. */
const looksLikeCode = (s: string) => /^[0-9A-Za-z_.-]{1,32}$/.test(s);

function category(v: unknown): { code: string | null; name: string | null; confidence: number | null } | null {
  if (typeof v === 'string') return looksLikeCode(v) ? { code: v, name: null, confidence: null } : { code: null, name: v, confidence: null };
  if (v && typeof v === 'object') {
    const o = v as { code?: unknown; name?: unknown; category?: unknown; confidence?: unknown };
    const inner = typeof o.category === 'string' ? category(o.category) : null;
    const code = typeof o.code === 'string' ? o.code : (inner?.code ?? null);
    const name = typeof o.name === 'string' ? o.name : (inner?.name ?? null);
    if (!code && !name) return null;
    return { code, name, confidence: typeof o.confidence === 'number' ? o.confidence : null };
  }
  return null;
}

/**
 * 'complaint' stays 'complaint'; '投诉' becomes 'complaint' by the labels the classifier uses for each
 * code (contract/enums.ts), so the UI dictionary is never read backwards. Unknown labels are dropped.
 */
export function enumValue(label: unknown, prefix: 'type.' | 'urgency.'): string | null {
  return prefix === 'type.' ? appealTypeOf(label) : urgencyOf(label);
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
    type: enumValue(s.type, 'type.'),
    urgency: enumValue(s.urgency, 'urgency.'),
    emergencyLine: emergencyLine(s.emergency),
    modelVersion: s.modelVersion ?? null,
  };
}

/**
 * Values for confirming a classification: what the agent already chose wins, the suggestion fills the rest.
 * `codeForName` turns a suggested category name into its code (the tree is the authority); without a
 * match the category is left out rather than sent as a name the server would reject.
 */
export function classificationDefaults(
  ticket: Pick<TicketDetail, 'categoryCode' | 'appealType' | 'urgency' | 'suggestion'>,
  codeForName: (name: string) => string | undefined = () => undefined,
) {
  const s = viewSuggestion(ticket.suggestion);
  const suggested = s?.categoryCode ?? (s?.categoryName ? codeForName(s.categoryName) : undefined);
  return {
    categoryCode: ticket.categoryCode ?? suggested ?? undefined,
    appealType: ticket.appealType ?? s?.type ?? undefined,
    urgency: ticket.urgency ?? s?.urgency ?? undefined,
  };
}
