import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../platform/context';
import { handlingUnits } from '../dispatch/tables';
import { tickets } from '../tickets/tables';
import { supervisionCases, type SupervisionStatus } from './tables';
import { presentCase } from './present';

/** A unit clerk sees its own unit's cases only; centre staff see all. */
function scope(ctx: Ctx): SQL | undefined {
  const a = ctx.actor;
  if (a.kind === 'staff' && a.role === 'unit_clerk') return eq(supervisionCases.unitId, a.unitId ?? '00000000-0000-0000-0000-000000000000');
  return undefined;
}

export async function listCases(ctx: Ctx, f: { ticketId?: string; status?: SupervisionStatus; unitId?: string; limit?: number }) {
  const rows = await ctx.db
    .select({ c: supervisionCases, unitName: handlingUnits.name, ticketNumber: tickets.number })
    .from(supervisionCases)
    .innerJoin(handlingUnits, eq(handlingUnits.id, supervisionCases.unitId))
    .innerJoin(tickets, eq(tickets.id, supervisionCases.ticketId))
    .where(
      and(
        scope(ctx),
        f.ticketId ? eq(supervisionCases.ticketId, f.ticketId) : undefined,
        f.status ? eq(supervisionCases.status, f.status) : undefined,
        f.unitId ? eq(supervisionCases.unitId, f.unitId) : undefined,
      ),
    )
    .orderBy(desc(supervisionCases.raisedAt))
    .limit(f.limit ?? 200);
  const now = ctx.now();
  return rows.map((r) => presentCase({ ...r.c, unitName: r.unitName, ticketNumber: r.ticketNumber }, now));
}

/**
 * Per unit, in [from, to] (China days; cases by when raised, first-response stages by dispatch):
 * urges (催办), supervisions (督办) by the sweep and by supervisors, answers and late answers, cases
 * still open and open past their response due, critical tickets' first responses due and overdue.
 */
export async function supervisionReport(ctx: Ctx, range: { from?: string; to?: string }) {
  const day = (col: SQL) => sql`(${col} at time zone 'Asia/Shanghai')::date`;
  const inRange = (col: SQL) => sql`${range.from ? sql`${day(col)} >= ${range.from}::date` : sql`true`}
    and ${range.to ? sql`${day(col)} <= ${range.to}::date` : sql`true`}`;
  const now = ctx.now();
  const r = await ctx.db.execute<Record<string, number | string>>(sql`
    with c as (
      select unit_id,
        count(*) filter (where kind = 'urge')::int as urges,
        count(*) filter (where kind = 'supervision' and source = 'supervisor')::int as "supervisionsBySupervisor",
        count(*) filter (where kind = 'supervision' and source = 'system')::int as "supervisionsBySystem",
        count(*) filter (where responded_at is not null)::int as responded,
        count(*) filter (where responded_at > response_due_at)::int as "respondedLate",
        count(*) filter (where status = 'open')::int as open,
        count(*) filter (where status = 'open' and response_due_at < ${now})::int as "openOverdue"
      from supervision_cases where ${inRange(sql`raised_at`)} group by unit_id
    ), f as (
      select unit_id, count(*)::int as "firstResponseDue", count(first_response_overdue_at)::int as "firstResponseOverdue"
      from dispatches where first_response_due_at is not null and ${inRange(sql`dispatched_at`)} group by unit_id
    )
    select u.id as "unitId", u.name as "unitName",
      coalesce(c.urges, 0) as urges, coalesce(c."supervisionsBySupervisor", 0) as "supervisionsBySupervisor",
      coalesce(c."supervisionsBySystem", 0) as "supervisionsBySystem", coalesce(c.responded, 0) as responded,
      coalesce(c."respondedLate", 0) as "respondedLate", coalesce(c.open, 0) as open, coalesce(c."openOverdue", 0) as "openOverdue",
      coalesce(f."firstResponseDue", 0) as "firstResponseDue", coalesce(f."firstResponseOverdue", 0) as "firstResponseOverdue"
    from handling_units u left join c on c.unit_id = u.id left join f on f.unit_id = u.id
    where c.unit_id is not null or f.unit_id is not null
    order by coalesce(c."supervisionsBySystem", 0) + coalesce(c."supervisionsBySupervisor", 0) desc, u.name`);
  return r.rows;
}
