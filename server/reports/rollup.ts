/**
 * The incremental half of reports: every ticket event adds its counters to the daily rollup
 * rows of its unit, category, region and channel, in the transaction that records the event
 * (so a rolled-back transition never counts, and a committed one always does).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../platform/db/client';
import { COUNTERS, type Counter } from './tables';

export interface RollupEvent {
  type: string;
  unitId?: string | null;
  data?: Record<string, unknown>;
}

type Deltas = Partial<Record<Counter, number | SQL>>;

const SIMPLE: Record<string, Counter> = {
  'ticket.registered': 'received',
  'ticket.answered_directly': 'direct_answered',
  'ticket.dispatched': 'dispatched',
  'ticket.replied': 'replied',
  'dispatch.return_requested': 'returns',
  'ticket.reopened': 'reopens',
  'extension.requested': 'extensions',
  'ticket.overdue': 'overdue',
  'dispatch.overdue': 'overdue',
};

/** Which counters an event moves. `l` is the lead dispatch of the ticket's current round, `t` the ticket. */
export function countersFor(e: RollupEvent, at: Date): Deltas {
  const d = e.data ?? {};
  const simple = SIMPLE[e.type];
  if (simple) return { [simple]: 1 };
  switch (e.type) {
    case 'ticket.signed':
      return { signed: 1, signed_on_time: d.late ? 0 : 1 };
    case 'ticket.closed':
      return {
        closed: 1,
        // On time when the lead replied by its stored deadline (no deadline: nothing to miss).
        closed_on_time: sql`case when l.reply_due_at is null or coalesce(l.replied_at, ${at}) <= l.reply_due_at then 1 else 0 end`,
        overdue: sql`case when l.reply_due_at is not null and coalesce(l.replied_at, ${at}) > l.reply_due_at then 1 else 0 end`,
        handling_seconds: sql`greatest(0, extract(epoch from (${at}::timestamptz - t.created_at)))::bigint`,
      };
    case 'callback.completed': {
      if (!d.reached) return {};
      return { callbacks_answered: 1, callbacks_solved: d.result === 'solved' ? 1 : 0, callbacks_partly: d.result === 'partly' ? 1 : 0 };
    }
    case 'rating.submitted':
    case 'rating.excluded': {
      const s = Number(d.score);
      if (!(s >= 1 && s <= 5)) return {};
      const sign = e.type === 'rating.excluded' ? -1 : 1;
      const out: Deltas = { rated: sign, [`r${s}`]: sign, bad_reviews: s <= 2 ? sign : 0 };
      if (sign < 0) out.excluded_reviews = 1;
      return out;
    }
    default:
      return {};
  }
}

/**
 * One statement per event: the ticket row and its lead dispatch are joined in SQL, so the hook
 * costs one round trip. Rows are upserted in key order so two transactions lock them alike.
 */
export async function applyRollup(tx: Tx, ticketId: string, e: RollupEvent, at: Date): Promise<void> {
  const deltas = countersFor(e, at);
  const cols = COUNTERS.filter((c) => deltas[c] !== undefined && deltas[c] !== 0);
  if (!cols.length) return;
  const dayOverride = typeof e.data?.rollupDay === 'string' ? e.data.rollupDay : null;
  const day = dayOverride ? sql`${dayOverride}::date` : sql`(${at}::timestamptz at time zone 'Asia/Shanghai')::date`;
  const colList = sql.join(cols.map((c) => sql.identifier(c)), sql`, `);
  const values = sql.join(cols.map((c) => { const v = deltas[c]!; return typeof v === 'number' ? sql`${v}` : v; }), sql`, `);
  const updates = sql.join(cols.map((c) => sql`${sql.identifier(c)} = report_rollups.${sql.identifier(c)} + excluded.${sql.identifier(c)}`), sql`, `);
  await tx.execute(sql`insert into report_rollups (dim, key, day, ${colList})
    select k.dim, k.key, ${day}, ${values}
    from tickets t
    left join lateral (select unit_id, reply_due_at, replied_at from dispatches
      where ticket_id = t.id and round = t.current_round and role = 'lead' order by dispatched_at desc limit 1) l on true
    cross join lateral (values
      ('category', coalesce(t.category_code, '-')),
      ('channel', t.channel),
      ('region', coalesce(t.region_code, '-')),
      ('unit', coalesce(${e.unitId ?? null}::text, l.unit_id::text, '-'))) k(dim, key)
    where t.id = ${ticketId}
    order by 1, 2
    on conflict (dim, day, key) do update set ${updates}`);
}
