import { asc, eq, sql } from 'drizzle-orm';
import { callbackAttempts } from './tables';
import type { Ctx } from '../platform/context';
import { maskPhone } from '../identity/checks';
import { callerOf } from '../tickets/queries';
import { iso } from '../tickets/present';
import { writeAudit } from '../platform/events/audit';

/** Callback link token for SMS / WeChat: keyed hash of the task id, so nothing extra is stored. */
export const callbackTokenFor = (ctx: Ctx, callbackId: string) => ctx.svc.pii.token('callback', callbackId);

export const CALLBACK_SCRIPT = (t: { number: string; title: string; replyText: string | null }) =>
  // A reply usually ends with its own full stop: drop it so the script does not read "。。".
  `您好，这里是12345热线回访。您于近期反映的"${t.title}"（工单号 ${t.number}）已办结，承办单位答复：${(t.replyText ?? '（直接答复）').replace(/[。.\s]+$/, '')}。` +
  '请问您的诉求是否已解决（已解决／部分解决／未解决）？您对办理结果是否满意：非常满意、满意、基本满意、不满意、非常不满意？';

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function presentCallback(r: Row) {
  return {
    id: r.id,
    ticketId: r.ticketId,
    ticketNumber: r.number,
    round: r.round,
    reason: r.reason,
    status: r.status,
    dueAt: iso(r.dueAt),
    overdue: r.status === 'pending' && new Date(r.dueAt) < new Date(),
    attempts: r.attempts,
    unit: r.unitId ? { id: r.unitId, name: r.unitName } : null,
    result: r.result,
    score: r.score,
    decision: r.decision,
    decisionReason: r.decisionReason,
    doneAt: iso(r.doneAt),
    createdAt: iso(r.createdAt),
  };
}

/** The agent's task detail: script, the caller's number in clear for the call (read is audited), the outcome form's options. */
export async function presentCallbackDetail(ctx: Ctx, r: Row) {
  const caller = await callerOf(ctx, r.citizenId);
  if (caller.phone && ctx.actor.kind === 'staff') {
    await writeAudit(ctx.db, ctx, { action: 'pii.read', entityType: 'ticket', entityId: r.ticketId, data: { fields: ['phone'], purpose: 'callback' } });
  }
  return {
    ...presentCallback(r),
    caller: { phone: caller.phone, phoneMasked: caller.phone ? maskPhone(caller.phone) : null },
    script: CALLBACK_SCRIPT({ number: r.number, title: r.title, replyText: r.replyText ?? r.answerText }),
    form: { results: ['solved', 'partly', 'unsolved'], scores: [5, 4, 3, 2, 1] },
    link: { callbackId: r.id, token: callbackTokenFor(ctx, r.id) },
    // 回访外呼: each CTI call and the SMS link it fell back to (empty when agents call).
    nextDialAt: iso(r.nextDialAt),
    dialAttempts: (await ctx.db.select().from(callbackAttempts).where(eq(callbackAttempts.callbackId, r.id)).orderBy(asc(callbackAttempts.attempt))).map(
      (a) => ({ attempt: a.attempt, channel: a.channel, status: a.status, detail: a.detail, requestedAt: iso(a.requestedAt), updatedAt: iso(a.updatedAt) }),
    ),
  };
}

export async function callbackRows(ctx: Ctx, where: { id?: string; status?: string; limit?: number }) {
  const r = await ctx.db.execute<Row>(sql`select c.id, c.ticket_id as "ticketId", c.round, c.reason, c.status, c.due_at as "dueAt",
      c.attempts, c.unit_id as "unitId", u.name as "unitName", c.result, c.score, c.decision, c.decision_reason as "decisionReason",
      c.done_at as "doneAt", c.next_dial_at as "nextDialAt", c.created_at as "createdAt", t.number, t.title, t.reply_text as "replyText", t.answer_text as "answerText",
      t.citizen_id as "citizenId"
    from callbacks c join tickets t on t.id = c.ticket_id left join handling_units u on u.id = c.unit_id
    where ${where.id ? sql`c.id = ${where.id}` : sql`true`} and ${where.status ? sql`c.status = ${where.status}` : sql`true`}
    order by c.due_at limit ${where.limit ?? 200}`);
  return r.rows;
}
