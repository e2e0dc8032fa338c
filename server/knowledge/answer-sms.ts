/**
 * "短信发送": the agent sends a knowledge-base answer to the caller's mobile. The request records
 * `knowledge.answer_sms_sent` on the ticket's timeline (event, audit and outbox row in one
 * transaction); the events worker then sends it through the deployment's SMS sender (template
 * knowledge_answer), keyed by the outbox row so a redelivered job sends nothing twice, and under
 * the sender's per-phone limit. Here, before anything is written: at most 3 answers per ticket and
 * 60 per agent an hour, so a slip of the keyboard cannot flood a citizen.
 */
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../platform/context';
import type { Runtime } from '../platform/runtime';
import type { HandlerRegistry } from '../platform/events/handlers';
import type { OutboxMessage } from '../platform/events/outbox';
import type { RateLimiter } from '../platform/http/rate-limit';
import { problem } from '../platform/http/problems';
import { inTransaction } from '../platform/transaction';
import { lockTicket } from '../tickets/guard';
import { recordEvent } from '../tickets/events';
import { normalizeMobile } from '../identity/checks';
import { knowledgeArticles } from './tables';

export const AnswerSmsInput = z.strictObject({ articleId: z.uuid() });
const CENTRE = new Set(['agent', 'dispatcher', 'supervisor']);
/** One long SMS is about 300 characters; the template's own words take ~30. */
const ANSWER_CHARS = 250;

async function callerMobile(db: Ctx['db'], ctx: Ctx, citizenId: string | null): Promise<string | null> {
  if (!citizenId) return null;
  const r = await db.execute<{ valueEnc: string }>(sql`select value_enc as "valueEnc" from citizen_contacts
    where citizen_id = ${citizenId} and kind = 'phone' order by verified_at desc nulls last, created_at limit 1`);
  const phone = r.rows[0] ? ctx.svc.pii.decrypt(r.rows[0].valueEnc) : null;
  const m = phone ? normalizeMobile(phone) : null;
  return m?.ok ? m.normalized : null;
}

export async function sendAnswerSms(ctx: Ctx, limiter: RateLimiter, ticketId: string, input: z.infer<typeof AnswerSmsInput>) {
  const a = ctx.actor;
  if (a.kind !== 'staff' || !CENTRE.has(a.role)) throw problem('FORBIDDEN');
  const [article] = await ctx.db
    .select({ id: knowledgeArticles.id, title: knowledgeArticles.title })
    .from(knowledgeArticles)
    .where(and(eq(knowledgeArticles.id, input.articleId), eq(knowledgeArticles.active, true)));
  if (!article) throw problem('ARTICLE_NOT_FOUND');
  const [ticketRow] = (await ctx.db.execute<{ citizenId: string | null }>(sql`select citizen_id as "citizenId" from tickets where id = ${ticketId}`)).rows;
  if (!ticketRow) throw problem('TICKET_NOT_FOUND');
  if (!(await callerMobile(ctx.db, ctx, ticketRow.citizenId))) throw problem('ANSWER_SMS_NO_MOBILE');
  if (!(await limiter.hit(`kb-sms:ticket:${ticketId}`, 3, 3600)) || !(await limiter.hit(`kb-sms:staff:${a.id}`, 60, 3600))) throw problem('RATE_LIMITED');
  await inTransaction(ctx, async (tx) => {
    await lockTicket(tx, ticketId);
    await recordEvent(tx, ctx, ticketId, { type: 'knowledge.answer_sms_sent', data: { knowledgeArticleId: article.id, title: article.title } });
  });
}

/** The worker's half: read the event and the article, send to the caller's mobile. */
async function deliverAnswerSms(rt: Runtime, m: OutboxMessage) {
  const ev = (
    await rt.db.execute<{ articleId: string; number: string; citizenId: string | null }>(sql`select e.data->>'knowledgeArticleId' as "articleId",
    t.number, t.citizen_id as "citizenId" from ticket_events e join tickets t on t.id = e.ticket_id
    where e.ticket_id = ${m.ticketId} and e.seq = ${m.version ?? -1} and e.type = 'knowledge.answer_sms_sent'`)
  ).rows[0];
  if (!ev) return;
  const [article] = await rt.db
    .select({ title: knowledgeArticles.title, body: knowledgeArticles.body })
    .from(knowledgeArticles)
    .where(eq(knowledgeArticles.id, ev.articleId));
  const phone = await callerMobile(rt.db, { svc: rt.svc } as Ctx, ev.citizenId);
  if (!article || !phone) {
    rt.log.warn({ ticketId: m.ticketId, outboxId: m.outboxId, article: !!article }, 'knowledge answer sms: nothing to send');
    return;
  }
  const body = article.body.replace(/\s+/g, ' ').trim();
  const answer = body.length > ANSWER_CHARS ? `${body.slice(0, ANSWER_CHARS - 1)}…` : body;
  await rt.sms.send(phone, 'knowledge_answer', { title: article.title.slice(0, 40), answer, ticketNo: ev.number }, `outbox-${m.outboxId}`);
}

export function registerAnswerSms(registry: HandlerRegistry, rt: Runtime) {
  registry.on(['knowledge.answer_sms_sent'], 'knowledge-answer-sms', (m) => deliverAnswerSms(rt, m));
}
