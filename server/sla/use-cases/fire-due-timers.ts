import { sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/context';
import { OPEN_DISPATCH_STATUSES } from '../../dispatch/tables';
import { EVENTS, type TicketEventType } from '../../platform/events/catalogue';
import { auditInsertFrom } from '../../platform/events/audit';
import { outboxInsertFrom } from '../../platform/events/outbox';
import { rollupKeysSql } from '../../reports/tables';

/**
 * Dispatches one sweep batch claims (one statement, one transaction). Per-batch costs (planning,
 * the claim's index walk, commit) are paid once per batch, so larger is faster, up to how long a
 * batch may hold its dispatches' and tickets' row locks (SKIP LOCKED: agents never wait on them,
 * the sweeper skips theirs). Shared by the cron sweep and bench:sla so the benchmark measures it.
 */
export const SWEEP_BATCH = 5000;

/**
 * How many slices one sweep fires side by side (`SLA_SWEEP_CONCURRENCY`), each on its own connection
 * and in its own transactions. Slices are disjoint by ticket (`sliceOf`), so two slices never want
 * the same ticket's row lock and never skip each other's rows; `FOR UPDATE … SKIP LOCKED` still keeps
 * two sweepers (two cron nodes, or a wake-up job) from firing one stage twice.
 */
export const SWEEP_CONCURRENCY = 2;
export const MAX_SWEEP_CONCURRENCY = 16;

/** One of `of` disjoint shares of the due dispatches (`index` 0 … of − 1), by ticket. */
export interface SweepSlice {
  index: number;
  of: number;
}
/**
 * The slice a dispatch belongs to: its ticket id's last byte modulo the slice count (ticket ids are
 * random, v4 or v7, in their last bytes), so every dispatch of a ticket is in the same slice.
 */
const sliceOf = (of: number) => sql.raw(`get_byte(uuid_send(d.ticket_id), 15) % ${Math.trunc(of)}`);

export type TimerStage = 'first_response' | 'reminder' | 'overdue' | 'supervision';

/** The event each stage records (the catalogue defines its data, rooms and counters). */
const STAGE_EVENTS = {
  first_response: 'ticket.first_response_overdue',
  reminder: 'ticket.reminded',
  overdue: 'ticket.overdue',
  supervision: 'ticket.supervised',
} as const satisfies Record<TimerStage, TicketEventType>;
const stageType = sql.raw(
  `case stage ${Object.entries(STAGE_EVENTS)
    .map(([s, t]) => `when '${s}' then '${t}'`)
    .join(' ')} end`,
);

/**
 * The report counters these events move (reports/rollup.ts counts them once per dispatch, for the
 * dispatch's unit): one append per counted stage type, built from the catalogue. The batch's
 * stages are summed per dimension value before the append (the fold sums deltas per dim, key and
 * day anyway), so 5,000 overdue dispatches of one unit append 6 rows, not 30,000.
 */
const counted = Object.values(STAGE_EVENTS).flatMap((t) => (EVENTS[t].counters ?? []).map((c) => ({ type: t, counter: c })));
const rollupCtes = (now: Date) =>
  counted.map(
    ({ type, counter }, i) => sql`, rd${sql.raw(String(i))} as (
      insert into report_rollup_deltas (dim, key, day, ${sql.identifier(counter)})
      select k.dim, k.key, (${now}::timestamptz at time zone 'Asia/Shanghai')::date, count(*)
      from numbered n join tickets t on t.id = n.ticket_id
      cross join lateral ${sql.raw(rollupKeysSql({ category: 't.category_code', channel: 't.channel', region: 't.region_code', unit: 'n.unit_id::text' }))}
      where n.type = ${type}
      group by k.dim, k.key
    )`,
  );

/**
 * The sweeper (domain.md §3: a deadline must fire even if the queue lost its timer). The
 * database is the source of truth: open dispatches whose stored `next_wake_at` has passed are
 * claimed together with their tickets (`FOR UPDATE … SKIP LOCKED`: two nodes never fire the same
 * one, and the sweeper never waits on an agent's transition, so the two cannot deadlock). Each
 * stage whose instant has passed and has not fired yet fires once — reminder (催办), overdue,
 * supervision (督办) — with its timeline event, audit row and outbox row, and `next_wake_at` moves
 * to the next unfired stage. One statement fires the whole batch (set-based), so a sweep over a
 * million open dispatches costs a few statements, not a round trip per stage. A BullMQ wake-up
 * that arrives late or twice finds nothing left to do.
 */
export async function fireDueTimers(ctx: Ctx, opts: { limit?: number; dispatchId?: string; slice?: SweepSlice } = {}) {
  const now = ctx.now();
  const limit = opts.limit ?? SWEEP_BATCH;
  const open = sql.join(
    OPEN_DISPATCH_STATUSES.map((s) => sql`${s}`),
    sql`, `,
  );
  const only = opts.dispatchId ? sql`and d.id = ${opts.dispatchId}` : sql``;
  const slice = opts.slice && opts.slice.of > 1 ? sql`and ${sliceOf(opts.slice.of)} = ${opts.slice.index}` : sql``;
  const r = await ctx.db.execute<{ dispatchId: string; stage: TimerStage | null }>(sql`
    with due as (
      select d.id, d.ticket_id, d.unit_id, d.role, d.remind_at, d.reminded_at, d.reply_due_at, d.overdue_at,
        d.supervision_due_at, d.supervised_at, d.supervision_response_due_at,
        case when d.first_responded_at is null then d.first_response_due_at end as first_response_due_at, d.first_response_overdue_at
      from dispatches d join tickets t on t.id = d.ticket_id
      where d.next_wake_at is not null and d.next_wake_at <= ${now} and d.status in (${open}) ${only} ${slice}
      order by d.next_wake_at limit ${limit}
      for update of d, t skip locked
    ), st as (
      select d.id as dispatch_id, d.ticket_id, d.unit_id, d.role, d.reply_due_at, d.supervision_response_due_at, s.stage, s.ord
      from due d cross join lateral (values
        -- 特急 first feedback: stopped by the unit's first feedback (first_responded_at), else overdue once.
        ('first_response', 0, d.first_response_due_at, d.first_response_overdue_at),
        ('reminder', 1, d.remind_at, d.reminded_at), ('overdue', 2, d.reply_due_at, d.overdue_at),
        ('supervision', 3, d.supervision_due_at, d.supervised_at)) s(stage, ord, due_at, fired_at)
      where s.due_at is not null and s.due_at <= ${now} and s.fired_at is null
    ), agg as (
      select d.id, coalesce(bool_or(st.stage = 'first_response'), false) as f, coalesce(bool_or(st.stage = 'reminder'), false) as r, coalesce(bool_or(st.stage = 'overdue'), false) as o,
        coalesce(bool_or(st.stage = 'supervision'), false) as s
      from due d left join st on st.dispatch_id = d.id group by d.id
    ), upd as (
      update dispatches x set
        first_response_overdue_at = case when a.f then ${now} else x.first_response_overdue_at end,
        reminded_at = case when a.r then ${now} else x.reminded_at end,
        overdue_at = case when a.o then ${now} else x.overdue_at end,
        supervised_at = case when a.s then ${now} else x.supervised_at end,
        next_wake_at = least(
          case when x.first_response_overdue_at is null and x.first_responded_at is null and not a.f then x.first_response_due_at end,
          case when x.reminded_at is null and not a.r then x.remind_at end,
          case when x.overdue_at is null and not a.o then x.reply_due_at end,
          case when x.supervised_at is null and not a.s then x.supervision_due_at end),
        updated_at = ${now}
      from agg a where x.id = a.id returning x.id
    ), tk as (
      select ticket_id, count(*)::int as n,
        bool_or(role = 'lead' and stage = 'reminder') as r, bool_or(role = 'lead' and stage = 'overdue') as o,
        bool_or(role = 'lead' and stage = 'supervision') as s
      from st group by ticket_id
    ), tv as (
      -- Only the lead's clock flags the ticket; an assisting unit's lateness is its own record.
      update tickets t set version = t.version + tk.n, updated_at = ${now}, reminded = t.reminded or tk.r,
        overdue = t.overdue or tk.o, supervised = t.supervised or tk.s, escalated = t.escalated or tk.s
      from tk where t.id = tk.ticket_id returning t.id, t.version
    ), numbered as (
      select st.*, ${stageType} as type,
        tv.version - tk.n + row_number() over (partition by st.ticket_id order by st.dispatch_id, st.ord) as seq
      from st join tk on tk.ticket_id = st.ticket_id join tv on tv.id = st.ticket_id
    ), ev as (
      -- data as EVENTS['ticket.first_response_overdue' | 'ticket.reminded' | 'ticket.overdue' | 'ticket.supervised'] defines it (a test parses the rows).
      insert into ticket_events (ticket_id, seq, type, actor_role, actor_name, unit_id, data, at)
      select ticket_id, seq, type, 'system', 'system', unit_id, jsonb_build_object('dispatchId', dispatch_id, 'role', role,
        'replyDueAt', reply_due_at, 'stage', stage, 'escalateToSupervisors', stage <> 'reminder'), ${now} from numbered
    ), sc as (
      -- 督办 is a case (supervision/tables.ts): the sweep raises one per dispatch, with the unit's response due.
      insert into supervision_cases (ticket_id, dispatch_id, unit_id, kind, source, raised_at, response_due_at)
      select ticket_id, dispatch_id, unit_id, 'supervision', 'system', ${now}, supervision_response_due_at from numbered
      where stage = 'supervision'
      on conflict (dispatch_id, kind) where source = 'system' do nothing
    ), au as (
      ${auditInsertFrom(sql`numbered`, {
        at: sql`${now}`,
        actorId: sql`null`,
        actorRole: sql`'system'`,
        action: sql`type`,
        entityType: sql`'ticket'`,
        entityId: sql`ticket_id::text`,
        requestId: sql`${ctx.requestId}`,
        data: sql`jsonb_build_object('seq', seq, 'dispatchId', dispatch_id)`,
      })}
    ) ${sql.join(rollupCtes(now), sql``)}, ob as (
      ${outboxInsertFrom(
        sql`numbered`,
        sql`type`,
        sql`jsonb_build_object('ticketId', ticket_id, 'version', seq, 'cause', type, 'unitIds', jsonb_build_array(unit_id), 'unitId', unit_id)`,
      )}
    )
    select dispatch_id as "dispatchId", stage from numbered
    union all select id as "dispatchId", null as stage from upd where not exists (select 1 from st where st.dispatch_id = upd.id)`);
  const fired = r.rows.filter((x) => x.stage !== null) as { dispatchId: string; stage: TimerStage }[];
  if (fired.length) ctx.svc.kickOutbox();
  /** Dispatches claimed in this batch (fired or just re-timed): a full batch means "sweep again". */
  const claimed = new Set(r.rows.map((x) => x.dispatchId)).size;
  return Object.assign(fired, { claimed });
}

export interface SweepResult {
  /** Dispatches claimed (fired or just re-timed). */
  claimed: number;
  /** Stages fired (one event, audit and outbox row each). */
  fired: number;
  /** Statements run (batches), over all slices. */
  batches: number;
  /** Slices whose loop failed (each reported with its slice; the next sweep retries them). */
  failed: number;
}

/**
 * One sweep as the cron runs it: `concurrency` disjoint slices (SLA_SWEEP_CONCURRENCY) side by side,
 * each looping batches of `batch` until a batch claims fewer than a full one. Each batch is one
 * statement and so one transaction: a dispatch's new state and its stages' event, audit and outbox
 * rows commit together or not at all. A slice that fails is reported (`onFailure`) and the others go
 * on; what it left due is found by the next sweep.
 */
export async function sweepDueTimers(
  ctx: () => Ctx,
  opts: { concurrency?: number; batch?: number; onFailure?: (err: unknown, slice: SweepSlice) => void } = {},
): Promise<SweepResult> {
  const of = Math.min(MAX_SWEEP_CONCURRENCY, Math.max(1, Math.trunc(opts.concurrency ?? SWEEP_CONCURRENCY)));
  const batch = opts.batch ?? SWEEP_BATCH;
  const result: SweepResult = { claimed: 0, fired: 0, batches: 0, failed: 0 };
  const runSlice = async (index: number) => {
    // Loop on dispatches claimed, not stages fired: a batch may fire several stages per dispatch.
    for (;;) {
      const fired = await fireDueTimers(ctx(), { limit: batch, slice: { index, of } });
      result.batches++;
      result.claimed += fired.claimed;
      result.fired += fired.length;
      if (fired.claimed < batch) return;
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: of }, (_, index) => runSlice(index)));
  settled.forEach((s, index) => {
    if (s.status === 'fulfilled') return;
    result.failed++;
    if (opts.onFailure) opts.onFailure(s.reason, { index, of });
    else throw s.reason;
  });
  return result;
}
