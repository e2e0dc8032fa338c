import {
  ActionBodies,
  APPEAL_TYPES,
  DECLINE_REASONS,
  EMERGENCY_LINES,
  RECALL_REASONS,
  REPLY_OUTCOMES,
  RETURN_REASONS,
  URGENCIES,
  type ActionName,
} from '../api/schemas';

export type FieldKind = 'textarea' | 'text' | 'select' | 'unit' | 'units' | 'date' | 'category' | 'files' | 'yesno' | 'datetime';

export interface FieldSpec {
  name: string;
  kind: FieldKind;
  /** For selects: values, each shown via `${labelPrefix}${value}`. */
  options?: readonly string[];
  labelPrefix?: string;
  /** Shown only while another field has this value (the contact time, once "contacted: yes"). */
  showIf?: { field: string; equals: unknown };
}

export interface ActionSpec {
  action: ActionName;
  fields: FieldSpec[];
  tone: 'primary' | 'default' | 'danger';
  /** Draft key suffix: long texts (replies, answers) survive a lost connection. */
  draft?: boolean;
}

const note: FieldSpec = { name: 'note', kind: 'textarea' };

// Display order: the step that moves the ticket forward first, then side exits, then destructive ones.
const SPECS: ActionSpec[] = [
  {
    // Confirm or correct the classification; corrections become training rows server-side.
    action: 'submit',
    fields: [
      { name: 'categoryCode', kind: 'category' },
      { name: 'appealType', kind: 'select', options: APPEAL_TYPES, labelPrefix: 'type.' },
      { name: 'urgency', kind: 'select', options: URGENCIES, labelPrefix: 'urgency.' },
    ],
    tone: 'primary',
  },
  {
    action: 'dispatch',
    fields: [{ name: 'leadUnitId', kind: 'unit' }, { name: 'assistingUnitIds', kind: 'units' }, { name: 'copyUnitIds', kind: 'units' }, note],
    tone: 'primary',
  },
  { action: 'sign', fields: [], tone: 'primary' },
  { action: 'start', fields: [], tone: 'primary' },
  {
    action: 'reply',
    fields: [
      { name: 'text', kind: 'textarea' },
      { name: 'outcome', kind: 'select', options: REPLY_OUTCOMES, labelPrefix: 'outcome.' },
      { name: 'citizenContacted', kind: 'yesno' },
      { name: 'contactedAt', kind: 'datetime', showIf: { field: 'citizenContacted', equals: true } },
      { name: 'attachments', kind: 'files' },
      { name: 'earlyReplyReason', kind: 'textarea' },
    ],
    tone: 'primary',
    draft: true,
  },
  { action: 'accept-reply', fields: [note], tone: 'primary' },
  { action: 'approve-return', fields: [{ name: 'leadUnitId', kind: 'unit' }, note], tone: 'primary' },
  { action: 'approve-extension', fields: [note], tone: 'primary' },
  { action: 'answer-directly', fields: [{ name: 'answer', kind: 'textarea' }], tone: 'default', draft: true },
  { action: 'merge', fields: [{ name: 'intoTicketNumber', kind: 'text' }], tone: 'default' },
  {
    action: 'request-extension',
    fields: [
      { name: 'newDueDate', kind: 'date' },
      { name: 'reason', kind: 'textarea' },
    ],
    tone: 'default',
  },
  { action: 'send-back', fields: [note], tone: 'default' },
  { action: 'reject-return', fields: [note], tone: 'default' },
  { action: 'deny-extension', fields: [note], tone: 'default' },
  {
    action: 'reassign',
    fields: [{ name: 'leadUnitId', kind: 'unit' }, { name: 'reasonCode', kind: 'select', options: RECALL_REASONS, labelPrefix: 'recall.' }, note],
    tone: 'default',
  },
  { action: 'recall', fields: [{ name: 'reasonCode', kind: 'select', options: RECALL_REASONS, labelPrefix: 'recall.' }, note], tone: 'danger' },
  { action: 'reopen', fields: [{ name: 'reason', kind: 'textarea' }], tone: 'default' },
  { action: 'archive', fields: [], tone: 'default' },
  { action: 'request-return', fields: [{ name: 'reasonCode', kind: 'select', options: RETURN_REASONS, labelPrefix: 'reason.' }, note], tone: 'danger' },
  { action: 'decline', fields: [{ name: 'reasonCode', kind: 'select', options: DECLINE_REASONS, labelPrefix: 'reason.' }, note], tone: 'danger' },
  { action: 'transfer-emergency', fields: [{ name: 'line', kind: 'select', options: EMERGENCY_LINES, labelPrefix: 'line.' }, note], tone: 'danger' },
];

const byName = new Map(SPECS.map((s) => [s.action, s]));

/**
 * The server's allowedActions (already filtered by role, unit and state) → the buttons to show, in our order.
 * Actions this console does not know are skipped rather than guessed at.
 */
export function actionsFor(allowed: readonly string[]): ActionSpec[] {
  const set = new Set(allowed);
  return SPECS.filter((s) => set.has(s.action));
}

export const specOf = (action: string): ActionSpec | undefined => byName.get(action as ActionName);

/** Validates a modal's values against the action's body schema; drops empty optionals. */
export function parseActionBody(action: ActionName, values: Record<string, unknown>) {
  return ActionBodies[action].safeParse(values);
}
