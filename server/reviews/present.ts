import { sql } from 'drizzle-orm';
import type { Ctx } from '../platform/context';
import { maskAddress, maskPhone } from '../identity/checks';
import { redactForPublic } from '../identity/public-text';
import { iso } from '../tickets/present';

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const SCORE_LABELS: Record<number, string> = { 5: '非常满意', 4: '满意', 3: '基本满意', 2: '不满意', 1: '非常不满意' };

export function presentRating(r: Row) {
  return {
    id: r.id,
    ticketId: r.ticketId,
    round: r.round,
    score: r.score,
    label: SCORE_LABELS[r.score],
    bad: r.bad,
    source: r.source,
    unitId: r.unitId,
    handlerId: r.handlerId,
    realName: r.realName,
    excluded: r.excluded,
    excludedReason: r.excludedReason,
    createdAt: iso(r.createdAt),
  };
}

export function presentRectification(r: Row, events?: Row[]) {
  return {
    id: r.id,
    ratingId: r.ratingId,
    ticketId: r.ticketId,
    unitId: r.unitId,
    status: r.status,
    round: r.round,
    dueAt: iso(r.dueAt),
    overdue: r.overdue,
    verifyNote: r.verifyNote,
    reportText: r.reportText,
    reportedAt: iso(r.reportedAt),
    contestReason: r.contestReason,
    outcome: r.outcome,
    outcomeNote: r.outcomeNote,
    closedAt: iso(r.closedAt),
    version: r.version,
    createdAt: iso(r.createdAt),
    ...(events
      ? {
          events: events.map((e) => ({
            seq: e.seq,
            type: e.type,
            from: e.fromStatus,
            to: e.toStatus,
            actorRole: e.actorRole,
            reason: e.reason,
            data: e.data,
            at: iso(e.at),
          })),
        }
      : {}),
  };
}

/**
 * Street-level place: the administrative divisions down to 街道/镇/乡 (the same parser that masks
 * addresses for units, maskAddress), nothing below them — no road, house number or estate. A
 * division that is really a road or an estate ("体育东路街道" typed as one word with a number
 * after it) is not trusted: the place falls back to the district.
 */
export function streetLevel(address: string | null): string | null {
  if (!address) return null;
  const street = maskAddress(address, { level: 'street' }).replace(/\*+$/, '');
  const district = maskAddress(address).replace(/\*+$/, '');
  const suspicious = (s: string) => /[0-9０-９]|路|巷|弄|胡同|号|栋|幢|单元|室|小区|花园|苑|大厦|公寓|村/.test(s);
  if (street && !suspicious(street.slice(district.length))) return street;
  return district && !suspicious(district) ? district : null;
}

/**
 * What a citizen typed into a comment, or a unit into its report, as the public may read it:
 * phone numbers in any spelling, ID numbers, addresses, estates and names replaced by labels
 * (identity/public-text.ts). Units' case lists show the same text.
 */
export const scrubText = (s: string | null, knownNames: (string | null)[] = []) => (s ? redactForPublic(s, knownNames) : null);

/** The public page's id of a rating: 20 hex characters of a keyed hash (PII hash key). */
export const publicReviewId = (ctx: Ctx, ratingId: string) => ctx.svc.pii.hash('public-review', ratingId).slice(0, 20);

/**
 * The public page (好差评公示): reviews and rectification outcomes for one unit and month, with no
 * names, the phone masked and the place at street level.
 */
export async function publicReviews(ctx: Ctx, unitId: string, month: string) {
  const start = `${month}-01T00:00:00+08:00`;
  const r = await ctx.db.execute<Row>(sql`select r.id, r.score, r.excluded, r.created_at as "createdAt", r.comment,
      (select c.name_enc from citizens c where c.id = r.citizen_id) as "nameEnc",
      t.category_code as "categoryCode", t.appeal_type as "appealType", t.address_enc as "addressEnc", u.name as "unitName",
      (select value_enc from citizen_contacts cc where cc.citizen_id = r.citizen_id and cc.kind = 'phone' order by created_at limit 1) as "phoneEnc",
      x.status as "rectStatus", x.outcome, x.overdue, x.closed_at as "rectClosedAt", x.report_text as "reportText"
    from ratings r join tickets t on t.id = r.ticket_id left join handling_units u on u.id = r.unit_id
    left join rectifications x on x.rating_id = r.id
    where r.unit_id = ${unitId} and r.created_at >= ${start}::timestamptz and r.created_at < (${start}::timestamptz + interval '1 month')
    order by r.created_at`);
  const rows = r.rows.map((x) => {
    const phone = ctx.svc.pii.decryptOpt(x.phoneEnc);
    const names = [ctx.svc.pii.decryptOpt(x.nameEnc)];
    return {
      // Not the ticket number (sequential, and printed on every SMS the citizen got): an opaque,
      // stable id, a keyed hash of the rating that nobody outside can link to a ticket.
      id: publicReviewId(ctx, x.id),
      score: x.score,
      label: SCORE_LABELS[x.score],
      bad: x.score <= 2,
      excluded: x.excluded,
      categoryCode: x.categoryCode,
      appealType: x.appealType,
      place: streetLevel(ctx.svc.pii.decryptOpt(x.addressEnc)),
      citizenPhone: phone ? maskPhone(phone) : null,
      comment: scrubText(x.comment, names),
      ratedAt: iso(x.createdAt),
      rectification: x.rectStatus
        ? { status: x.rectStatus, outcome: x.outcome, overdue: x.overdue, closedAt: iso(x.rectClosedAt), report: scrubText(x.reportText, names) }
        : null,
    };
  });
  const counted = rows.filter((x) => !x.excluded);
  const good = counted.filter((x) => x.score >= 3).length;
  return {
    unit: { id: unitId, name: r.rows[0]?.unitName ?? null },
    month,
    summary: {
      ratings: rows.length,
      counted: counted.length,
      excluded: rows.length - counted.length,
      bad: counted.filter((x) => x.bad).length,
      satisfactionRate: counted.length ? good / counted.length : null,
      rectified: rows.filter((x) => x.rectification?.outcome === 'rectified').length,
    },
    reviews: rows,
  };
}
