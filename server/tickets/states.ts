import type { Role } from '../identity/tables';
import type { TicketStatus } from './tables';

/**
 * The ticket lifecycle (spec domain.md §2) as data. assertTransition reads it, the console
 * reads it (GET /api/meta/transitions) to show only allowed buttons, and one test walks every row.
 */
export interface Transition {
  action: TicketAction;
  from: TicketStatus[];
  to: TicketStatus;
  roles: Role[];
  /** For unit clerks: which of the ticket's dispatches the clerk's unit must hold. */
  unitMustBe?: 'lead' | 'any';
  /** Other targets the use case may choose (a rejected return goes back to where it was). */
  alsoTo?: TicketStatus[];
}

export const TICKET_ACTIONS = [
  'answer-directly',
  'close-direct',
  'transfer-emergency',
  'decline',
  'merge',
  'submit',
  'dispatch',
  'sign',
  'start',
  'request-return',
  'approve-return',
  'reject-return',
  'request-extension',
  'approve-extension',
  'deny-extension',
  'reply',
  'accept-reply',
  'send-back',
  'reopen',
  'archive',
  'reassign',
  'recall',
] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];

const CENTRE: Role[] = ['agent', 'dispatcher', 'supervisor'];

export const TRANSITIONS: readonly Transition[] = [
  // 直办: a consultation answered at intake from the knowledge base.
  { action: 'answer-directly', from: ['received'], to: 'answered_directly', roles: ['agent', 'dispatcher'] },
  { action: 'close-direct', from: ['answered_directly'], to: 'closed', roles: CENTRE },
  // 110/119/120/122 at once (Beijing art. 11), not handled by 12345.
  { action: 'transfer-emergency', from: ['received', 'pending_dispatch'], to: 'transferred_emergency', roles: CENTRE },
  { action: 'decline', from: ['received'], to: 'declined', roles: ['agent', 'dispatcher', 'supervisor'] },
  // 并单: into another open ticket on the same matter; the caller gets that number.
  { action: 'merge', from: ['received', 'pending_dispatch'], to: 'merged', roles: ['agent', 'dispatcher', 'supervisor'] },
  { action: 'submit', from: ['received'], to: 'pending_dispatch', roles: ['agent', 'dispatcher'] },
  { action: 'dispatch', from: ['pending_dispatch', 'reopened'], to: 'dispatched', roles: ['dispatcher', 'agent', 'supervisor'] },
  // 签收 and handling belong to the unit the ticket went to.
  { action: 'sign', from: ['dispatched'], to: 'signed', roles: ['unit_clerk'], unitMustBe: 'any' },
  { action: 'start', from: ['signed'], to: 'in_progress', roles: ['unit_clerk'], unitMustBe: 'lead' },
  { action: 'request-return', from: ['dispatched', 'signed'], to: 'return_requested', roles: ['unit_clerk'], unitMustBe: 'lead' },
  { action: 'approve-return', from: ['return_requested'], to: 'dispatched', roles: ['dispatcher', 'supervisor'] },
  { action: 'reject-return', from: ['return_requested'], to: 'dispatched', alsoTo: ['signed'], roles: ['dispatcher', 'supervisor'] },
  // 改派 / 撤回 by the centre itself: before sign-for, or after a wrong dispatch (dispatch/use-cases/recall-reassign.ts).
  { action: 'reassign', from: ['dispatched', 'signed', 'in_progress'], to: 'dispatched', roles: ['dispatcher', 'supervisor'] },
  { action: 'recall', from: ['dispatched', 'signed', 'in_progress'], to: 'pending_dispatch', roles: ['dispatcher', 'supervisor'] },
  { action: 'request-extension', from: ['in_progress'], to: 'extension_requested', roles: ['unit_clerk'], unitMustBe: 'lead' },
  { action: 'approve-extension', from: ['extension_requested'], to: 'in_progress', roles: ['dispatcher', 'supervisor'] },
  { action: 'deny-extension', from: ['extension_requested'], to: 'in_progress', roles: ['dispatcher', 'supervisor'] },
  // Assisting units report to the lead; only the lead's reply moves the ticket.
  { action: 'reply', from: ['in_progress', 'signed'], to: 'replied', roles: ['unit_clerk'], unitMustBe: 'any' },
  { action: 'accept-reply', from: ['replied'], to: 'closed', roles: ['dispatcher', 'agent', 'supervisor'] },
  { action: 'send-back', from: ['replied'], to: 'in_progress', roles: ['dispatcher', 'supervisor'] },
  // 重办 after an unsolved or dissatisfied callback, also once the ticket is archived (the callback may answer late).
  { action: 'reopen', from: ['closed', 'archived'], to: 'reopened', roles: ['dispatcher', 'supervisor'] },
  {
    action: 'archive',
    from: ['closed', 'answered_directly', 'transferred_emergency', 'declined', 'merged'],
    to: 'archived',
    roles: ['dispatcher', 'supervisor', 'admin'],
  },
];

const BY_ACTION = new Map(TRANSITIONS.map((t) => [t.action, t]));

export function transitionFor(action: string): Transition | undefined {
  return BY_ACTION.get(action as TicketAction);
}

/** Statuses a ticket can still be worked in: the ones a duplicate may be merged into. */
export const OPEN_STATUSES: TicketStatus[] = [
  'received',
  'pending_dispatch',
  'dispatched',
  'signed',
  'in_progress',
  'return_requested',
  'extension_requested',
  'replied',
  'reopened',
];
