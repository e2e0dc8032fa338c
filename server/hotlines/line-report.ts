import { sql } from 'drizzle-orm';
import type { Ctx } from '../platform/context';
import { modeName } from './lines';
import type { LineMode } from './tables';

/**
 * Calls and tickets per dialled line (报表按热线号码拆分): how much of 12345's work still arrives on
 * the numbers it absorbed, and calls that still reach a cancelled number. Calls come from the CTI's
 * folded calls (call_stats, China day of the call); tickets are those an agent registered on such a
 * call (external id `call-<callId>`). Every line in the table is listed, with or without calls, and
 * numbers the table does not know appear under their own number, so nothing is dropped.
 */
export async function lineReport(ctx: Ctx, from: string, to: string) {
  const rows = (
    await ctx.db.execute<{
      number: string;
      name: string | null;
      mode: LineMode | null;
      reporting_tag: string | null;
      offered: number;
      answered: number;
      tickets: number;
    }>(sql`
    with calls as (
      select line_number as number, count(*) filter (where offered > 0)::int as offered, sum(answered)::int as answered,
        array_agg(call_id) as call_ids
      from call_stats where line_number is not null and day between ${from}::date and ${to}::date group by line_number
    ), per_line as (
      select c.number, c.offered, c.answered,
        (select count(*)::int from tickets t where t.channel = 'phone' and t.external_id = any (select 'call-' || x from unnest(c.call_ids) x)) as tickets
      from calls c
    )
    select coalesce(l.number, p.number) as number, l.name, l.mode, l.reporting_tag,
      coalesce(p.offered, 0) as offered, coalesce(p.answered, 0) as answered, coalesce(p.tickets, 0) as tickets
    from hotline_lines l full join per_line p on p.number = l.number
    order by coalesce(p.offered, 0) desc, 1`)
  ).rows;
  return rows.map((r) => ({
    number: r.number,
    name: r.name,
    mode: r.mode,
    modeName: r.mode ? modeName(r.mode, ctx.lang) : null,
    reportingTag: r.reporting_tag,
    known: r.mode !== null,
    callsOffered: r.offered,
    callsAnswered: r.answered,
    tickets: r.tickets,
  }));
}
