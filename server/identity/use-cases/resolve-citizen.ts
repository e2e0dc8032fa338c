import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../platform/db/client';
import type { Ctx } from '../../platform/context';
import { citizenContacts, citizenMergeCandidates, citizens } from '../tables';
import { normalizeMobile } from '../checks';

export interface CitizenIdentity {
  phone?: string;
  openId?: string;
  email?: string;
  name?: string;
  idNumber?: string;
  creditCode?: string;
}

export type ContactKind = 'phone' | 'wechat' | 'email';

/** Normalised contact points; a phone that is not a mobile (a landline) is kept as digits. */
export function contactPoints(c: CitizenIdentity): { kind: ContactKind; value: string }[] {
  const out: { kind: ContactKind; value: string }[] = [];
  if (c.phone) {
    const m = normalizeMobile(c.phone);
    out.push({ kind: 'phone', value: m.ok ? m.normalized : c.phone.replace(/\D/g, '') });
  }
  if (c.openId) out.push({ kind: 'wechat', value: c.openId });
  if (c.email) out.push({ kind: 'email', value: c.email.trim().toLowerCase() });
  return out;
}

/**
 * Which of an appeal's contact points its channel has proven (issue: an unverified e-mail plus the
 * attacker's phone attached the phone to the victim's record). Proven: a WeChat OpenID (the push is
 * signed by WeChat, the H5 pages get it by OAuth); the portal's phone (its route registers only after
 * the SMS code checked out); the phone desk's number when it is the CTI's caller number of that call.
 * Never proven: e-mail addresses, Open311, exchange, anything an agent or a form merely typed.
 */
export async function provenContactKinds(
  tx: Tx,
  ctx: Ctx,
  a: { channel: string; channelAccount: string; externalId: string; citizen: CitizenIdentity },
): Promise<Set<ContactKind>> {
  const proven = new Set<ContactKind>();
  if (a.channel === 'wechat' && a.citizen.openId && ctx.actor.kind === 'system') proven.add('wechat');
  if (a.channel === 'web' && a.channelAccount === 'portal' && ctx.actor.kind === 'citizen' && a.citizen.phone) proven.add('phone');
  const callId = a.channel === 'phone' && a.externalId.startsWith('call-') ? a.externalId.slice(5) : null;
  const phone = contactPoints({ phone: a.citizen.phone }).at(0);
  if (callId && phone) {
    const r = await tx.execute(sql`select 1 from channel_events where channel = 'phone' and data->>'callId' = ${callId}
      and data->>'callerHash' = ${ctx.svc.pii.hash('phone', phone.value)} limit 1`);
    if (r.rows.length > 0) proven.add('phone');
  }
  return proven;
}

/**
 * One citizen, one history — without letting an unproven contact point join somebody else's record:
 * - a proven point that is known finds its citizen; the appeal's other proven points join it;
 * - unproven points that are known find a citizen only when they bring nothing new (the ticket is
 *   filed there; nothing is attached);
 * - anything new that would join an existing citizen without proof goes to a new citizen instead,
 *   with a merge candidate for staff to decide (identity/use-cases/merge-citizens.ts).
 * Proven points are stored with verified_at; tracking by phone accepts only those.
 * Returns null for a fully anonymous appeal (no contact point at all).
 */
export async function resolveCitizen(tx: Tx, ctx: Ctx, c: CitizenIdentity, proven: Set<ContactKind> = new Set()): Promise<string | null> {
  // Every configured key's hash: during a key rotation a contact point may still be stored under the old one.
  const points = contactPoints(c).map((p) => ({
    ...p,
    hash: ctx.svc.pii.hash(p.kind, p.value),
    all: ctx.svc.pii.hashes(p.kind, p.value),
    proven: proven.has(p.kind),
  }));
  if (points.length === 0) return null;
  const found = await tx
    .select({ id: citizenContacts.id, citizenId: citizenContacts.citizenId, valueHash: citizenContacts.valueHash, verifiedAt: citizenContacts.verifiedAt })
    .from(citizenContacts)
    .where(
      inArray(
        citizenContacts.valueHash,
        points.flatMap((p) => p.all),
      ),
    );
  if (found.length === 0 && points.length === 1) return newCitizenWithContact(tx, ctx, c, points[0]);
  const byHash = new Map(found.map((f) => [f.valueHash, f]));
  const foundFor = (p: (typeof points)[number]) => p.all.map((h) => byHash.get(h)).find(Boolean);
  const strong = points.find((p) => p.proven && !!foundFor(p));
  const fresh = points.filter((p) => !foundFor(p));
  const now = ctx.now();
  let citizenId: string;
  let unprovenToNew: typeof points = [];
  let flagAgainst: string | null = null;
  if (strong) {
    citizenId = foundFor(strong)!.citizenId;
    unprovenToNew = fresh.filter((p) => !p.proven);
    // The point is proven now (SMS code, OAuth, the CTI): its row says so from now on.
    const proveNow = points.filter((p) => p.proven && foundFor(p)?.citizenId === citizenId && !foundFor(p)!.verifiedAt);
    if (proveNow.length) {
      await tx
        .update(citizenContacts)
        .set({ verifiedAt: now })
        .where(
          inArray(
            citizenContacts.id,
            proveNow.map((p) => foundFor(p)!.id),
          ),
        );
    }
  } else if (found.length > 0 && fresh.length === 0) {
    citizenId = found[0].citizenId;
  } else if (found.length > 0) {
    // Known points without proof, plus new ones: the new ones must not join that record.
    flagAgainst = found[0].citizenId;
    citizenId = await newCitizen(tx, ctx, c);
  } else {
    citizenId = await newCitizen(tx, ctx, c);
  }
  const others = [...new Set(found.map((f) => f.citizenId))].filter((id) => id !== citizenId && id !== flagAgainst);
  for (const other of others) {
    // The same appeal names contact points of two records: flag them for an agent, merge nothing.
    await tx.insert(citizenMergeCandidates).values({ citizenId, otherCitizenId: other, reason: 'contact_points_in_one_appeal' }).onConflictDoNothing();
  }
  if (unprovenToNew.length) {
    // The proven new points join the found citizen; the unproven ones start a record of their own.
    for (const p of fresh.filter((x) => x.proven)) {
      await tx
        .insert(citizenContacts)
        .values({ citizenId, kind: p.kind, valueHash: p.hash, valueEnc: ctx.svc.pii.encrypt(p.value), verifiedAt: now })
        .onConflictDoNothing();
    }
    flagAgainst = citizenId;
    citizenId = await newCitizen(tx, ctx, c);
  }
  if (flagAgainst) {
    await tx.insert(citizenMergeCandidates).values({ citizenId, otherCitizenId: flagAgainst, reason: 'unverified_contact_point' }).onConflictDoNothing();
  }
  const toAttach = unprovenToNew.length ? unprovenToNew : fresh;
  for (const p of toAttach) {
    const inserted = await tx
      .insert(citizenContacts)
      .values({ citizenId, kind: p.kind, valueHash: p.hash, valueEnc: ctx.svc.pii.encrypt(p.value), verifiedAt: p.proven ? now : null })
      .onConflictDoNothing()
      .returning({ id: citizenContacts.id });
    if (inserted.length === 0 && found.length === 0) {
      // A concurrent intake created this contact first: use its citizen, drop ours (same tx).
      const [other] = await tx
        .select({ citizenId: citizenContacts.citizenId })
        .from(citizenContacts)
        .where(and(eq(citizenContacts.kind, p.kind), inArray(citizenContacts.valueHash, p.all)));
      await tx.delete(citizenContacts).where(eq(citizenContacts.citizenId, citizenId));
      await tx.delete(citizens).where(eq(citizens.id, citizenId));
      return other.citizenId;
    }
  }
  return citizenId;
}

async function newCitizen(tx: Tx, ctx: Ctx, c: CitizenIdentity): Promise<string> {
  const [row] = await tx
    .insert(citizens)
    .values({
      kind: c.creditCode ? 'company' : 'person',
      nameEnc: ctx.svc.pii.encryptOpt(c.name),
      idNumberEnc: ctx.svc.pii.encryptOpt(c.idNumber),
      idNumberHash: c.idNumber ? ctx.svc.pii.hash('id', c.idNumber) : null,
      creditCode: c.creditCode ?? null,
    })
    .returning({ id: citizens.id });
  return row.id;
}

/**
 * The commonest intake of all, a first-time caller with one contact point: the citizen and the
 * contact in one statement (data-modifying CTEs) instead of two round trips. Same outcome as the
 * general path: if a concurrent intake stored this contact point first, its citizen is used and
 * ours is removed in this transaction.
 */
async function newCitizenWithContact(
  tx: Tx,
  ctx: Ctx,
  c: CitizenIdentity,
  p: { kind: ContactKind; value: string; hash: string; all: string[]; proven: boolean },
): Promise<string> {
  const r = await tx.execute<{ citizenId: string; attached: boolean }>(sql`
    with c as (
      insert into citizens (kind, name_enc, id_number_enc, id_number_hash, credit_code)
      values (${c.creditCode ? 'company' : 'person'}, ${ctx.svc.pii.encryptOpt(c.name)}, ${ctx.svc.pii.encryptOpt(c.idNumber)},
        ${c.idNumber ? ctx.svc.pii.hash('id', c.idNumber) : null}, ${c.creditCode ?? null})
      returning id
    ), cc as (
      insert into citizen_contacts (citizen_id, kind, value_hash, value_enc, verified_at)
      select c.id, ${p.kind}, ${p.hash}, ${ctx.svc.pii.encrypt(p.value)}, ${p.proven ? ctx.now() : null}::timestamptz from c
      on conflict do nothing returning citizen_id
    )
    select c.id as "citizenId", exists (select 1 from cc) as attached from c`);
  const { citizenId, attached } = r.rows[0];
  if (attached) return citizenId;
  // A concurrent intake created this contact first: use its citizen, drop ours (same tx).
  const [other] = await tx
    .select({ citizenId: citizenContacts.citizenId })
    .from(citizenContacts)
    .where(and(eq(citizenContacts.kind, p.kind), inArray(citizenContacts.valueHash, p.all)));
  await tx.delete(citizens).where(eq(citizens.id, citizenId));
  return other.citizenId;
}
