import { and, eq, inArray } from 'drizzle-orm';
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

type ContactKind = 'phone' | 'wechat' | 'email';

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
 * One citizen, one history: any known contact point (phone, openid, email) finds the same
 * record; otherwise a new one is made. New contact points are attached to the found citizen.
 * Returns null for a fully anonymous appeal (no contact point at all).
 */
export async function resolveCitizen(tx: Tx, ctx: Ctx, c: CitizenIdentity): Promise<string | null> {
  // Every configured key's hash: during a key rotation a contact point may still be stored under the old one.
  const points = contactPoints(c).map((p) => ({ ...p, hash: ctx.svc.pii.hash(p.kind, p.value), all: ctx.svc.pii.hashes(p.kind, p.value) }));
  if (points.length === 0) return null;
  const found = await tx
    .select({ citizenId: citizenContacts.citizenId, valueHash: citizenContacts.valueHash })
    .from(citizenContacts)
    .where(inArray(citizenContacts.valueHash, points.flatMap((p) => p.all)));
  let citizenId = found[0]?.citizenId;
  const others = [...new Set(found.map((f) => f.citizenId))].filter((id) => id !== citizenId);
  for (const other of others) {
    // The same appeal names contact points of two records: flag them for an agent, merge nothing.
    await tx.insert(citizenMergeCandidates).values({ citizenId: citizenId!, otherCitizenId: other, reason: 'contact_points_in_one_appeal' })
      .onConflictDoNothing();
  }
  if (!citizenId) {
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
    citizenId = row.id;
  }
  const known = new Set(found.map((f) => f.valueHash));
  for (const p of points) {
    if (p.all.some((h) => known.has(h))) continue;
    const inserted = await tx
      .insert(citizenContacts)
      .values({ citizenId, kind: p.kind, valueHash: p.hash, valueEnc: ctx.svc.pii.encrypt(p.value) })
      .onConflictDoNothing()
      .returning({ id: citizenContacts.id });
    if (inserted.length === 0 && found.length === 0) {
      // A concurrent intake created this contact first: use its citizen, drop ours (same tx).
      const [other] = await tx
        .select({ citizenId: citizenContacts.citizenId })
        .from(citizenContacts)
        .where(and(eq(citizenContacts.kind, p.kind), inArray(citizenContacts.valueHash, p.all)));
      await tx.delete(citizens).where(eq(citizens.id, citizenId));
      return other.citizenId;
    }
  }
  return citizenId;
}
