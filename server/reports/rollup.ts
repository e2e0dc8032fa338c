/**
 * The incremental half of reports: every ticket event adds its counters to the daily rollup
 * rows of its unit, category, region and channel, in the transaction that records the event
 * (so a rolled-back transition never counts, and a committed one always does).
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../platform/db/client';
import { COUNTERS, rollupKeysSql, type Counter } from './tables';
import { COUNTED_EVENT_TYPES, isEventType, eventDefinition, type EventType } from '../platform/events/catalogue';
import { leadDispatchSql } from '../dispatch/lead-dispatch';

/** A ticket `t` and its lead dispatch `l`; $3 overrides the unit (an event that names its unit). */
const ROLLUP_KEYS_OF_TICKET = rollupKeysSql({
  category: 't.category_code',
  channel: 't.channel',
  region: 't.region_code',
  unit: 'coalesce($3::text, l.unit_id::text)',
});

export interface RollupEvent {
  type: string;
  unitId?: string | null;
  data?: Record<string, unknown>;
}

/** A counter moves by a number (sent as a parameter) or by a SQL expression over `t` (ticket), `l` (lead dispatch) and $2 (event time). */
type Deltas = Partial<Record<Counter, number | string>>;

export { COUNTED_EVENT_TYPES };

/** Which counters an event moves. */
export function countersFor(e: RollupEvent): Deltas {
  const d = e.data ?? {};
  // Withdrawn after the unit answered: it stays in the response-rate denominator, nothing moves.
  if (e.type === 'dispatch.recalled') return d.unanswered ? { recalled: 1 } : {};
  // An event that moves exactly one counter (the catalogue says which) moves it by one.
  const declared = isEventType(e.type) ? (eventDefinition(e.type).counters ?? []) : [];
  if (declared.length === 1) return { [declared[0]]: 1 };
  switch (e.type) {
    case 'ticket.signed':
      return { signed: 1, signed_on_time: d.late ? 0 : 1 };
    case 'ticket.closed':
      // Dispatched work only: a direct answer (直办, no lead dispatch) is counted by direct_answered,
      // never as a closed — and so always on-time — dispatched ticket.
      return {
        closed: 'case when l.id is null then 0 else 1 end',
        // On time when the lead replied by its stored deadline (no deadline: nothing to miss).
        closed_on_time:
          'case when l.id is null then 0 when l.reply_due_at is null or coalesce(l.replied_at, $2::timestamptz) <= l.reply_due_at then 1 else 0 end',
        handling_seconds: 'case when l.id is null then 0 else greatest(0, extract(epoch from ($2::timestamptz - t.created_at)))::bigint end',
      };
    case 'citizen.contact_completed':
      return {
        ...(d.firstContact && d.role === 'lead' ? { contacted: 1, contacted_on_time: d.onTime ? 1 : 0 } : {}),
        ...(d.respondedOnTime ? { responded_on_time: 1 } : {}),
      };
    case 'dispatch.return_requested':
      return { returns: 1, ...(d.respondedOnTime ? { responded_on_time: 1 } : {}) };
    case 'callback.completed': {
      // An IVR key press answers with a score only (no solved/unsolved): it is a rating, not a resolution answer.
      if (!d.reached || !d.result) return {};
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

const textCache = new Map<string, { name: string; text: string }>();

/**
 * The statement for one shape of deltas. Its text depends only on which counters move and how,
 * so it is a named prepared statement: PostgreSQL plans it once per connection (planning was
 * most of the hook's cost when sent as a fresh statement every time).
 */
function statementFor(cols: Counter[], deltas: Deltas): { name: string; text: string } {
  const key = cols.map((c) => `${c}:${typeof deltas[c] === 'string' ? deltas[c] : 'n'}`).join('|');
  let st = textCache.get(key);
  if (!st) {
    let p = 4; // $1 ticket, $2 event time, $3 unit override, $4 day override
    const values = cols.map((c) => (typeof deltas[c] === 'string' ? deltas[c] : `$${++p}::int`));
    const text = `insert into report_rollup_deltas (dim, key, day, ${cols.join(', ')})
      select k.dim, k.key, coalesce($4::date, ($2::timestamptz at time zone 'Asia/Shanghai')::date), ${values.join(', ')}
      from tickets t
      left join lateral ${leadDispatchSql('t.id', 't.current_round')} l on true
      cross join lateral ${ROLLUP_KEYS_OF_TICKET}
      where t.id = $1::uuid`;
    st = { name: `rollup_${textCache.size + 1}_${createHash('sha1').update(text).digest('hex').slice(0, 8)}`, text };
    textCache.set(key, st);
  }
  return st;
}

/**
 * Events counted after commit (issue 18): intake is the hot path (a thousand a second), and its one
 * counter is filed by what the event row itself says — the channel, category and region it was
 * registered under (the same values the in-transaction hook read from the fresh ticket row; no
 * unit yet). So `recordEvent` appends a (ticket, seq) marker to report_rollup_pending in its one
 * statement, and the fold files the event from ticket_events. Report reads fold first, so a
 * report still counts every committed registration; report_rollups itself lags by at most the
 * cron fold's period. Other transitions stay in their transaction: their unit is the lead
 * dispatch in force, which a later fold could no longer see.
 */
export const ROLLUP_AFTER_COMMIT = ['ticket.registered'] as const satisfies readonly EventType[];
export const rollsUpAfterCommit = (type: string) => (ROLLUP_AFTER_COMMIT as readonly string[]).includes(type);

/** Each after-commit type moves exactly the one counter the catalogue declares, by one. */
const afterCommitCounter = (type: (typeof ROLLUP_AFTER_COMMIT)[number]): Counter => {
  const declared = eventDefinition(type).counters ?? [];
  if (declared.length !== 1) throw new Error(`rollup: ${type} is counted after commit and must declare exactly one counter`);
  return declared[0];
};

/** Markers → delta rows, for every pending marker this transaction can take (the caller's transaction). */
function foldPendingSql(): string {
  const keys = rollupKeysSql({ category: `e.data->>'categoryCode'`, channel: `e.data->>'channel'`, region: `e.data->>'regionCode'`, unit: 'e.unit_id::text' });
  const counters = ROLLUP_AFTER_COMMIT.map(afterCommitCounter);
  const cols = [...new Set(counters)];
  const values = cols.map(
    (c) =>
      `case e.type ${ROLLUP_AFTER_COMMIT.filter((_, i) => counters[i] === c)
        .map((t) => `when '${t}' then 1`)
        .join(' ')} else 0 end`,
  );
  return `with p as (delete from report_rollup_pending returning ticket_id, seq)
    insert into report_rollup_deltas (dim, key, day, ${cols.join(', ')})
    select k.dim, k.key, coalesce((e.data->>'rollupDay')::date, (e.at at time zone 'Asia/Shanghai')::date), ${values.join(', ')}
    from p join ticket_events e on e.ticket_id = p.ticket_id and e.seq = p.seq
    cross join lateral ${keys}`;
}
let pendingText: string | null = null;

/**
 * One statement per event: the ticket row and its lead dispatch are joined in SQL, so the hook
 * costs one round trip, and it only appends (see reportRollupDeltas).
 */
export async function applyRollup(tx: Tx, ticketId: string, e: RollupEvent, at: Date): Promise<void> {
  if (rollsUpAfterCommit(e.type)) return; // recordEvent appended its marker; the fold files it
  const deltas = countersFor(e);
  const cols = COUNTERS.filter((c) => deltas[c] !== undefined && deltas[c] !== 0);
  if (!cols.length) return;
  const st = statementFor(cols, deltas);
  const dayOverride = typeof e.data?.rollupDay === 'string' ? e.data.rollupDay : null;
  const values = [ticketId, at.toISOString(), e.unitId ?? null, dayOverride, ...cols.filter((c) => typeof deltas[c] === 'number').map((c) => deltas[c])];
  // drizzle has no prepared raw statements inside a transaction; its session holds the pg client, whose
  // named queries are prepared once per connection. Fall back to a plain statement if that ever changes.
  const client = (tx as unknown as { session?: { client?: { query?: (q: unknown) => Promise<unknown> } } }).session?.client;
  if (client?.query) await client.query({ name: st.name, text: st.text, values });
  else await tx.execute(sql.raw(st.text.replace(/\$(\d+)/g, (_, i) => literal(values[Number(i) - 1]))));
}

function literal(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return String(v);
  return `'${String(v).replace(/'/g, "''")}'`;
}

/**
 * Moves pending deltas into the daily rollups in one statement: the deltas taken are deleted in
 * the same statement, so two concurrent folds never count a delta twice, and rollup rows are
 * upserted in key order so folds lock them alike. Report reads call it first, so figures include
 * every committed event; the cron role also calls it every few seconds to keep the delta table small.
 */
export async function foldRollupDeltas(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    // Shared with other folds, exclusive with a back-fill (backfill.ts): while one rebuilds a range,
    // folds skip (pending deltas wait a little) rather than queue behind it.
    const [{ ok }] = (await tx.execute<{ ok: boolean }>(sql`select pg_try_advisory_xact_lock_shared(${ROLLUP_FOLD_LOCK}) as ok`)).rows;
    if (ok) await foldRollupDeltasUnlocked(tx);
  });
}

/** Advisory lock key shared by folds and taken exclusively by a back-fill. */
export const ROLLUP_FOLD_LOCK = 0x72_6f_6c_6c; // 'roll'

/** The fold itself, for a caller that already holds ROLLUP_FOLD_LOCK (the back-fill). */
export async function foldRollupDeltasUnlocked(db: Pick<Tx, 'execute'>): Promise<void> {
  // Intake's markers first (two folds never take the same marker: the second's delete skips rows the first deleted).
  await db.execute(sql.raw((pendingText ??= foldPendingSql())));
  const sums = COUNTERS.map((c) => `sum(${c})`).join(', ');
  const sets = COUNTERS.map((c) => `${c} = report_rollups.${c} + excluded.${c}`).join(', ');
  await db.execute(
    sql.raw(`with d as (delete from report_rollup_deltas returning *)
    insert into report_rollups (dim, key, day, ${COUNTERS.join(', ')})
    select dim, key, day, ${sums} from d group by dim, key, day order by 1, 3, 2
    on conflict (dim, day, key) do update set ${sets}`),
  );
}
