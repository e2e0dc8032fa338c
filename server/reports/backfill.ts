/**
 * Back-fill (`npm run reports:backfill -- --from YYYY-MM-DD --to YYYY-MM-DD`): rebuilds the report
 * rollups of a date range from the stored history, for deployments that imported old tickets or
 * changed what a counter means. Idempotent: the range's rollup rows are deleted and recomputed, so
 * running it twice gives the same figures.
 *
 * Ticket counters are replayed from ticket_events through the same `countersFor` the live hook
 * uses (ratings, exclusions and callback answers are ticket events too), with each event filed as
 * the live hook filed it: the unit of the event or the lead unit in force at that event (the last
 * ticket.dispatched / dispatch.reassigned before it), and the category and region in force (the
 * last ticket.registered / ticket.submitted that carries them; history older than those fields
 * falls back to the ticket's current values). Call counters are re-folded from channel_events.
 *
 * Concurrency: one REPEATABLE READ snapshot for the whole rebuild, under an exclusive advisory lock
 * that every fold takes shared (rollup.ts), so no fold moves pending deltas while the range is
 * rebuilt. Events committed during the rebuild are not in the snapshot; their deltas stay pending
 * and are folded afterwards: nothing is counted twice or lost.
 */
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { Db } from '../platform/db/client';
import { logger } from '../platform/log/logger';
import { failureTo } from '../platform/background';
import { COUNTERS, rollupKeys, type Counter } from './tables';
import { reassignRecall } from './on-ticket-event';
import { COUNTED_EVENT_TYPES, countersFor, foldRollupDeltasUnlocked, ROLLUP_FOLD_LOCK } from './rollup';
import { callContribution } from './call-metrics';
import { foldCall } from '../../integrations/phone-cti/call-state';
import type { CallEvent } from '../../integrations/phone-cti/call-event';
import { leadDispatchSql } from '../dispatch/lead-dispatch';

const BATCH = 5000;

type EventRow = {
  id: number;
  type: string;
  data: Record<string, unknown>;
  day: string;
  unit: string;
  category: string;
  region: string;
  channel: string;
  closedDispatched: number;
  closedOnTime: number;
  handlingSeconds: number;
};

export interface BackfillResult {
  from: string;
  to: string;
  events: number;
  calls: number;
  rows: number;
}

export async function backfillRollups(db: Db, from: string, to: string): Promise<BackfillResult> {
  const client = await db.$client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [ROLLUP_FOLD_LOCK]);
    try {
      await client.query('begin isolation level repeatable read');
      await client.query('set local statement_timeout = 0');
      const tx = drizzle(client);
      const result = await rebuild(tx as unknown as Db, from, to);
      await client.query('commit');
      return result;
    } catch (err) {
      await client.query('rollback').catch(failureTo(logger, 'rollup-backfill', { step: 'rollback' }));
      throw err;
    } finally {
      await client.query('select pg_advisory_unlock($1)', [ROLLUP_FOLD_LOCK]).catch(failureTo(logger, 'rollup-backfill', { step: 'unlock' }));
    }
  } finally {
    client.release();
  }
}

async function rebuild(tx: Db, from: string, to: string): Promise<BackfillResult> {
  // Pending deltas first, so everything committed before the snapshot is in report_rollups …
  await foldRollupDeltasUnlocked(tx);
  // … then the range is thrown away and recomputed.
  await tx.execute(sql`delete from report_rollups where day between ${from}::date and ${to}::date`);

  const sums = new Map<string, Record<string, number>>();
  const add = (dim: string, key: string, day: string, deltas: Partial<Record<Counter, number>>) => {
    const k = `${dim}\u0000${key}\u0000${day}`;
    let row = sums.get(k);
    if (!row) sums.set(k, (row = {}));
    for (const [c, v] of Object.entries(deltas)) row[c] = (row[c] ?? 0) + (v ?? 0);
  };

  let events = 0;
  let lastId = 0;
  const types = sql.join(
    COUNTED_EVENT_TYPES.map((t) => sql`${t}`),
    sql`, `,
  );
  for (;;) {
    // An event's rollup day is its China day, or the day it names (an exclusion counts against the
    // rating's day), so exclusions are read whatever their time and the rest by a time window.
    const batch = (
      await tx.execute<EventRow>(sql`
      select e.id::int as id, e.type, e.data, d.day, t.channel,
        coalesce(e.unit_id::text, lead.unit, '-') as unit,
        coalesce(case when cat.has then cat.v else t.category_code end, '-') as category,
        coalesce(case when reg.has then reg.v else t.region_code end, '-') as region,
        case when l.id is null then 0 else 1 end as "closedDispatched",
        case when l.id is null then 0 when l.reply_due_at is null or coalesce(l.replied_at, e.at) <= l.reply_due_at then 1 else 0 end as "closedOnTime",
        case when l.id is null then 0 else greatest(0, extract(epoch from (e.at - t.created_at)))::bigint::float8 end as "handlingSeconds"
      from ticket_events e
      join tickets t on t.id = e.ticket_id
      cross join lateral (select coalesce(e.data->>'rollupDay', to_char((e.at at time zone 'Asia/Shanghai')::date, 'YYYY-MM-DD')) as day) d
      left join lateral (select coalesce(x.data->>'leadUnitId', x.data->>'toUnitId') as unit, x.seq from ticket_events x
        where x.ticket_id = e.ticket_id and x.seq <= e.seq and x.type in ('ticket.dispatched', 'dispatch.reassigned')
        order by x.seq desc limit 1) lead on true
      left join lateral (select (x.data->>'round')::int as round from ticket_events x
        where x.ticket_id = e.ticket_id and x.seq <= e.seq and x.type = 'ticket.dispatched' order by x.seq desc limit 1) rnd on true
      left join lateral (select true as has, x.data->>'categoryCode' as v from ticket_events x
        where x.ticket_id = e.ticket_id and x.seq <= e.seq and x.type in ('ticket.registered', 'ticket.submitted') and x.data ? 'categoryCode'
        order by x.seq desc limit 1) cat on true
      left join lateral (select true as has, x.data->>'regionCode' as v from ticket_events x
        where x.ticket_id = e.ticket_id and x.seq <= e.seq and x.type in ('ticket.registered', 'ticket.submitted') and x.data ? 'regionCode'
        order by x.seq desc limit 1) reg on true
      left join lateral (select * from ${sql.raw(leadDispatchSql('e.ticket_id', 'rnd.round'))} x where e.type = 'ticket.closed') l on true
      where e.type in (${types}) and e.id > ${lastId}
        and (e.type = 'rating.excluded' or (e.at >= ${from}::date - interval '2 days' and e.at < ${to}::date + interval '2 days'))
        and d.day between ${from} and ${to}
      order by e.id limit ${BATCH}`)
    ).rows;
    for (const e of batch) {
      const deltas = countersFor({ type: e.type, data: e.data });
      const n: Partial<Record<Counter, number>> = {};
      for (const c of COUNTERS) {
        const v = deltas[c];
        if (v === undefined) continue;
        // The three counters the live hook computes in SQL (rollup.ts), here computed by the query above.
        n[c] =
          typeof v === 'number' ? v : c === 'closed' ? Number(e.closedDispatched) : c === 'closed_on_time' ? Number(e.closedOnTime) : Number(e.handlingSeconds);
      }
      // 改派 of a lead that had not answered: a recall of the old unit (on-ticket-event.ts files it so live).
      const recall = reassignRecall({ type: e.type, data: e.data });
      if (recall) for (const [dim, key] of rollupKeys({ ...e, unit: String(recall.unitId) })) add(dim, key, e.day, { recalled: 1 });
      if (!Object.values(n).some((v) => v)) continue;
      for (const [dim, key] of rollupKeys(e)) add(dim, key, e.day, n);
    }
    events += batch.length;
    if (batch.length < BATCH) break;
    lastId = batch[batch.length - 1].id;
  }

  // Calls: every call with an event near the range, re-folded; those whose day is in the range
  // count, and call_stats is set to what they count (so later events move them by the difference).
  const callIds = (
    await tx.execute<{ callId: string }>(sql`select distinct data->>'callId' as "callId" from channel_events
    where channel = 'phone' and type like 'call.%' and data->>'callId' is not null
      and at >= ${from}::date - interval '2 days' and at < ${to}::date + interval '2 days'`)
  ).rows.map((r) => r.callId);
  let calls = 0;
  for (let i = 0; i < callIds.length; i += 500) {
    const ids = callIds.slice(i, i + 500);
    const rows = (
      await tx.execute<{ callId: string; data: CallEvent }>(sql`select data->>'callId' as "callId", data from channel_events
      where channel = 'phone' and type like 'call.%' and data->>'callId' in (${sql.join(
        ids.map((x) => sql`${x}`),
        sql`, `,
      )})`)
    ).rows;
    const byCall = new Map<string, CallEvent[]>();
    for (const r of rows) byCall.set(r.callId, [...(byCall.get(r.callId) ?? []), r.data]);
    for (const [callId, evs] of byCall) {
      const c = callContribution(foldCall(evs));
      if (!c.day || c.day < from || c.day > to) continue;
      calls++;
      add('channel', 'phone', c.day, {
        calls_offered: c.offered,
        calls_answered: c.answered,
        call_wait_seconds: c.waitSeconds,
        call_talk_seconds: c.talkSeconds,
      });
      await tx.execute(sql`insert into call_stats (call_id, day, offered, answered, wait_seconds, talk_seconds)
        values (${callId}, ${c.day}::date, ${c.offered}, ${c.answered}, ${c.waitSeconds}, ${c.talkSeconds})
        on conflict (call_id) do update set day = excluded.day, offered = excluded.offered, answered = excluded.answered,
          wait_seconds = excluded.wait_seconds, talk_seconds = excluded.talk_seconds, updated_at = now()`);
    }
  }

  const entries = [...sums.entries()];
  for (let i = 0; i < entries.length; i += 500) {
    const values = entries.slice(i, i + 500).map(([k, row]) => {
      const [dim, key, day] = k.split('\u0000');
      return sql`(${dim}, ${key}, ${day}::date, ${sql.join(
        COUNTERS.map((c) => sql`${Math.round(row[c] ?? 0)}`),
        sql`, `,
      )})`;
    });
    await tx.execute(sql`insert into report_rollups (dim, key, day, ${sql.raw(COUNTERS.join(', '))}) values ${sql.join(values, sql`, `)}`);
  }
  return { from, to, events, calls, rows: entries.length };
}
