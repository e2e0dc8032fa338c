import type { Tx } from '../platform/db/client';

export interface DispatchDeadlines {
  policy: Record<string, unknown> | null;
  signDueAt: Date | null;
  replyDueAt: Date | null;
  remindAt: Date | null;
  returnWindowEndsAt: Date | null;
  nextWakeAt: Date | null;
}

/** Deadlines for a dispatch made at `at`, from the policy in force and the holiday calendar. */
export async function deadlinesForDispatch(
  _tx: Tx,
  _key: { regionCode: string | null; appealType: string | null; urgency: string },
  _at: Date,
): Promise<DispatchDeadlines> {
  return { policy: null, signDueAt: null, replyDueAt: null, remindAt: null, returnWindowEndsAt: null, nextWakeAt: null };
}
