/**
 * The supervisor wall's queue counts (各状态工单量): every open status counted in one grouped query,
 * plus the tickets past or within a day of their reply deadline — instead of one list request per
 * status and a 200-ticket sample that undercounted a busy centre.
 */
import { sql } from 'drizzle-orm';
import type { Ctx } from '../platform/context';
import { OPEN_STATUSES } from '../tickets/states';
import { leadDispatchSql } from '../dispatch/lead-dispatch';

export const NEAR_DEADLINE_HOURS = 24;
export const SERVICE_LEVEL_SECONDS = 20;

export async function queueCounts(ctx: Ctx) {
  const statuses = sql.join(
    OPEN_STATUSES.map((s) => sql`${s}`),
    sql`, `,
  );
  const byStatus = await ctx.db.execute<{ status: string; count: number }>(sql`
    select status, count(*)::int as count from tickets where status in (${statuses}) group by status`);
  // The lead unit's reply clock of the current round, as the ticket list shows it.
  const [deadlines] = (
    await ctx.db.execute<{ overdue: number; near: number }>(sql`
    select count(*) filter (where d.reply_due_at < now())::int as overdue,
      count(*) filter (where d.reply_due_at >= now() and d.reply_due_at < now() + make_interval(hours => ${NEAR_DEADLINE_HOURS}))::int as near
    from tickets t join lateral ${sql.raw(leadDispatchSql('t.id', 't.current_round'))} d on true
    where t.status in ('dispatched', 'signed', 'in_progress', 'extension_requested', 'return_requested')`)
  ).rows;
  // Today's calls (China day) from the folded CTI calls: answered, abandoned (放弃呼叫), and the
  // service level — the share answered within 20 seconds, the call-centre industry's usual target.
  const [calls] = (
    await ctx.db.execute<{ offered: number; answered: number; within: number; wait: number }>(sql`
    select coalesce(sum(offered), 0)::int as offered, coalesce(sum(answered), 0)::int as answered,
      count(*) filter (where answered = 1 and wait_seconds <= ${SERVICE_LEVEL_SECONDS})::int as within,
      coalesce(sum(wait_seconds) filter (where answered = 1), 0)::int as wait
    from call_stats where day = (now() at time zone 'Asia/Shanghai')::date`)
  ).rows;
  // 排队: inbound calls ringing or in the IVR now — started within the last two hours (a call whose
  // `ended` never came is not waiting all day) with no `answered` or `ended` yet.
  const [queue] = (
    await ctx.db.execute<{ waiting: number; longest: number | null }>(sql`
    select count(*)::int as waiting, extract(epoch from now() - min(s.at))::int as longest from (
      select data->>'callId' as call_id, min(at) as at from channel_events
      where channel = 'phone' and type in ('call.ringing', 'call.ivr') and at > now() - interval '2 hours'
        and coalesce(data->>'direction', 'inbound') = 'inbound'
      group by 1) s
    where not exists (select 1 from channel_events e where e.channel = 'phone' and e.data->>'callId' = s.call_id
      and e.type in ('call.answered', 'call.ended'))`)
  ).rows;
  return {
    calls: {
      waiting: queue.waiting,
      longestWaitSeconds: queue.waiting ? queue.longest : null,
      offered: calls.offered,
      answered: calls.answered,
      abandoned: calls.offered - calls.answered,
      serviceLevel: calls.offered ? calls.within / calls.offered : null,
      serviceLevelSeconds: SERVICE_LEVEL_SECONDS,
      averageWaitSeconds: calls.answered ? Math.round(calls.wait / calls.answered) : null,
    },
    byStatus: Object.fromEntries(OPEN_STATUSES.map((s) => [s, byStatus.rows.find((r) => r.status === s)?.count ?? 0])),
    overdue: deadlines.overdue,
    nearDeadline: deadlines.near,
    nearDeadlineHours: NEAR_DEADLINE_HOURS,
  };
}
