/**
 * Creating callback tasks (回访). Called inside the transaction that closes the ticket, so a
 * closed ticket never lacks the task its policy asks for; the unique (ticket, round, reason)
 * makes a replay a no-op.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Tx } from '../../platform/db/client';
import { callbacks, type CallbackReason } from '../tables';
import { getPolicy, type FeedbackPolicy } from '../policy';
import { leadDispatchSql } from '../../dispatch/lead-dispatch';
import { callbackDueAt } from '../../sla/callback-due';

/** Deterministic sampling: the same ticket round is in or out of the sample however often it is asked. */
export function inSample(ticketId: string, round: number, rate: number): boolean {
  if (rate >= 1) return true;
  if (rate <= 0) return false;
  const h = createHash('sha256').update(`${ticketId}:${round}`).digest().readUInt32BE(0);
  return h / 0x1_0000_0000 < rate;
}

export async function scheduleCallbackOnClose(tx: Tx, ticketId: string, at: Date): Promise<string | null> {
  const r = await tx.execute<{ round: number; unitId: string | null; late: boolean }>(sql`
    select t.current_round as round, l.unit_id as "unitId",
      coalesce(l.overdue_at is not null or (l.reply_due_at is not null and coalesce(l.replied_at, ${at}) > l.reply_due_at), false) as late
    from tickets t
    left join lateral ${sql.raw(leadDispatchSql('t.id', 't.current_round'))} l on true
    where t.id = ${ticketId}`);
  const row = r.rows[0];
  if (!row) return null;
  const policy = await getPolicy(tx);
  // domain.md §4: mandatory when the time limit expired; a configurable sample otherwise. A round after a
  // reopen (重办, rounds > 1 exist only then) is always called back: the citizen was not satisfied last time.
  const reason: CallbackReason | null = row.late ? 'overdue' : row.round > 1 ? 'reopened' : inSample(ticketId, row.round, policy.sampleRate) ? 'sample' : null;
  if (!reason) return null;
  // The time-limit policy's callbackLimit (sla/callback-due.ts); callbackDueHours only where no policy applies.
  const dueAt = await callbackDueAt(tx, ticketId, at, policy.callbackDueHours);
  return createCallbackTask(tx, { ticketId, round: row.round, unitId: row.unitId, reason, dueAt }, policy, at);
}

/**
 * When the CTI makes callback calls (policy callbackBy = cti) the task is due for dialling at
 * once; the dialer sweep (outbound-calls.ts) moves it into the dial window.
 */
export async function createCallbackTask(
  tx: Tx,
  t: { ticketId: string; round: number; unitId: string | null; reason: CallbackReason; dueAt: Date },
  policy?: FeedbackPolicy,
  at: Date = new Date(),
): Promise<string | null> {
  const p = policy ?? (await getPolicy(tx));
  const [row] = await tx
    .insert(callbacks)
    .values({ ...t, nextDialAt: p.callbackBy === 'cti' ? at : null })
    .onConflictDoNothing()
    .returning({ id: callbacks.id });
  return row?.id ?? null;
}
