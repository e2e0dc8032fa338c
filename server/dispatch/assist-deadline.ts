/**
 * 协办: an assisting unit reports to the lead unit (first-receiver responsibility, domain.md §2),
 * so its clock is its own — the policy's `assistReplyLimit` from dispatch — not the lead's reply
 * deadline. The spec names no number; without one in the policy it is 3 working days (the
 * Shanghai street rules' supervision/re-check step), and never later than the lead's own deadline,
 * since the lead cannot answer before its helpers report. Reminder and overdue follow that clock;
 * supervision (督办) stays with the lead's deadline.
 */
import { holidays } from './tables';
import type { Tx } from '../platform/db/client';
import { centreCalendar } from '../sla/centre-calendar';
import { deadlineOptions, type SlaPolicy } from '../sla/policy';
import { nextWakeAt, type StoredDispatchDeadlines } from '../sla/dispatch-deadlines';
import type { HolidayRow } from '../sla/holiday-rows';
import type { TimeLimit } from '../sla/calendar';

export const DEFAULT_ASSIST_REPLY_LIMIT: TimeLimit = { unit: 'working_days', value: 3 };

export async function assistDeadlines(tx: Tx, lead: StoredDispatchDeadlines, at: Date) {
  const policy = lead.policy as unknown as SlaPolicy;
  const limit = policy.assistReplyLimit ?? DEFAULT_ASSIST_REPLY_LIMIT;
  const rows = await tx.select({ date: holidays.date, kind: holidays.kind, name: holidays.name }).from(holidays);
  const calendar = centreCalendar(rows as HolidayRow[]);
  const own = calendar.computeDeadline(at, limit, deadlineOptions(policy));
  const replyDueAt = own.getTime() < lead.replyDueAt.getTime() ? own : lead.replyDueAt;
  const mode = limit.unit === 'working_days' ? 'working' : 'wall';
  const remindAt = calendar.instantAtShare(at, replyDueAt, policy.reminderShare, mode);
  const clock = { remindAt, replyDueAt, supervisionDueAt: null, remindedAt: null, overdueAt: null, supervisedAt: null, repliedAt: null };
  return { replyDueAt, remindAt, supervisionDueAt: null, nextWakeAt: nextWakeAt(clock), policy: { ...lead.policy, assistReplyLimit: limit } };
}
