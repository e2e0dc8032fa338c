import { sql } from 'drizzle-orm';
import type { Ctx } from '../platform/context';
import { maskPhone } from '../identity/checks';
import { iso } from '../tickets/present';

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const SCORE_LABELS: Record<number, string> = { 5: '非常满意', 4: '满意', 3: '基本满意', 2: '不满意', 1: '非常不满意' };

export function presentRating(r: Row) {
  return {
    id: r.id, ticketId: r.ticketId, round: r.round, score: r.score, label: SCORE_LABELS[r.score], bad: r.bad, source: r.source,
    unitId: r.unitId, handlerId: r.handlerId, realName: r.realName, excluded: r.excluded, excludedReason: r.excludedReason,
    createdAt: iso(r.createdAt),
  };
}

export function presentRectification(r: Row, events?: Row[]) {
  return {
    id: r.id, ratingId: r.ratingId, ticketId: r.ticketId, unitId: r.unitId, status: r.status, dueAt: iso(r.dueAt), overdue: r.overdue,
    verifyNote: r.verifyNote, reportText: r.reportText, reportedAt: iso(r.reportedAt), contestReason: r.contestReason,
    outcome: r.outcome, outcomeNote: r.outcomeNote, closedAt: iso(r.closedAt), version: r.version, createdAt: iso(r.createdAt),
    ...(events ? { events: events.map((e) => ({ seq: e.seq, type: e.type, from: e.fromStatus, to: e.toStatus, actorRole: e.actorRole, reason: e.reason, data: e.data, at: iso(e.at) })) } : {}),
  };
}

/** Street-level place: keep the address down to its 街道/镇/乡 (or district), drop the rest. */
export function streetLevel(address: string | null): string | null {
  if (!address) return null;
  const m = address.match(/^(.{0,30}?(?:街道|镇|乡))/) ?? address.match(/^(.{0,20}?(?:区|县|旗))/);
  return m ? m[1] : null;
}

/** Personal details a citizen may type into a comment: phone-like digit runs and ID numbers. */
export const scrubText = (s: string | null) => (s ? s.replace(/\d{7,}[\dXx]?/g, (d) => (d.length >= 11 ? maskPhone(d) : '****')) : null);

/**
 * The public page (好差评公示): reviews and rectification outcomes for one unit and month, with no
 * names, the phone masked and the place at street level.
 */
export async function publicReviews(ctx: Ctx, unitId: string, month: string) {
  const start = `${month}-01T00:00:00+08:00`;
  const r = await ctx.db.execute<Row>(sql`select r.id, r.score, r.excluded, r.created_at as "createdAt", r.comment, t.number,
      t.category_code as "categoryCode", t.appeal_type as "appealType", t.address_enc as "addressEnc", u.name as "unitName",
      (select value_enc from citizen_contacts cc where cc.citizen_id = r.citizen_id and cc.kind = 'phone' order by created_at limit 1) as "phoneEnc",
      x.status as "rectStatus", x.outcome, x.overdue, x.closed_at as "rectClosedAt", x.report_text as "reportText"
    from ratings r join tickets t on t.id = r.ticket_id left join handling_units u on u.id = r.unit_id
    left join rectifications x on x.rating_id = r.id
    where r.unit_id = ${unitId} and r.created_at >= ${start}::timestamptz and r.created_at < (${start}::timestamptz + interval '1 month')
    order by r.created_at`);
  const rows = r.rows.map((x) => {
    const phone = ctx.svc.pii.decryptOpt(x.phoneEnc);
    return {
      ticketNumber: x.number, score: x.score, label: SCORE_LABELS[x.score], bad: x.score <= 2, excluded: x.excluded,
      categoryCode: x.categoryCode, appealType: x.appealType, place: streetLevel(ctx.svc.pii.decryptOpt(x.addressEnc)),
      citizenPhone: phone ? maskPhone(phone) : null, comment: scrubText(x.comment), ratedAt: iso(x.createdAt),
      rectification: x.rectStatus ? { status: x.rectStatus, outcome: x.outcome, overdue: x.overdue, closedAt: iso(x.rectClosedAt), report: scrubText(x.reportText) } : null,
    };
  });
  const counted = rows.filter((x) => !x.excluded);
  const good = counted.filter((x) => x.score >= 3).length;
  return {
    unit: { id: unitId, name: r.rows[0]?.unitName ?? null }, month,
    summary: { ratings: rows.length, counted: counted.length, excluded: rows.length - counted.length, bad: counted.filter((x) => x.bad).length,
      satisfactionRate: counted.length ? good / counted.length : null,
      rectified: rows.filter((x) => x.rectification?.outcome === 'rectified').length },
    reviews: rows,
  };
}
