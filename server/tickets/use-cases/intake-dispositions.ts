/**
 * What the centre does with a fresh ticket before any unit sees it: answer it directly (直办),
 * transfer an emergency, decline (Beijing art. 11's special dispositions), merge a duplicate
 * (并单), or confirm its classification and send it on to dispatch. Each is one transaction
 * with its timeline event, audit row and outbox row.
 */
import { and, eq, inArray, ne } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../platform/context';
import { problem } from '../../platform/http/problems';
import { tickets, classifierCorrections, APPEAL_TYPES, URGENCIES, EMERGENCY_LINES } from '../tables';
import { categories } from '../../catalog/tables';
import { currentCategory } from '../../catalog/current';
import { guardAction } from '../guard';
import { recordEvent, type EventInput } from '../events';
import type { TicketEventType } from '../../platform/events/catalogue';
import { OPEN_STATUSES } from '../states';
import { inTransaction } from '../../platform/transaction';
import { openEmergencyLinkage } from '../../hotlines/linkages';
import { knowledgeArticles } from '../../knowledge/tables';

const Note = z.string().trim().max(2000);

export const AnswerDirectlyInput = z.strictObject({ answer: z.string().trim().min(1).max(5000), knowledgeArticleId: z.uuid().optional() });
export async function answerDirectly(ctx: Ctx, ticketId: string, input: z.infer<typeof AnswerDirectlyInput>) {
  // The article cited must exist: its title goes on the timeline, and its usage is counted.
  let articleTitle: string | undefined;
  if (input.knowledgeArticleId) {
    const [a] = await ctx.db.select({ title: knowledgeArticles.title }).from(knowledgeArticles).where(eq(knowledgeArticles.id, input.knowledgeArticleId));
    if (!a) throw problem('ARTICLE_NOT_FOUND');
    articleTitle = a.title;
  }
  await run(
    ctx,
    ticketId,
    'answer-directly',
    { type: 'ticket.answered_directly', data: { knowledgeArticleId: input.knowledgeArticleId ?? null, ...(articleTitle ? { articleTitle } : {}) } },
    { answerText: input.answer },
    null,
  );
}

export const CloseDirectInput = z.strictObject({ note: Note.optional() });
export async function closeDirect(ctx: Ctx, ticketId: string, input: z.infer<typeof CloseDirectInput>) {
  await run(ctx, ticketId, 'close-direct', { type: 'ticket.closed', data: {} }, { closedAt: ctx.now() }, input.note ?? null);
}

export const TransferEmergencyInput = z.strictObject({
  line: z.enum(EMERGENCY_LINES),
  /** The centre it was handed to, when not the line's usual one (e.g. a neighbouring district's 120). */
  targetCentre: z.string().trim().min(1).max(100).optional(),
  note: Note.optional(),
});
/** 联动对接: the transfer opens a linkage case (hotlines/linkages.ts) in the same transaction. */
export async function transferEmergency(ctx: Ctx, ticketId: string, input: z.infer<typeof TransferEmergencyInput>) {
  await inTransaction(ctx, async (tx) => {
    const { ticket, transition } = await guardAction(tx, ctx, ticketId, 'transfer-emergency');
    const linkage = await openEmergencyLinkage(tx, ctx, {
      ticketId: ticket.id,
      line: input.line,
      intakeAt: ticket.createdAt,
      targetCentre: input.targetCentre,
    });
    await recordEvent(tx, ctx, ticket.id, {
      type: 'ticket.transferred_emergency',
      from: ticket.status,
      to: transition.to,
      reason: input.note ?? null,
      data: { line: input.line, linkageId: linkage.id, targetCentre: linkage.targetCentre, transferSeconds: linkage.transferSeconds },
      patch: { emergency: input.line, urgency: 'critical' },
    });
  });
}

import { DECLINE_REASONS } from '../../../contract/enums';
export { DECLINE_REASONS };
export const DeclineInput = z.strictObject({ reasonCode: z.enum(DECLINE_REASONS), note: Note.min(1) });
export async function declineTicket(ctx: Ctx, ticketId: string, input: z.infer<typeof DeclineInput>) {
  await run(ctx, ticketId, 'decline', { type: 'ticket.declined', data: { reasonCode: input.reasonCode } }, { declineReason: input.reasonCode }, input.note);
}

export const MergeInput = z.strictObject({ intoTicketNumber: z.string().regex(/^\d{13}$/), note: Note.optional() });
export async function mergeTicket(ctx: Ctx, ticketId: string, input: z.infer<typeof MergeInput>) {
  await inTransaction(ctx, async (tx) => {
    const { ticket, transition } = await guardAction(tx, ctx, ticketId, 'merge');
    const [target] = await tx
      .select({ id: tickets.id, number: tickets.number })
      .from(tickets)
      .where(and(eq(tickets.number, input.intoTicketNumber), inArray(tickets.status, OPEN_STATUSES), ne(tickets.id, ticket.id)));
    if (!target) throw problem('MERGE_TARGET_INVALID', input.intoTicketNumber);
    await recordEvent(tx, ctx, ticket.id, {
      type: 'ticket.merged',
      from: ticket.status,
      to: transition.to,
      reason: input.note ?? null,
      data: { intoTicketId: target.id, intoTicketNumber: target.number },
      patch: { mergedIntoId: target.id },
    });
    await recordEvent(tx, ctx, target.id, {
      type: 'ticket.duplicate_attached',
      data: { ticketId: ticket.id, ticketNumber: ticket.number },
    });
  });
}

export const SubmitInput = z.strictObject({
  categoryCode: z.string().max(32).optional(),
  appealType: z.enum(APPEAL_TYPES).optional(),
  urgency: z.enum(URGENCIES).optional(),
  regionCode: z
    .string()
    .regex(/^\d{6,12}$/)
    .optional(),
});
/** The agent confirms (or corrects) the classification; a correction is kept as a training row. */
export async function submitTicket(ctx: Ctx, ticketId: string, input: z.infer<typeof SubmitInput>) {
  await inTransaction(ctx, async (tx) => {
    const { ticket, transition } = await guardAction(tx, ctx, ticketId, 'submit');
    const categoryCode = input.categoryCode ?? ticket.categoryCode;
    let categoryVersion = ticket.categoryVersion;
    let correction: { suggested: string; confirmed: string; categoryCode: string } | null = null;
    if (categoryCode) {
      const cat = await currentCategory(tx, categoryCode);
      if (!cat) throw problem('CATEGORY_NOT_FOUND', categoryCode);
      categoryVersion = cat.version;
      const suggested = (ticket.suggestion as { category?: string } | null)?.category;
      const top = await firstLevelName(tx, cat.version, cat.code);
      if (suggested && top && suggested !== top) {
        correction = { suggested, confirmed: top, categoryCode };
        await tx.insert(classifierCorrections).values({
          ticketId: ticket.id,
          modelVersion: ticket.classifierVersion,
          suggested,
          confirmed: top,
          categoryCode,
          agentId: ctx.actor.kind === 'staff' ? ctx.actor.id : null,
          at: ctx.now(),
        });
      }
    }
    await recordEvent(tx, ctx, ticket.id, {
      type: 'ticket.submitted',
      from: ticket.status,
      to: transition.to,
      // The category and region in force from here on, so a report back-fill (reports/backfill.ts)
      // attributes this ticket's events as the live rollup did.
      data: { categoryCode: categoryCode ?? null, regionCode: input.regionCode ?? ticket.regionCode ?? null, correction },
      patch: {
        categoryCode: categoryCode ?? null,
        categoryVersion,
        appealType: input.appealType ?? ticket.appealType,
        urgency: input.urgency ?? ticket.urgency,
        regionCode: input.regionCode ?? ticket.regionCode,
      },
    });
  });
}

async function firstLevelName(tx: Parameters<Parameters<Ctx['db']['transaction']>[0]>[0], version: number, code: string) {
  const [top] = await tx
    .select({ name: categories.name })
    .from(categories)
    .where(and(eq(categories.version, version), eq(categories.code, code.slice(0, 2))));
  return top?.name ?? null;
}

async function run<T extends TicketEventType>(
  ctx: Ctx,
  ticketId: string,
  action: Parameters<typeof guardAction>[3],
  event: EventInput<T>,
  patch: Partial<typeof tickets.$inferInsert>,
  reason: string | null,
) {
  await inTransaction(ctx, async (tx) => {
    const { ticket, transition } = await guardAction(tx, ctx, ticketId, action);
    await recordEvent<T>(tx, ctx, ticket.id, { ...event, from: ticket.status, to: transition.to, reason, patch });
  });
}
