import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../platform/context';
import { problem } from '../platform/http/problems';
import { sqlList } from '../platform/db/sql-list';
import { TICKET_STATUSES } from './tables';
import { leadDispatchSql } from '../dispatch/lead-dispatch';
import { copiedToUnitSql } from '../dispatch/use-cases/copy-ticket';
import { SUPERSEDED_DISPATCH_STATUSES } from '../dispatch/states';

export const ListTicketsQuery = z.strictObject({
  status: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',').filter(Boolean) : undefined))
    .pipe(z.array(z.enum(TICKET_STATUSES)).optional()),
  q: z.string().trim().max(100).optional(),
  number: z
    .string()
    .regex(/^\d{1,13}$/)
    .optional(),
  unitId: z.uuid().optional(),
  overdue: z.enum(['true', 'false']).optional(),
  mine: z.enum(['true', 'false']).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(1000).default(50),
  /** `deadline`: the clock that runs out first on top (sign-for while dispatched, then reply), overdue first. */
  sort: z.enum(['newest', 'deadline']).default('newest'),
});
export type ListTicketsQuery = z.infer<typeof ListTicketsQuery>;

const SUMMARY_COLUMNS = sql`
  t.id, t.number, t.status, t.channel, t.title, t.appeal_type as "appealType", t.urgency, t.emergency,
  t.category_code as "categoryCode", c.name as "categoryName", t.region_code as "regionCode",
  t.created_at as "createdAt", t.updated_at as "updatedAt", t.overdue, t.reminded, t.supervised, t.escalated,
  t.anonymous_to_units as "anonymousToUnits", t.citizen_id as "citizenId", t.version,
  ld.unit_id as "leadUnitId", u.name as "leadUnitName", ld.reply_due_at as "replyDueAt", ld.sign_due_at as "signDueAt"`;

const SUMMARY_FROM = sql`
  from tickets t
  left join lateral ${sql.raw(leadDispatchSql('t.id', 't.current_round'))} ld on true
  left join handling_units u on u.id = ld.unit_id
  left join lateral (select name from categories where code = t.category_code order by version desc limit 1) c on true`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw SQL rows; presenters whitelist fields
export type TicketSummaryRow = { [k: string]: any; id: string; citizenId: string | null; anonymousToUnits: boolean };

/** Roles of the centre's desk: the only ones whose search may look a caller up by phone or ID number. */
export const searchesByPii = (a: Ctx['actor']) => a.kind === 'staff' && ['agent', 'dispatcher', 'supervisor'].includes(a.role);

/**
 * What a search text is: a mobile number, an ID number (GB 11643 shape), some other run of 7+
 * digits (a phone or ID typed another way, a ticket number), or words.
 */
export function searchKind(q: string): 'phone' | 'idNumber' | 'digits' | 'text' {
  const compact = q.replace(/[\s\-+()]/g, '');
  if (/^(?:86)?1[3-9]\d{9}$/.test(compact)) return 'phone';
  if (/^\d{17}[\dXx]$/.test(compact)) return 'idNumber';
  return /\d{7,}/.test(compact) ? 'digits' : 'text';
}

/**
 * A phone number finds the caller's history (screen pop), an ID number the citizen's — for the
 * centre's desk only. Anyone else's digits match a ticket number and nothing else: not the title
 * or text either, where the citizen may have typed their number, so a clerk cannot find who filed
 * an anonymous report or walk the numbers behind `139****3927`.
 */
function searchCondition(ctx: Ctx, q: string): SQL {
  const kind = searchKind(q);
  const compact = q.replace(/[\s\-+()]/g, '');
  if (kind === 'text') return sql`(t.title ilike ${'%' + q + '%'} or t.number = ${q})`;
  if (!searchesByPii(ctx.actor) || kind === 'digits') return sql`t.number = ${compact}`;
  if (kind === 'phone') {
    const phoneHashes = ctx.svc.pii.hashes('phone', compact.slice(-11));
    return sql`t.citizen_id in (select citizen_id from citizen_contacts where kind = 'phone' and value_hash in ${sqlList(phoneHashes)})`;
  }
  const idHashes = ctx.svc.pii.hashes('id', compact.toUpperCase());
  return sql`t.citizen_id in (select id from citizens where id_number_hash in ${sqlList(idHashes)})`;
}

/**
 * Unit clerks see only tickets dispatched to their unit (any round); everyone else sees all. A unit
 * a ticket was copied to (抄送) may open it (`withCopies`, the detail page) but does not get it in its
 * working list: copies have their own list (GET /api/unit/copies).
 */
function visibility(ctx: Pick<Ctx, 'actor'>, opts: { withCopies?: boolean } = {}): SQL {
  const a = ctx.actor;
  if (a.kind === 'staff' && a.role === 'unit_clerk') {
    // The detail page opens any ticket the unit ever held (its history); the work list leaves out the ones
    // taken away from it (returned, recalled: 撤回/改派), which it no longer owes anything on.
    if (opts.withCopies && a.unitId) {
      return sql`(exists (select 1 from dispatches vd where vd.ticket_id = t.id and vd.unit_id = ${a.unitId}) or ${copiedToUnitSql(a.unitId)})`;
    }
    return sql`exists (select 1 from dispatches vd where vd.ticket_id = t.id and vd.unit_id = ${a.unitId}
      and vd.status not in (${sql.join(
        SUPERSEDED_DISPATCH_STATUSES.map((s) => sql`${s}`),
        sql`, `,
      )}))`;
  }
  if (a.kind === 'staff') return sql`true`;
  return sql`false`;
}

/**
 * The inbox order. By deadline, a unit sees its own clock (its dispatch on the current round, lead or
 * assisting: sign-for while unsigned, then reply); the centre sees the lead unit's. No deadline last.
 */
function orderOf(ctx: Ctx, q: ListTicketsQuery): SQL {
  if (q.sort !== 'deadline') return sql`t.created_at desc`;
  const unitId = ctx.actor.kind === 'staff' && ctx.actor.role === 'unit_clerk' ? ctx.actor.unitId : q.unitId;
  const due = unitId
    ? sql`(select case when d.status = 'dispatched' then d.sign_due_at else d.reply_due_at end from dispatches d
        where d.ticket_id = t.id and d.unit_id = ${unitId} and d.round = t.current_round and d.status <> 'returned'
        order by d.created_at desc limit 1)`
    : sql`(case when t.status = 'dispatched' then ld.sign_due_at else ld.reply_due_at end)`;
  return sql`${due} asc nulls last, t.created_at asc`;
}

export async function listTickets(ctx: Ctx, q: ListTicketsQuery) {
  const where: SQL[] = [visibility(ctx)];
  if (q.status?.length)
    where.push(
      sql`t.status in (${sql.join(
        q.status.map((s) => sql`${s}`),
        sql`, `,
      )})`,
    );
  if (q.number) where.push(sql`t.number like ${q.number + '%'}`);
  if (q.unitId) where.push(sql`exists (select 1 from dispatches ud where ud.ticket_id = t.id and ud.unit_id = ${q.unitId})`);
  if (q.overdue === 'true') where.push(sql`t.overdue`);
  if (q.mine === 'true' && ctx.actor.kind === 'staff') where.push(sql`t.created_by = ${ctx.actor.id}`);
  if (q.q) where.push(searchCondition(ctx, q.q));
  const cond = sql.join(where, sql` and `);
  const offset = (q.page - 1) * q.pageSize;
  const rows = await ctx.db.execute<TicketSummaryRow>(sql`select ${SUMMARY_COLUMNS} ${SUMMARY_FROM} where ${cond}
    order by ${orderOf(ctx, q)} limit ${q.pageSize} offset ${offset}`);
  const [{ total }] = (await ctx.db.execute<{ total: number }>(sql`select count(*)::int as total from tickets t where ${cond}`)).rows;
  return { rows: rows.rows, total, page: q.page, pageSize: q.pageSize };
}

/** Whether the actor may see the ticket: the ticket detail's own rule (clerks only their units' tickets). */
export async function ticketVisibleTo(ctx: Pick<Ctx, 'db' | 'actor'>, id: string): Promise<boolean> {
  if (!z.uuid().safeParse(id).success) return false;
  const r = await ctx.db.execute(sql`select 1 from tickets t where t.id = ${id} and ${visibility(ctx)}`);
  return r.rows.length > 0;
}

/** 404 unless the actor may see the ticket. */
export async function assertTicketVisible(ctx: Ctx, id: string): Promise<void> {
  if (!(await ticketVisibleTo(ctx, id))) throw problem('TICKET_NOT_FOUND');
}

export type TicketDetailRow = TicketSummaryRow & { dispatches: Record<string, unknown>[]; timeline: Record<string, unknown>[] };

export async function getTicketRow(ctx: Ctx, id: string): Promise<TicketDetailRow> {
  if (!z.uuid().safeParse(id).success) throw problem('TICKET_NOT_FOUND');
  const r = await ctx.db.execute<TicketSummaryRow>(sql`select ${SUMMARY_COLUMNS}, t.content, t.address_enc as "addressEnc",
    t.suggestion, t.classifier_version as "classifierVersion", t.reply_text as "replyText", t.answer_text as "answerText",
    t.decline_reason as "declineReason", t.current_round as "currentRound", t.reopen_count as "reopenCount",
    t.merged_into_id as "mergedIntoId", t.category_version as "categoryVersion"
    ${SUMMARY_FROM} where t.id = ${id} and ${visibility(ctx, { withCopies: true })}`);
  const row = r.rows[0];
  if (!row) throw problem('TICKET_NOT_FOUND');
  const [dispatchRows, timeline] = await Promise.all([
    ctx.db.execute(sql`select d.id, d.unit_id as "unitId", u.name as "unitName", d.role, d.round, d.status,
      d.sign_due_at as "signDueAt", d.reply_due_at as "replyDueAt", d.signed_at as "signedAt", d.replied_at as "repliedAt",
      d.reply_text as "replyText", d.reply_details as "replyDetails", d.return_reason_code as "returnReasonCode", d.extension_count as "extensionCount",
      d.requested_due_date as "requestedDueDate", d.overdue_at as "overdueAt", d.reminded_at as "remindedAt",
      d.deadlines_provisional as "deadlinesProvisional"
      from dispatches d join handling_units u on u.id = d.unit_id where d.ticket_id = ${id} order by d.round, d.created_at`),
    ctx.db.execute(sql`select seq, type, at, actor_name as "actorName", actor_role as "actorRole", unit_id as "unitId",
      from_status as "fromStatus", to_status as "toStatus", reason, data from ticket_events where ticket_id = ${id} order by seq`),
  ]);
  return { ...row, dispatches: dispatchRows.rows, timeline: timeline.rows };
}

/** Caller identity for presenters: decrypted here, masked or audited by the presenter. */
export async function callerOf(ctx: Ctx, citizenId: string | null): Promise<{ name: string | null; phone: string | null }> {
  if (!citizenId) return { name: null, phone: null };
  return (await callersOf(ctx, [citizenId])).get(citizenId) ?? { name: null, phone: null };
}

/** Callers of many tickets in one query (a list page must not cost a query per row). */
export async function callersOf(ctx: Ctx, citizenIds: (string | null)[]) {
  const ids = [...new Set(citizenIds.filter((x): x is string => !!x))];
  const out = new Map<string, { name: string | null; phone: string | null }>();
  if (ids.length === 0) return out;
  const r = await ctx.db.execute<{ id: string; nameEnc: string | null; phoneEnc: string | null }>(sql`select c.id, c.name_enc as "nameEnc",
    (select value_enc from citizen_contacts cc where cc.citizen_id = c.id and cc.kind = 'phone' order by created_at limit 1) as "phoneEnc"
    from citizens c where c.id in (${sql.join(
      ids.map((i) => sql`${i}`),
      sql`, `,
    )})`);
  for (const row of r.rows) out.set(row.id, { name: ctx.svc.pii.decryptOpt(row.nameEnc), phone: ctx.svc.pii.decryptOpt(row.phoneEnc) });
  return out;
}
