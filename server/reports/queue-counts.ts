/**
 * The supervisor wall's queue counts (各状态工单量): every open status counted in one grouped query,
 * plus the tickets past or within a day of their reply deadline — instead of one list request per
 * status and a 200-ticket sample that undercounted a busy centre.
 */
import { sql } from 'drizzle-orm';
import type { Ctx } from '../platform/context';
import { OPEN_STATUSES } from '../tickets/states';

export const NEAR_DEADLINE_HOURS = 24;

export async function queueCounts(ctx: Ctx) {
  const statuses = sql.join(OPEN_STATUSES.map((s) => sql`${s}`), sql`, `);
  const byStatus = await ctx.db.execute<{ status: string; count: number }>(sql`
    select status, count(*)::int as count from tickets where status in (${statuses}) group by status`);
  // The lead unit's reply clock of the current round, as the ticket list shows it.
  const [deadlines] = (await ctx.db.execute<{ overdue: number; near: number }>(sql`
    select count(*) filter (where d.reply_due_at < now())::int as overdue,
      count(*) filter (where d.reply_due_at >= now() and d.reply_due_at < now() + make_interval(hours => ${NEAR_DEADLINE_HOURS}))::int as near
    from tickets t join dispatches d on d.ticket_id = t.id and d.round = t.current_round and d.role = 'lead' and d.status <> 'returned'
    where t.status in ('dispatched', 'signed', 'in_progress', 'extension_requested', 'return_requested')`)).rows;
  return {
    byStatus: Object.fromEntries(OPEN_STATUSES.map((s) => [s, byStatus.rows.find((r) => r.status === s)?.count ?? 0])),
    overdue: deadlines.overdue,
    nearDeadline: deadlines.near,
    nearDeadlineHours: NEAR_DEADLINE_HOURS,
  };
}
