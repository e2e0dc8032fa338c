/**
 * Call measures (domain.md §5: answer rate, average wait, average talk time) from the CTI's
 * CallEvents, kept incrementally in the rollups (dim channel, key phone) like every other counter.
 *
 * On each event of a call, the call is folded again from its stored events (foldCall: order by
 * `at`, dedupe by eventId) and only the difference to what it already added (call_stats) goes into
 * the rollup deltas. So duplicates add nothing and an `answered` that arrives after `ended` turns
 * an abandoned call into an answered one. Definitions (our rule, shown beside the figures):
 *  - offered: an inbound call that has ended (abandoned or answered); outbound callback calls excluded;
 *  - wait: answered − first event of the call (ringing/IVR: the caller's time before an agent);
 *  - talk: ended − answered;
 *  - the day is the China day of the call's first event.
 */
import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../platform/db/client';
import { foldCall, type CallState } from '../../integrations/phone-cti/call-state';
import type { CallEvent } from '../../integrations/phone-cti/call-event';

export interface CallContribution {
  day: string | null;
  offered: number;
  answered: number;
  waitSeconds: number;
  talkSeconds: number;
}

const NONE: CallContribution = { day: null, offered: 0, answered: 0, waitSeconds: 0, talkSeconds: 0 };
const secs = (a?: string, b?: string) => (a && b ? Math.max(0, Math.round((Date.parse(b) - Date.parse(a)) / 1000)) : 0);
const chinaDay = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);

/** What one folded call counts for. Pure. */
export function callContribution(s: CallState | null): CallContribution {
  if (!s || s.direction !== 'inbound' || !s.endedAt || !s.startedAt) return NONE;
  const answered = s.status === 'ended' && !!s.answeredAt;
  return {
    day: chinaDay(s.startedAt),
    offered: 1,
    answered: answered ? 1 : 0,
    waitSeconds: answered ? secs(s.startedAt, s.answeredAt) : 0,
    talkSeconds: answered ? secs(s.answeredAt, s.endedAt) : 0,
  };
}

async function addDelta(tx: Pick<Tx, 'execute'>, day: string, sign: 1 | -1, c: CallContribution) {
  await tx.execute(sql`insert into report_rollup_deltas (dim, key, day, calls_offered, calls_answered, call_wait_seconds, call_talk_seconds)
    values ('channel', 'phone', ${day}::date, ${sign * c.offered}, ${sign * c.answered}, ${sign * c.waitSeconds}, ${sign * c.talkSeconds})`);
}

/** Re-folds one call and moves the rollup by the difference. Idempotent; safe under concurrent events of the call (row lock). */
export async function updateCallStats(db: Db, callId: string): Promise<CallContribution> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`insert into call_stats (call_id) values (${callId}) on conflict do nothing`);
    const [old] = (
      await tx.execute<{ day: string | null; offered: number; answered: number; waitSeconds: number; talkSeconds: number }>(sql`
      select to_char(day, 'YYYY-MM-DD') as day, offered, answered, wait_seconds as "waitSeconds", talk_seconds as "talkSeconds"
      from call_stats where call_id = ${callId} for update`)
    ).rows;
    // Read after the lock: under READ COMMITTED this statement sees every event committed before it.
    const events = (
      await tx.execute<{ data: CallEvent }>(sql`select data from channel_events
      where channel = 'phone' and data->>'callId' = ${callId} and type like 'call.%'`)
    ).rows.map((r) => r.data);
    const folded = foldCall(events);
    const now = callContribution(folded);
    // The dialled line (inbound calls only: an outbound call's callee is the citizen's number, never stored here).
    if (folded?.callee && folded.direction === 'inbound')
      await tx.execute(sql`update call_stats set line_number = ${folded.callee} where call_id = ${callId} and line_number is distinct from ${folded.callee}`);
    const same =
      old.day === now.day &&
      old.offered === now.offered &&
      old.answered === now.answered &&
      old.waitSeconds === now.waitSeconds &&
      old.talkSeconds === now.talkSeconds;
    if (same) return now;
    if (old.day && old.offered) await addDelta(tx, old.day, -1, old);
    if (now.day && now.offered) await addDelta(tx, now.day, 1, now);
    await tx.execute(sql`update call_stats set day = ${now.day}::date, offered = ${now.offered}, answered = ${now.answered},
      wait_seconds = ${now.waitSeconds}, talk_seconds = ${now.talkSeconds}, updated_at = now() where call_id = ${callId}`);
    return now;
  });
}
