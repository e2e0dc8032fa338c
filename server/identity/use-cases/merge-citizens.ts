import { and, eq, or } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../platform/context';
import { problem } from '../../platform/http/problems';
import { citizenContacts, citizenMergeCandidates } from '../tables';
import { tickets } from '../../tickets/tables';
import { writeAudit } from '../../platform/events/audit';

export const DecideMergeInput = z.strictObject({ decision: z.enum(['merge', 'reject']) });

/**
 * An agent's decision on a merge candidate. Merging moves the other record's contact points and
 * tickets to the kept citizen, so their history reads as one; the other record stays (empty) for
 * the audit trail. One transaction with its audit row.
 */
export async function decideCitizenMerge(ctx: Ctx, candidateId: string, input: z.infer<typeof DecideMergeInput>) {
  return ctx.db.transaction(async (tx) => {
    const [c] = await tx.select().from(citizenMergeCandidates).where(eq(citizenMergeCandidates.id, candidateId)).for('update');
    if (!c) throw problem('NOT_FOUND');
    if (c.status !== 'open') throw problem('TICKET_STATE_CONFLICT', `candidate is ${c.status}`);
    const now = ctx.now();
    const actorId = ctx.actor.kind === 'staff' ? ctx.actor.id : null;
    if (input.decision === 'merge') {
      await tx.update(citizenContacts).set({ citizenId: c.citizenId }).where(eq(citizenContacts.citizenId, c.otherCitizenId));
      await tx.update(tickets).set({ citizenId: c.citizenId }).where(eq(tickets.citizenId, c.otherCitizenId));
      // Other open candidates naming the merged record now name the kept one.
      await tx
        .update(citizenMergeCandidates)
        .set({ status: 'merged', decidedBy: actorId, decidedAt: now })
        .where(
          and(eq(citizenMergeCandidates.status, 'open'), or(eq(citizenMergeCandidates.otherCitizenId, c.otherCitizenId), eq(citizenMergeCandidates.id, c.id))),
        );
    } else {
      await tx.update(citizenMergeCandidates).set({ status: 'rejected', decidedBy: actorId, decidedAt: now }).where(eq(citizenMergeCandidates.id, c.id));
    }
    await writeAudit(tx, ctx, {
      at: now,
      action: `citizen.merge_${input.decision === 'merge' ? 'confirmed' : 'rejected'}`,
      entityType: 'citizen',
      entityId: c.citizenId,
      data: { otherCitizenId: c.otherCitizenId, candidateId },
    });
    return { status: input.decision === 'merge' ? 'merged' : 'rejected' };
  });
}
