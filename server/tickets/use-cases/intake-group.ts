/**
 * Group commit for intake (issue 18): registrations that arrive within a short window share one
 * transaction and multi-row statements, so a burst of N appeals costs a handful of round trips and
 * one commit (one WAL flush) instead of N of each. Every caller is still answered only after its
 * group has committed, with its own ticket.
 *
 * - A group closes when its first member has waited `windowMs` or it holds `maxMembers`; at most
 *   `maxInFlight` groups run at once, and appeals arriving meanwhile form the next group.
 * - The same appeal twice in one group (a retried push, a double submit: same channel, account and
 *   external id) is stored once; the second caller gets the first's ticket as a duplicate, as it
 *   would one group later.
 * - If the group's transaction fails, nothing of it is kept, and each member is registered again
 *   alone in a transaction of its own: one bad appeal cannot sink the others. Each such fallback is
 *   logged and counted (rexian_intake_group_fallbacks_total).
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../../platform/context';
import type { Db, Tx } from '../../platform/db/client';
import { actorId, actorName, actorRole } from '../../platform/context';
import type { Logger } from '../../platform/log/logger';
import { errorForLog } from '../../platform/log/safe-error';
import { intakeGroupFallbacks, intakeGroupMembers } from '../../platform/metrics';
import { auditInsertFrom } from '../../platform/events/audit';
import { outboxInsertFrom } from '../../platform/events/outbox';
import { checkEventData } from '../../platform/events/catalogue';
import { onTicketEvent } from '../../reports/on-ticket-event';
import { rollsUpAfterCommit } from '../../reports/rollup';
import { citizenContacts, citizens } from '../../identity/tables';
import { contactPoints, provenContactKinds, resolveCitizen } from '../../identity/use-cases/resolve-citizen';
import { tickets } from '../tables';
import { ticketNumberSql } from '../ticket-number';
import { sameMatterSignatureRow } from '../same-matter';
import { registerAlone, registeredEventData, ticketValues, type PreparedIntake, type RegisterResult } from './register-ticket';

export interface IntakeGroupOptions {
  /** How long the first appeal of a group waits for others; 0 turns group commit off. */
  windowMs: number;
  maxMembers?: number;
  maxInFlight?: number;
}

export interface IntakeMember {
  ctx: Ctx;
  p: PreparedIntake;
  inTx?: (tx: Tx, ticketId: string) => Promise<void>;
}

interface Queued extends IntakeMember {
  queuedAt: number;
  resolve: (r: RegisterResult | null) => void;
  reject: (err: unknown) => void;
}

const REGISTERED = 'ticket.registered' as const;
type Point = ReturnType<typeof contactPoints>[number] & { hash: string; all: string[]; proven: boolean };
const keyOf = (p: PreparedIntake) => `${p.appeal.channel}\u0000${p.appeal.channelAccount}\u0000${p.appeal.externalId}`;

export class IntakeGroups {
  readonly windowMs: number;
  private readonly maxMembers: number;
  private readonly maxInFlight: number;
  private queue: Queued[] = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    o: IntakeGroupOptions,
  ) {
    this.windowMs = o.windowMs;
    this.maxMembers = o.maxMembers ?? 64;
    this.maxInFlight = o.maxInFlight ?? 4;
  }

  /** Group commit is on, and the appeal is for this node's database (not a caller's own transaction). */
  accepts(ctx: Ctx): boolean {
    return this.windowMs > 0 && ctx.db === this.db;
  }

  /** Resolves after the member's group committed (or its lone retry did); null: registered before. */
  submit(m: IntakeMember): Promise<RegisterResult | null> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...m, queuedAt: performance.now(), resolve, reject });
      this.pump();
    });
  }

  private pump() {
    while (this.queue.length > 0 && this.inFlight < this.maxInFlight) {
      const waited = performance.now() - this.queue[0].queuedAt;
      if (this.queue.length < this.maxMembers && waited < this.windowMs) {
        this.arm(this.windowMs - waited);
        return;
      }
      const group = this.queue.splice(0, this.maxMembers);
      this.inFlight++;
      void this.run(group).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private arm(ms: number) {
    if (this.timer) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.pump();
      },
      Math.max(0, Math.ceil(ms)),
    );
  }

  /** Never rejects: every member is answered with its own result or error. */
  private async run(group: Queued[]): Promise<void> {
    intakeGroupMembers.observe(group.length);
    let results: Map<IntakeMember, RegisterResult | null>;
    try {
      results = await registerGroup(this.db, group);
    } catch (err) {
      intakeGroupFallbacks.inc();
      this.log.warn({ err: errorForLog(err), members: group.length }, 'intake group transaction failed; registering each appeal of the group alone');
      await Promise.all(
        group.map((m) =>
          registerAlone(m.ctx, m.p, m.inTx).then(m.resolve, (e: unknown) => {
            m.reject(e);
          }),
        ),
      );
      return;
    }
    group[0].ctx.svc.kickOutbox();
    for (const m of group) m.resolve(results.get(m) ?? null);
  }
}

/**
 * The group's one transaction: citizens (one lookup, one insert for all first-time callers),
 * tickets (one multi-row insert), then every registration event with its audit, outbox, rollup
 * marker and same-matter rows (one statement). Mirrors registerAlone and recordEvent row for row.
 */
async function registerGroup(db: Db, group: IntakeMember[]): Promise<Map<IntakeMember, RegisterResult | null>> {
  // The same appeal twice in the group: the first one is registered, the others answer with its ticket.
  const leaders = new Map<string, IntakeMember>();
  const followerOf = new Map<IntakeMember, IntakeMember>();
  for (const m of group) {
    const k = keyOf(m.p);
    const first = leaders.get(k);
    if (first) followerOf.set(m, first);
    else leaders.set(k, m);
  }
  // Unique keys are taken in one order by every group (tickets by key, contacts by hash), so two groups
  // in flight that share a key wait for one another instead of deadlocking.
  const members = [...leaders.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, m]) => m);
  const numbers = new Map<IntakeMember, SQL>();
  for (const m of members) numbers.set(m, await ticketNumberSql(db, m.p.now));

  const out = new Map<IntakeMember, RegisterResult | null>();
  await db.transaction(async (tx) => {
    const citizenOf = await resolveCitizens(tx, members);
    const inserted = await tx
      .insert(tickets)
      .values(members.map((m) => ticketValues(m.ctx, m.p, numbers.get(m)!, citizenOf.get(m) ?? null)))
      .onConflictDoNothing({ target: [tickets.channel, tickets.channelAccount, tickets.externalId] })
      .returning();
    const rowByKey = new Map(inserted.map((r) => [`${r.channel}\u0000${r.channelAccount}\u0000${r.externalId}`, r]));
    const fresh = members.flatMap((m) => {
      const row = rowByKey.get(keyOf(m.p));
      if (!row) out.set(m, null); // registered before this group: answered with the first ticket after commit
      return row ? [{ m, row, data: registeredEventData(m.p, row) }] : [];
    });
    for (const f of fresh) if (f.m.inTx) await f.m.inTx(tx, f.row.id);
    const seqs = await recordRegisteredEvents(tx, fresh);
    for (const f of fresh) {
      const seq = seqs.get(f.row.id);
      if (seq === undefined) throw new Error(`intake group: no registration event for ticket ${f.row.id}`);
      await onTicketEvent(tx, f.m.ctx, f.row.id, { type: REGISTERED, data: f.data }, f.m.p.now);
      out.set(f.m, {
        ticketId: f.row.id,
        number: f.row.number,
        duplicate: false,
        created: { row: { ...f.row, version: seq, status: 'received' as const }, seq, at: f.m.p.now, data: f.data },
      });
    }
  });
  for (const [m, first] of followerOf) {
    const r = out.get(first);
    out.set(m, r ? { ticketId: r.ticketId, number: r.number, duplicate: true } : null);
  }
  return out;
}

/**
 * Citizens for the group, as resolveCitizen would find or create them one by one. A first-time
 * caller with one contact point that no other member of the group names (the common case) is
 * created with its contact in one multi-row statement; every other member goes through
 * resolveCitizen afterwards in the same transaction, so it sees the citizens created just before.
 */
async function resolveCitizens(tx: Tx, members: IntakeMember[]): Promise<Map<IntakeMember, string | null>> {
  const out = new Map<IntakeMember, string | null>();
  const proven = new Map<IntakeMember, Awaited<ReturnType<typeof provenContactKinds>>>();
  for (const m of members) proven.set(m, await provenContactKinds(tx, m.ctx, m.p.appeal));
  const pointsOf = new Map<IntakeMember, Point[]>(
    members.map((m) => [
      m,
      contactPoints(m.p.appeal.citizen).map((pt) => ({
        ...pt,
        hash: m.ctx.svc.pii.hash(pt.kind, pt.value),
        all: m.ctx.svc.pii.hashes(pt.kind, pt.value),
        proven: proven.get(m)!.has(pt.kind),
      })),
    ]),
  );
  const named = new Map<string, number>();
  for (const pts of pointsOf.values())
    for (const pt of pts) for (const h of new Set(pt.all)) named.set(`${pt.kind}:${h}`, (named.get(`${pt.kind}:${h}`) ?? 0) + 1);
  const allHashes = [...new Set([...pointsOf.values()].flatMap((pts) => pts.flatMap((pt) => pt.all)))];
  const known = new Set<string>();
  if (allHashes.length) {
    const found = await tx.select({ valueHash: citizenContacts.valueHash }).from(citizenContacts).where(inArray(citizenContacts.valueHash, allHashes));
    for (const f of found) known.add(f.valueHash);
  }
  const firstTime: { m: IntakeMember; id: string; pt: Point }[] = [];
  const rest: IntakeMember[] = [];
  for (const m of members) {
    const pts = pointsOf.get(m)!;
    if (pts.length === 0)
      out.set(m, null); // fully anonymous
    else if (pts.length === 1 && !pts[0].all.some((h) => known.has(h)) && pts[0].all.every((h) => named.get(`${pts[0].kind}:${h}`) === 1)) {
      firstTime.push({ m, id: randomUUID(), pt: pts[0] });
    } else rest.push(m);
  }
  if (firstTime.length) {
    firstTime.sort((a, b) => (a.pt.hash < b.pt.hash ? -1 : a.pt.hash > b.pt.hash ? 1 : 0));
    const rows = firstTime.map(({ m, id, pt }) => {
      const c = m.p.appeal.citizen;
      const pii = m.ctx.svc.pii;
      return sql`(${id}::uuid, ${c.creditCode ? 'company' : 'person'}, ${pii.encryptOpt(c.name)}::text, ${pii.encryptOpt(c.idNumber)}::text,
        ${c.idNumber ? pii.hash('id', c.idNumber) : null}::text, ${c.creditCode ?? null}::text, ${pt.kind}, ${pt.hash}, ${pii.encrypt(pt.value)},
        ${pt.proven ? m.p.now : null}::timestamptz)`;
    });
    const r = await tx.execute<{ id: string; attached: boolean }>(sql`
      with v (id, kind, name_enc, id_number_enc, id_number_hash, credit_code, contact_kind, value_hash, value_enc, verified_at) as (
        values ${sql.join(rows, sql`, `)}
      ), c as (
        insert into citizens (id, kind, name_enc, id_number_enc, id_number_hash, credit_code)
        select id, kind, name_enc, id_number_enc, id_number_hash, credit_code from v returning id
      ), cc as (
        insert into citizen_contacts (citizen_id, kind, value_hash, value_enc, verified_at)
        select c.id, v.contact_kind, v.value_hash, v.value_enc, v.verified_at from c join v on v.id = c.id order by v.value_hash
        on conflict do nothing returning citizen_id
      )
      select c.id, exists (select 1 from cc where cc.citizen_id = c.id) as attached from c`);
    const attached = new Map(r.rows.map((x) => [x.id, x.attached]));
    for (const { m, id, pt } of firstTime) {
      if (attached.get(id)) {
        out.set(m, id);
        continue;
      }
      // A concurrent intake (another group, another node) stored this contact first: its citizen is the
      // caller's, ours is removed in this transaction (as newCitizenWithContact does).
      const [other] = await tx
        .select({ citizenId: citizenContacts.citizenId })
        .from(citizenContacts)
        .where(and(eq(citizenContacts.kind, pt.kind), inArray(citizenContacts.valueHash, pt.all)));
      await tx.delete(citizens).where(eq(citizens.id, id));
      out.set(m, other.citizenId);
    }
  }
  for (const m of rest) out.set(m, await resolveCitizen(tx, m.ctx, m.p.appeal.citizen, proven.get(m)));
  return out;
}

/**
 * recordEvent's statement for many new tickets at once: each ticket's version bump and status,
 * its `ticket.registered` event, audit row, outbox row, rollup marker and same-matter signature.
 * Returns each ticket's seq.
 */
async function recordRegisteredEvents(
  tx: Tx,
  fresh: { m: IntakeMember; row: typeof tickets.$inferSelect; data: ReturnType<typeof registeredEventData> }[],
): Promise<Map<string, number>> {
  if (fresh.length === 0) return new Map();
  const rows = fresh.map(({ m, row, data }) => {
    checkEventData(REGISTERED, data);
    const a = m.ctx.actor;
    const sig = sameMatterSignatureRow(m.p.appeal.content.text);
    const payload = { ticketId: row.id, cause: REGISTERED, unitIds: [], unitId: null, channel: data.channel };
    return sql`(${row.id}::uuid, ${actorId(a)}::uuid, ${actorRole(a)}::text, ${actorName(a)}::text, ${m.ctx.requestId}::text,
      ${JSON.stringify(data)}::jsonb, ${JSON.stringify(payload)}::jsonb, ${m.p.now}::timestamptz, ${sig?.bandKeys ?? null}::int[], ${sig?.signature ?? null}::bytea)`;
  });
  const tv = sql`t join v on v.ticket_id = t.id`;
  const r = await tx.execute<{ id: string; version: number }>(sql`
    with v (ticket_id, actor_id, actor_role, actor_name, request_id, data, payload, at, band_keys, signature) as (
      values ${sql.join(rows, sql`, `)}
    ), t as (
      update tickets set version = tickets.version + 1, updated_at = v.at, status = 'received'
      from v where tickets.id = v.ticket_id returning tickets.id, tickets.version
    ), ev as (
      insert into ticket_events (ticket_id, seq, type, actor_id, actor_role, actor_name, unit_id, from_status, to_status, reason, data, at)
      select t.id, t.version, ${REGISTERED}, v.actor_id, v.actor_role, v.actor_name, null, null, 'received', null, v.data, v.at from ${tv}
    ), au as (
      ${auditInsertFrom(tv, {
        at: sql`v.at`,
        actorId: sql`v.actor_id`,
        actorRole: sql`v.actor_role`,
        action: sql`${REGISTERED}`,
        entityType: sql`'ticket'`,
        entityId: sql`t.id::text`,
        requestId: sql`v.request_id`,
        data: sql`jsonb_build_object('seq', t.version, 'from', null::text, 'to', 'received'::text)`,
      })}
    ), ob as (
      ${outboxInsertFrom(tv, sql`${REGISTERED}`, sql`v.payload || jsonb_build_object('version', t.version)`)}
    )${rollsUpAfterCommit(REGISTERED) ? sql`, rp as (insert into report_rollup_pending (ticket_id, seq) select t.id, t.version from t)` : sql``}, sm as (
      insert into ticket_same_matter (ticket_id, band_keys, signature, created_at)
      select ticket_id, band_keys, signature, at from v where signature is not null on conflict do nothing
    )
    select id, version from t`);
  return new Map(r.rows.map((x) => [x.id, x.version]));
}
