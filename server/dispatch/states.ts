import { problem } from '../platform/http/problems';

/**
 * One unit's dispatch (per-unit share of a ticket) as a state machine, like the ticket's
 * (tickets/states.ts). Every use case that moves a dispatch checks the edge here, so a dispatch
 * can never go from `returned` back to `signed`, and one test walks the table.
 */
export const DISPATCH_STATUSES = [
  'dispatched',
  'signed',
  'in_progress',
  'return_requested',
  'returned',
  'extension_requested',
  'replied',
  'closed',
  'cancelled',
  // 撤回: the centre took the ticket back from this unit (wrong dispatch, or before sign-for) to send it elsewhere.
  'recalled',
] as const;
export type DispatchStatus = (typeof DISPATCH_STATUSES)[number];

/** Statuses in which the unit still owes something (a clock may run). */
export const OPEN_DISPATCH_STATUSES: DispatchStatus[] = ['dispatched', 'signed', 'in_progress', 'return_requested', 'extension_requested'];

/** Statuses of a dispatch that no longer stands for its unit: the ticket went elsewhere. */
export const SUPERSEDED_DISPATCH_STATUSES: DispatchStatus[] = ['returned', 'recalled', 'cancelled'];

export const DISPATCH_TRANSITIONS: Readonly<Record<DispatchStatus, readonly DispatchStatus[]>> = {
  dispatched: ['signed', 'return_requested', 'recalled', 'closed', 'cancelled'],
  signed: ['in_progress', 'return_requested', 'replied', 'recalled', 'closed', 'cancelled'],
  in_progress: ['extension_requested', 'replied', 'recalled', 'closed', 'cancelled'],
  // The centre approves (returned, the ticket goes elsewhere) or rejects (back to where it was).
  return_requested: ['returned', 'dispatched', 'signed', 'closed', 'cancelled'],
  extension_requested: ['in_progress', 'closed', 'cancelled'],
  // Sent back by the centre's review, or the round ends.
  replied: ['in_progress', 'closed'],
  returned: [],
  recalled: [],
  closed: [],
  cancelled: [],
};

export function canMoveDispatch(from: DispatchStatus, to: DispatchStatus): boolean {
  return DISPATCH_TRANSITIONS[from]?.includes(to) ?? false;
}

/** Throws 409 TICKET_STATE_CONFLICT unless the dispatch may move from its status to `to`. */
export function assertDispatchMove(d: { status: DispatchStatus }, to: DispatchStatus): void {
  if (!canMoveDispatch(d.status, to)) throw problem('TICKET_STATE_CONFLICT', `dispatch ${d.status} → ${to} is not allowed`, { from: d.status });
}
