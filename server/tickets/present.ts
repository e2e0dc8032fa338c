import type { Actor, Ctx } from '../platform/context';
import { maskAddress, maskName, maskPhone } from '../identity/checks';
import { TRANSITIONS } from './states';
import { callerOf, callersOf, type TicketDetailRow, type TicketSummaryRow } from './queries';
import { writeAudit } from '../platform/events/audit';
import type { TicketStatus } from './tables';

/** Unit clerks never see a caller's personal data in clear (domain.md §1, §6). */
export const seesClearPii = (a: Actor) => a.kind === 'staff' && ['agent', 'dispatcher', 'supervisor', 'admin'].includes(a.role);

/** Raw SQL hands timestamps back as PostgreSQL text; the API speaks ISO 8601 (UTC). */
export const iso = (v: unknown): string | null => (v == null ? null : new Date(v as string).toISOString());

export function summaryOf(row: TicketSummaryRow) {
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    channel: row.channel,
    title: row.title,
    appealType: row.appealType,
    urgency: row.urgency,
    emergency: row.emergency,
    categoryCode: row.categoryCode,
    categoryName: row.categoryName ?? null,
    regionCode: row.regionCode,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
    version: row.version,
    flags: { overdue: row.overdue, reminded: row.reminded, supervised: row.supervised, escalated: row.escalated },
    leadUnit: row.leadUnitId ? { id: row.leadUnitId, name: row.leadUnitName } : null,
    replyDueAt: iso(row.replyDueAt),
    signDueAt: iso(row.signDueAt),
  };
}

/** Lists always mask: nobody needs a phone number in clear to scan a queue. */
export async function presentSummaries(ctx: Ctx, rows: TicketSummaryRow[]) {
  const callers = await callersOf(
    ctx,
    rows.map((r) => r.citizenId),
  );
  return rows.map((r) => {
    const caller = (r.citizenId && callers.get(r.citizenId)) || { name: null, phone: null };
    return { ...summaryOf(r), caller: maskedCaller(caller, r.anonymousToUnits && !seesClearPii(ctx.actor)) };
  });
}

function maskedCaller(c: { name: string | null; phone: string | null }, anonymous: boolean) {
  if (anonymous) return { name: '匿名', phone: null };
  return { name: c.name ? maskName(c.name) : null, phone: c.phone ? maskPhone(c.phone) : null };
}

export function allowedActionsFor(actor: Actor, status: TicketStatus, unitRole: 'lead' | 'assisting' | null): string[] {
  if (actor.kind !== 'staff') return [];
  return TRANSITIONS.filter((t) => t.roles.includes(actor.role) && t.from.includes(status))
    .filter((t) => actor.role !== 'unit_clerk' || (unitRole && (t.unitMustBe !== 'lead' || unitRole === 'lead')))
    .map((t) => t.action);
}

/**
 * The detail view. Centre roles see the caller in clear, and that read is audited (who read
 * whose data, when); unit clerks get masked data, and nothing if the caller asked to stay anonymous.
 */
export async function presentTicketDetail(ctx: Ctx, t: TicketDetailRow) {
  const clear = seesClearPii(ctx.actor);
  const caller = await callerOf(ctx, t.citizenId);
  const address = ctx.svc.pii.decryptOpt(t.addressEnc as string | null);
  if (clear && (caller.phone || caller.name || address)) {
    await writeAudit(ctx.db, ctx, { action: 'pii.read', entityType: 'ticket', entityId: t.id, data: { fields: ['phone', 'name', 'address'] } });
  }
  const unitId = ctx.actor.kind === 'staff' ? ctx.actor.unitId : null;
  const DATE_FIELDS = ['signDueAt', 'replyDueAt', 'signedAt', 'repliedAt', 'overdueAt', 'remindedAt', 'at'];
  const withIso = (rows: Record<string, unknown>[]) =>
    rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, DATE_FIELDS.includes(k) ? iso(v) : v])));
  t = { ...t, dispatches: withIso(t.dispatches), timeline: withIso(t.timeline) };
  const dispatches = t.dispatches as unknown as { unitId: string; role: 'lead' | 'assisting'; round: number; status: string }[];
  const mine = dispatches.find((d) => d.unitId === unitId && d.round === t.currentRound && d.status !== 'returned');
  return {
    ...summaryOf(t),
    caller: clear ? caller : maskedCaller(caller, t.anonymousToUnits),
    content: t.content,
    address: address ? (clear ? address : maskAddress(address)) : null,
    suggestion: t.suggestion ?? null,
    classifierVersion: t.classifierVersion ?? null,
    replyText: t.replyText ?? null,
    answerText: t.answerText ?? null,
    declineReason: t.declineReason ?? null,
    currentRound: t.currentRound,
    reopenCount: t.reopenCount,
    dispatches,
    timeline: t.timeline,
    allowedActions: allowedActionsFor(ctx.actor, t.status as TicketStatus, mine?.role ?? null),
  };
}

/**
 * The detail of a ticket this request has just registered, built from the inserted row rather
 * than read back: a fresh ticket has no dispatches and one event, and the caller data is what the
 * agent just typed (so there is no stored personal data to audit a read of).
 */
export function presentRegistered(
  ctx: Ctx,
  created: { row: typeof import('./tables').tickets.$inferSelect; seq: number; at: Date; data: Record<string, unknown> },
  caller: { name: string | null; phone: string | null; address: string | null },
  categoryName: string | null,
) {
  const t = created.row;
  const actor = ctx.actor;
  return {
    id: t.id,
    number: t.number,
    status: t.status,
    channel: t.channel,
    title: t.title,
    appealType: t.appealType,
    urgency: t.urgency,
    emergency: t.emergency,
    categoryCode: t.categoryCode,
    categoryName,
    regionCode: t.regionCode,
    createdAt: iso(t.createdAt),
    updatedAt: iso(t.updatedAt),
    version: t.version,
    flags: { overdue: false, reminded: false, supervised: false, escalated: false },
    leadUnit: null,
    replyDueAt: null,
    signDueAt: null,
    caller: { name: caller.name, phone: caller.phone },
    content: t.content,
    address: caller.address,
    suggestion: t.suggestion ?? null,
    classifierVersion: t.classifierVersion ?? null,
    replyText: null,
    answerText: null,
    declineReason: null,
    currentRound: 0,
    reopenCount: 0,
    dispatches: [],
    timeline: [
      {
        seq: created.seq,
        type: 'ticket.registered',
        at: iso(created.at),
        actorName: actor.kind === 'staff' ? actor.displayName : null,
        actorRole: actor.kind === 'staff' ? actor.role : actor.kind,
        unitId: null,
        fromStatus: null,
        toStatus: 'received',
        reason: null,
        data: created.data,
      },
    ],
    allowedActions: allowedActionsFor(actor, 'received', null),
  };
}
