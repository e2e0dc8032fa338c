import { sql } from 'drizzle-orm';
import type { Ctx } from '../platform/context';
import { sqlList } from '../platform/db/sql-list';

/**
 * The ticket `number` if it belongs to the citizen of `phone` AND that phone is proven on the
 * record (an SMS code, the CTI's caller number): a number someone merely typed in another channel
 * tracks nothing. null otherwise — callers answer the same 404 whether the number exists or not.
 */
export async function ticketOfProvenPhone(ctx: Ctx, number: string, phone: string) {
  const r = await ctx.db.execute<{ id: string; citizenId: string; status: string }>(sql`select t.id, t.citizen_id as "citizenId", t.status
    from tickets t where t.number = ${number} and exists (select 1 from citizen_contacts c where c.citizen_id = t.citizen_id
      and c.kind = 'phone' and c.value_hash in ${sqlList(ctx.svc.pii.hashes('phone', phone))} and c.verified_at is not null)`);
  return r.rows[0] ?? null;
}
