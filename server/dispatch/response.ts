/**
 * 响应 (domain.md §5, response rate): a lead dispatch is answered in time when the unit signed for
 * it by the sign-for limit and reached the citizen (先联系后办理) within the same span after
 * signing — or, before signing, asked to return it within the sign-for limit ("not ours" is an
 * answer too). The first answer is stamped on the dispatch (`respondedAt`), so a dispatch counts
 * once however often it is called or returned, and a withdrawal (撤回 / 改派) before any answer
 * takes it out of the denominator (`recalled`).
 */
import { eq } from 'drizzle-orm';
import type { Tx } from '../platform/db/client';
import { dispatches } from './tables';

type DispatchTimes = { dispatchedAt: Date; signDueAt: Date | null; signedAt: Date | null };

/** Whether an answer at `at` falls within the response limit of the dispatch. */
export function answeredInTime(d: DispatchTimes, at: Date): boolean {
  if (!d.signedAt) return !d.signDueAt || at <= d.signDueAt;
  if (d.signDueAt && d.signedAt > d.signDueAt) return false;
  const span = d.signDueAt ? d.signDueAt.getTime() - d.dispatchedAt.getTime() : null;
  return span === null || at.getTime() - d.signedAt.getTime() <= span;
}

/**
 * Stamps the unit's first answer on a locked dispatch. Returns whether it moves the response-rate
 * numerator: the lead's first answer, in time.
 */
export async function markResponded(tx: Tx, d: DispatchTimes & { id: string; role: string; respondedAt: Date | null }, at: Date): Promise<boolean> {
  if (d.respondedAt) return false;
  await tx.update(dispatches).set({ respondedAt: at, updatedAt: at }).where(eq(dispatches.id, d.id));
  return d.role === 'lead' && answeredInTime(d, at);
}
