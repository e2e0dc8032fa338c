/**
 * 联动对接 with the emergency lines: a transfer to 110/119/120/122 is a case with its own record —
 * when 12345 handed it over, to which centre, that centre's acknowledgement (or its call back), and
 * 12345's follow-up with the citizen. The spec's target is a transfer within 5 minutes of intake
 * (domain.md §3, "emergency tickets transferred within 5 min"); reports count against it.
 *
 * Each change is one transaction: the linkage row and a ticket timeline event (with its audit and
 * outbox rows), so the ticket's history shows the acknowledgement and the wall refetches.
 */
import { and, asc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../platform/context';
import type { Tx } from '../platform/db/client';
import { problem } from '../platform/http/problems';
import { recordEvent } from '../tickets/events';
import { inTransaction } from '../platform/transaction';
import { tickets } from '../tickets/tables';
import { emergencyLinkages, FOLLOW_UP_OUTCOMES, type LinkageStatus } from './tables';

export const TRANSFER_TARGET_MINUTES = 5;
/**
 * Our rule (the spec names none): 12345 checks back within 24 hours whether the citizen was helped,
 * so a transfer is never the end of 12345's responsibility for the appeal.
 */
export const FOLLOW_UP_HOURS = 24;

const DEFAULT_CENTRES: Record<string, string> = {
  '110': '公安110报警服务台',
  '119': '消防119指挥中心',
  '120': '急救120指挥调度中心',
  '122': '交警122报警服务台',
};

/** Called by the transfer use case inside its transaction, before the ticket's event. */
export async function openEmergencyLinkage(
  tx: Tx,
  ctx: Ctx,
  input: { ticketId: string; line: string; intakeAt: Date; targetCentre?: string },
): Promise<{ id: string; targetCentre: string; transferSeconds: number }> {
  const now = ctx.now();
  const targetCentre = input.targetCentre?.trim() || DEFAULT_CENTRES[input.line] || input.line;
  const [row] = await tx
    .insert(emergencyLinkages)
    .values({
      ticketId: input.ticketId,
      line: input.line,
      targetCentre,
      intakeAt: input.intakeAt,
      transferredAt: now,
      transferredBy: ctx.actor.kind === 'staff' ? ctx.actor.id : null,
      followUpDueAt: new Date(now.getTime() + FOLLOW_UP_HOURS * 3600_000),
    })
    .returning({ id: emergencyLinkages.id });
  return { id: row.id, targetCentre, transferSeconds: Math.max(0, Math.round((now.getTime() - input.intakeAt.getTime()) / 1000)) };
}

export const AcknowledgeInput = z.strictObject({
  /** Who at the emergency centre confirmed it (an operator's name or number). */
  acknowledgedBy: z.string().trim().min(1).max(60),
  note: z.string().trim().max(500).optional(),
});
export const FollowUpInput = z.strictObject({
  outcome: z.enum(FOLLOW_UP_OUTCOMES),
  note: z.string().trim().min(1).max(1000),
});

async function lockLinkage(tx: Tx, id: string) {
  const [l] = await tx.select().from(emergencyLinkages).where(eq(emergencyLinkages.id, id)).for('update');
  if (!l) throw problem('LINKAGE_NOT_FOUND');
  return l;
}

export async function acknowledgeLinkage(ctx: Ctx, id: string, input: z.infer<typeof AcknowledgeInput>) {
  await inTransaction(ctx, async (tx) => {
    const l = await lockLinkage(tx, id);
    if (l.status !== 'transferred') throw problem('LINKAGE_STATE_CONFLICT');
    const at = ctx.now();
    await tx
      .update(emergencyLinkages)
      .set({
        status: 'acknowledged',
        acknowledgedAt: at,
        acknowledgedBy: input.acknowledgedBy,
        acknowledgementNote: input.note ?? null,
        version: sql`${emergencyLinkages.version} + 1`,
      })
      .where(eq(emergencyLinkages.id, id));
    await recordEvent(tx, ctx, l.ticketId, {
      type: 'emergency.acknowledged',
      reason: input.note ?? null,
      data: {
        linkageId: id,
        line: l.line,
        targetCentre: l.targetCentre,
        acknowledgedBy: input.acknowledgedBy,
        acknowledgeSeconds: Math.round((at.getTime() - l.transferredAt.getTime()) / 1000),
      },
    });
  });
}

export async function followUpLinkage(ctx: Ctx, id: string, input: z.infer<typeof FollowUpInput>) {
  await inTransaction(ctx, async (tx) => {
    const l = await lockLinkage(tx, id);
    if (l.status === 'followed_up') throw problem('LINKAGE_STATE_CONFLICT');
    const at = ctx.now();
    await tx
      .update(emergencyLinkages)
      .set({
        status: 'followed_up',
        followedUpAt: at,
        followUpOutcome: input.outcome,
        followUpNote: input.note,
        version: sql`${emergencyLinkages.version} + 1`,
      })
      .where(eq(emergencyLinkages.id, id));
    await recordEvent(tx, ctx, l.ticketId, {
      type: 'emergency.followed_up',
      reason: input.note,
      data: { linkageId: id, line: l.line, outcome: input.outcome, late: at > l.followUpDueAt },
    });
  });
}

export const LinkageListQuery = z.strictObject({
  status: z.enum(['open', 'all']).default('open'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Open (or all) linkages oldest first; with `id`, just that one, as the list shows it. */
export async function listLinkages(ctx: Ctx, q: z.infer<typeof LinkageListQuery> & { id?: string }) {
  const open: LinkageStatus[] = ['transferred', 'acknowledged'];
  const rows = await ctx.db
    .select({ l: emergencyLinkages, number: tickets.number, title: tickets.title })
    .from(emergencyLinkages)
    .innerJoin(tickets, eq(tickets.id, emergencyLinkages.ticketId))
    .where(q.id ? eq(emergencyLinkages.id, q.id) : q.status === 'open' ? inArray(emergencyLinkages.status, open) : undefined)
    .orderBy(asc(emergencyLinkages.transferredAt))
    .limit(q.limit);
  const now = ctx.now().getTime();
  return rows.map(({ l, number, title }) => {
    const transferSeconds = Math.round((l.transferredAt.getTime() - l.intakeAt.getTime()) / 1000);
    return {
      id: l.id,
      ticketId: l.ticketId,
      ticketNumber: number,
      title,
      line: l.line,
      targetCentre: l.targetCentre,
      status: l.status,
      intakeAt: l.intakeAt.toISOString(),
      transferredAt: l.transferredAt.toISOString(),
      transferSeconds,
      transferLate: transferSeconds > TRANSFER_TARGET_MINUTES * 60,
      acknowledgedAt: l.acknowledgedAt?.toISOString() ?? null,
      acknowledgedBy: l.acknowledgedBy,
      followUpDueAt: l.followUpDueAt.toISOString(),
      followUpOverdue: l.status !== 'followed_up' && l.followUpDueAt.getTime() < now,
      followedUpAt: l.followedUpAt?.toISOString() ?? null,
      followUpOutcome: l.followUpOutcome,
      followUpNote: l.followUpNote,
    };
  });
}

/** Figures for the reports screen: transfer time against the 5-minute target, acknowledgements, follow-ups, per line. */
export async function linkageFigures(ctx: Ctx, from: Date, to: Date) {
  const rows = (
    await ctx.db.execute<{
      line: string;
      transfers: number;
      within_target: number;
      median_seconds: number | null;
      avg_seconds: number | null;
      acknowledged: number;
      avg_ack_seconds: number | null;
      followed_up: number;
      open: number;
    }>(sql`
    select line, count(*)::int as transfers,
      count(*) filter (where transferred_at - intake_at <= make_interval(mins => ${TRANSFER_TARGET_MINUTES}))::int as within_target,
      percentile_cont(0.5) within group (order by extract(epoch from transferred_at - intake_at))::float8 as median_seconds,
      avg(extract(epoch from transferred_at - intake_at))::float8 as avg_seconds,
      count(acknowledged_at)::int as acknowledged,
      avg(extract(epoch from acknowledged_at - transferred_at))::float8 as avg_ack_seconds,
      count(followed_up_at)::int as followed_up,
      count(*) filter (where status <> 'followed_up')::int as open
    from emergency_linkages
    where ${and(gte(emergencyLinkages.transferredAt, from), lt(emergencyLinkages.transferredAt, to))}
    group by line order by line`)
  ).rows;
  const total = rows.reduce((s, r) => s + r.transfers, 0);
  const within = rows.reduce((s, r) => s + r.within_target, 0);
  return {
    targetMinutes: TRANSFER_TARGET_MINUTES,
    total,
    withinTarget: within,
    withinTargetRate: total ? within / total : null,
    byLine: rows.map((r) => ({
      line: r.line,
      transfers: r.transfers,
      withinTarget: r.within_target,
      withinTargetRate: r.transfers ? r.within_target / r.transfers : null,
      medianTransferSeconds: r.median_seconds === null ? null : Math.round(r.median_seconds),
      avgTransferSeconds: r.avg_seconds === null ? null : Math.round(r.avg_seconds),
      acknowledged: r.acknowledged,
      avgAcknowledgeSeconds: r.avg_ack_seconds === null ? null : Math.round(r.avg_ack_seconds),
      followedUp: r.followed_up,
      open: r.open,
    })),
  };
}
