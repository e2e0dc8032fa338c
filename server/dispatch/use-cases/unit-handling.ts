/**
 * What a handling unit (承办单位) does with a dispatched ticket: sign for it (签收), start,
 * reply (答复), ask to return it (退单) or for more time (延期). The lead unit's steps move the
 * ticket; an assisting unit's steps move only its own dispatch and are reported to the lead.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../platform/context';
import { problem } from '../../platform/http/problems';
import { dispatches } from '../tables';
import { assertDispatchMove, OPEN_DISPATCH_STATUSES } from '../states';
import { guardAction } from '../../tickets/guard';
import { recordEvent } from '../../tickets/events';
import { attachmentIdOf, uploadsOfTicket } from '../../attachments/store';
import type { Tx } from '../../platform/db/client';
import { inTransaction } from '../../platform/transaction';
import { chinaDayOf, extensionDeadlines } from '../../sla/extension';

const Note = z.string().trim().max(2000);

export const SignInput = z.strictObject({});
export async function signForTicket(ctx: Ctx, ticketId: string, _input: z.infer<typeof SignInput>) {
  await inTransaction(ctx, async (tx) => {
    const { ticket, transition, unitDispatch: d } = await guardAction(tx, ctx, ticketId, 'sign');
    if (!d) throw problem('TICKET_NOT_FOUND');
    assertDispatchMove(d, 'signed');
    const at = ctx.now();
    await tx.update(dispatches).set({ status: 'signed', signedAt: at, updatedAt: at }).where(eq(dispatches.id, d.id));
    const lead = d.role === 'lead';
    await recordEvent(tx, ctx, ticket.id, {
      type: lead ? 'ticket.signed' : 'dispatch.signed',
      from: lead ? ticket.status : null,
      to: lead ? transition.to : null,
      unitId: d.unitId,
      notifyUnitIds: [d.unitId],
      data: { dispatchId: d.id, role: d.role, late: !!d.signDueAt && at > d.signDueAt },
    });
  });
}

export const StartInput = z.strictObject({});
export async function startHandling(ctx: Ctx, ticketId: string, _input: z.infer<typeof StartInput>) {
  await inTransaction(ctx, async (tx) => {
    const { ticket, transition, unitDispatch: d } = await guardAction(tx, ctx, ticketId, 'start');
    assertDispatchMove(d!, 'in_progress');
    await tx.update(dispatches).set({ status: 'in_progress', updatedAt: ctx.now() }).where(eq(dispatches.id, d!.id));
    await recordEvent(tx, ctx, ticket.id, {
      type: 'ticket.started',
      from: ticket.status,
      to: transition.to,
      unitId: d!.unitId,
      notifyUnitIds: [d!.unitId],
    });
  });
}

/** 办理结果: solved; partly solved; not solved, with the reason explained to the citizen. */
export const REPLY_OUTCOMES = ['resolved', 'partly_resolved', 'explained'] as const;
export const ReplyInput = z.strictObject({
  text: z.string().trim().min(1).max(10000),
  /** Required when the lead replies before every assisting unit has reported (recorded on the timeline). */
  earlyReplyReason: z.string().trim().min(1).max(2000).optional(),
  attachments: z
    .array(z.strictObject({ name: z.string().max(200), storageKey: z.string().max(300) }))
    .max(10)
    .default([]),
  // Optional in the API (older integrations reply with text only); the console asks for all of them.
  outcome: z.enum(REPLY_OUTCOMES).optional(),
  /** 是否联系市民, and when: a reply "we called the citizen" with no time is what reviewers send back. */
  citizenContacted: z.boolean().optional(),
  contactedAt: z.iso.datetime({ offset: true }).optional(),
});
export type ReplyDetails = { outcome: string | null; citizenContacted: boolean | null; contactedAt: string | null };

/**
 * The reply's structured fields, checked against the ticket: a contact time only when the citizen
 * was contacted, required then, after the appeal came in and not in the future (within a minute either way).
 */
function replyDetails(input: z.infer<typeof ReplyInput>, createdAt: Date, now: Date): ReplyDetails | null {
  if (input.outcome === undefined && input.citizenContacted === undefined && input.contactedAt === undefined) return null;
  if (input.contactedAt && input.citizenContacted !== true) throw problem('REPLY_CONTACT_INVALID', 'a contact time needs citizenContacted: true');
  if (input.citizenContacted && !input.contactedAt) throw problem('REPLY_CONTACT_INVALID', 'contactedAt is required when the citizen was contacted');
  const at = input.contactedAt ? new Date(input.contactedAt) : null;
  // A minute either way: the form picks minutes, so "just now" may read a few seconds before the appeal came in.
  if (at && (at.getTime() > now.getTime() + 60_000 || at.getTime() < createdAt.getTime() - 60_000))
    throw problem('REPLY_CONTACT_INVALID', "contactedAt outside the ticket's life");
  return { outcome: input.outcome ?? null, citizenContacted: input.citizenContacted ?? null, contactedAt: at ? at.toISOString() : null };
}
/** 答复. Only the lead's reply moves the ticket to `replied`; an assisting unit's reply is its report to the lead. */
export async function replyTicket(ctx: Ctx, ticketId: string, input: z.infer<typeof ReplyInput>) {
  await inTransaction(ctx, async (tx) => {
    const { ticket, transition, unitDispatch: d } = await guardAction(tx, ctx, ticketId, 'reply');
    if (!d) throw problem('TICKET_NOT_FOUND');
    const attachments = await replyFiles(tx, ticket.id, input.attachments);
    const at = ctx.now();
    const details = replyDetails(input, ticket.createdAt, at);
    // An assisting unit's report and the lead's reply leave the same marks on the dispatch.
    const repliedColumns = {
      status: 'replied' as const,
      replyText: input.text,
      replyDetails: details,
      repliedAt: at,
      firstRespondedAt: d.firstRespondedAt ?? at,
      nextWakeAt: null,
      updatedAt: at,
    };
    if (d.role === 'assisting') {
      assertDispatchMove(d, 'replied');
      await tx.update(dispatches).set(repliedColumns).where(eq(dispatches.id, d.id));
      await recordEvent(tx, ctx, ticket.id, {
        type: 'dispatch.assist_reported',
        unitId: d.unitId,
        notifyUnitIds: [d.unitId],
        data: { dispatchId: d.id, attachments, details },
      });
      return;
    }
    const pending = await pendingAssists(tx, ticket.id, d.round);
    if (pending.length && !input.earlyReplyReason) {
      throw problem('ASSISTING_UNITS_PENDING', `${pending.length} assisting unit(s) have not reported`, { unitIds: pending.map((p) => p.unitId) });
    }
    await tx.update(dispatches).set(repliedColumns).where(eq(dispatches.id, d.id));
    await recordEvent(tx, ctx, ticket.id, {
      type: 'ticket.replied',
      reason: pending.length ? input.earlyReplyReason : null,
      from: ticket.status,
      to: transition.to,
      unitId: d.unitId,
      notifyUnitIds: [d.unitId],
      data: {
        dispatchId: d.id,
        attachments,
        late: !!d.replyDueAt && at > d.replyDueAt,
        details,
        ...(pending.length ? { beforeAssistingUnits: pending.map((p) => p.unitId) } : {}),
      },
      patch: { replyText: input.text, repliedAt: at },
    });
  });
}

/** 协办 dispatches of the round that still owe the lead their report. */
async function pendingAssists(tx: Tx, ticketId: string, round: number) {
  return tx
    .select({ unitId: dispatches.unitId })
    .from(dispatches)
    .where(
      and(eq(dispatches.ticketId, ticketId), eq(dispatches.round, round), eq(dispatches.role, 'assisting'), inArray(dispatches.status, OPEN_DISPATCH_STATUSES)),
    );
}

/**
 * A reply may cite only files uploaded for this ticket (POST /api/tickets/:id/attachments): a key
 * of another ticket's file, or a made-up one, is refused. The event keeps each file's stored type and size.
 */
async function replyFiles(tx: Tx, ticketId: string, cited: { name: string; storageKey: string }[]) {
  const ids = cited.map((c) => attachmentIdOf(c.storageKey));
  if (ids.some((i) => !i)) throw problem('ATTACHMENT_INVALID');
  const found = new Map((await uploadsOfTicket(tx, ticketId, ids as string[])).map((r) => [r.id, r]));
  return cited.map((c, i) => {
    const row = found.get(ids[i]!);
    if (!row) throw problem('ATTACHMENT_INVALID', c.storageKey);
    return { name: c.name, storageKey: c.storageKey, mime: row.mime, size: row.size };
  });
}

import { RETURN_REASONS } from '../../../contract/enums';
import { markResponded } from '../response';
export { RETURN_REASONS };
export const RequestReturnInput = z.strictObject({ reasonCode: z.enum(RETURN_REASONS), note: Note.min(1) });
/** 退单 needs a reason, and must come within the policy's return window. */
export async function requestReturn(ctx: Ctx, ticketId: string, input: z.infer<typeof RequestReturnInput>) {
  await inTransaction(ctx, async (tx) => {
    const { ticket, transition, unitDispatch: d } = await guardAction(tx, ctx, ticketId, 'request-return');
    assertDispatchMove(d!, 'return_requested');
    const at = ctx.now();
    if (d!.returnWindowEndsAt && at > d!.returnWindowEndsAt) throw problem('RETURN_WINDOW_CLOSED');
    await tx
      .update(dispatches)
      .set({
        status: 'return_requested',
        returnReasonCode: input.reasonCode,
        returnNote: input.note,
        statusBeforeReturn: d!.status,
        updatedAt: at,
      })
      .where(eq(dispatches.id, d!.id));
    // A return asked within the limit answers the dispatch (response rate), unless the citizen was already reached.
    const respondedOnTime = await markResponded(tx, d!, at);
    await recordEvent(tx, ctx, ticket.id, {
      type: 'dispatch.return_requested',
      from: ticket.status,
      to: transition.to,
      reason: input.note,
      unitId: d!.unitId,
      notifyUnitIds: [d!.unitId],
      data: { dispatchId: d!.id, reasonCode: input.reasonCode, respondedOnTime },
    });
  });
}

export const RequestExtensionInput = z.strictObject({
  /** Without it, the policy's `extendedReplyLimit` (counted from dispatch) sets the new deadline. */
  newDueDate: z.iso.date().optional(),
  reason: Note.min(1),
});
/**
 * 延期: asked before the deadline, with a reason and a new date: a working day, within the
 * policy's maximum (sla/extension.ts), checked now so the unit hears it before the centre does.
 */
export async function requestExtension(ctx: Ctx, ticketId: string, input: z.infer<typeof RequestExtensionInput>) {
  await inTransaction(ctx, async (tx) => {
    const { ticket, transition, unitDispatch: d } = await guardAction(tx, ctx, ticketId, 'request-extension');
    const at = ctx.now();
    const max = Number((d!.policy as { maxExtensions?: number } | null)?.maxExtensions ?? 1);
    if (d!.extensionCount >= max) throw problem('EXTENSION_LIMIT_REACHED', `max ${max}`);
    if (d!.replyDueAt && at > d!.replyDueAt) throw problem('EXTENSION_TOO_LATE');
    const next = await extensionDeadlines(tx, d!, input.newDueDate, at, { strict: true });
    await tx
      .update(dispatches)
      .set({
        status: 'extension_requested',
        requestedDueDate: input.newDueDate ?? null,
        extensionReason: input.reason,
        updatedAt: at,
      })
      .where(eq(dispatches.id, d!.id));
    await recordEvent(tx, ctx, ticket.id, {
      type: 'extension.requested',
      from: ticket.status,
      to: transition.to,
      reason: input.reason,
      unitId: d!.unitId,
      notifyUnitIds: [d!.unitId],
      data: { dispatchId: d!.id, newDueDate: input.newDueDate ?? chinaDayOf(next.replyDueAt) },
    });
  });
}
