import { and, eq, type SQL } from 'drizzle-orm';
import type { PgInsertValue } from 'drizzle-orm/pg-core';
import { CURRENT_CATEGORY_VERSION } from '../../catalog/current';
import { z } from 'zod';
import type { Ctx, ClassifierSuggestion } from '../../platform/context';
import { problem } from '../../platform/http/problems';
import { InboundAppeal, type ParsedInboundAppeal } from '../../../integrations/inbound-appeal';
import { tickets, APPEAL_TYPES, URGENCIES, EMERGENCY_LINES, type AppealType, type Urgency } from '../tables';
import { recordEvent } from '../events';
import { provenContactKinds, resolveCitizen } from '../../identity/use-cases/resolve-citizen';
import { validateCreditCode, validateIdNumber } from '../../identity/checks';
import { forgetTicketSequences, isMissingRelation, ticketNumberSql } from '../ticket-number';
import { autoTitle } from '../auto-title';
import type { Tx } from '../../platform/db/client';
import { inTransaction } from '../../platform/transaction';
import { sameMatterSignatureInsert } from '../same-matter';

/** What the centre already knows at intake beside the appeal (agent's choices, channel hints). */
export const IntakeOverrides = z.strictObject({
  appealType: z.enum(APPEAL_TYPES).optional(),
  urgency: z.enum(URGENCIES).optional(),
  emergency: z.enum(EMERGENCY_LINES).nullable().optional(),
  categoryCode: z.string().max(32).optional(),
  regionCode: z
    .string()
    .regex(/^\d{6,12}$/)
    .optional(),
});
export type IntakeOverrides = z.infer<typeof IntakeOverrides>;

export interface RegisterResult {
  ticketId: string;
  number: string;
  /** True when this (channel, account, externalId) was registered before: the first result is returned. */
  duplicate: boolean;
  /** The stored row and its first event, for a caller that answers without reading them back. */
  created?: { row: typeof tickets.$inferSelect; seq: number; at: Date; data: Record<string, unknown> };
}

/**
 * 受理: every channel's appeal becomes one ticket in status `received`, for one citizen,
 * with the classifier's suggestion stored beside it (the agent confirms or corrects on submit).
 */
export async function registerTicket(
  ctx: Ctx,
  appealInput: ParsedInboundAppeal,
  overrides: IntakeOverrides = {},
  /** Runs in the ticket's transaction once its id is known (the portal stores the appeal's files here). */
  inTx?: (tx: Tx, ticketId: string) => Promise<void>,
): Promise<RegisterResult> {
  const p = prepareIntake(ctx, appealInput, overrides);
  const groups = ctx.svc.intakeGroups;
  const result = groups?.accepts(ctx) ? await groups.submit({ ctx, p, inTx }) : await registerAlone(ctx, p, inTx);
  return result ?? (await findExisting(ctx, p.appeal))!;
}

/** What an appeal needs before any statement: checked, titled, classified, stamped. */
export interface PreparedIntake {
  appeal: ParsedInboundAppeal;
  overrides: IntakeOverrides;
  now: Date;
  title: string;
  suggestion: ClassifierSuggestion | null;
}

/** Validation and the CPU-only work of an intake; throws the caller's 4xx before the appeal joins any transaction. */
export function prepareIntake(ctx: Ctx, appealInput: ParsedInboundAppeal, overrides: IntakeOverrides): PreparedIntake {
  const appeal = InboundAppeal.parse(appealInput);
  checkIdentity(appeal);
  return {
    appeal,
    overrides,
    now: ctx.now(),
    title: appeal.content.title?.trim() || autoTitle(appeal.content.text),
    suggestion: safeClassify(ctx, appeal.content.title ?? null, appeal.content.text),
  };
}

/** The tickets row of a prepared intake; `number` is the day's sequence expression (ticket-number.ts). */
export function ticketValues(ctx: Ctx, p: PreparedIntake, number: SQL, citizenId: string | null): PgInsertValue<typeof tickets> {
  const { appeal, overrides, suggestion, now } = p;
  return {
    number,
    channel: appeal.channel,
    channelAccount: appeal.channelAccount,
    externalId: appeal.externalId,
    citizenId,
    anonymousToUnits: appeal.citizen.anonymousToUnits ?? false,
    title: p.title,
    content: appeal.content.text,
    addressEnc: ctx.svc.pii.encryptOpt(appeal.location?.address),
    regionCode: overrides.regionCode ?? appeal.location?.divisionCode ?? null,
    appealType: overrides.appealType ?? asAppealType(appeal.hints?.appealType) ?? asAppealType(suggestion?.type) ?? null,
    urgency: overrides.urgency ?? asUrgency(appeal.hints?.urgency) ?? asUrgency(suggestion?.urgency) ?? 'normal',
    emergency: overrides.emergency ?? null,
    categoryCode: overrides.categoryCode ?? appeal.hints?.categoryCode ?? appeal.hints?.serviceCode ?? null,
    // A code given at intake is a code of the tree in force (catalog/current.ts): the ticket keeps that version.
    categoryVersion: (overrides.categoryCode ?? appeal.hints?.categoryCode ?? appeal.hints?.serviceCode) ? CURRENT_CATEGORY_VERSION : null,
    suggestion: suggestion as Record<string, unknown> | null,
    classifierVersion: suggestion?.modelVersion ?? null,
    createdBy: ctx.actor.kind === 'staff' ? ctx.actor.id : null,
    createdAt: now,
    updatedAt: now,
  };
}

/** The `ticket.registered` event's data; categoryCode/regionCode: what the rollup files the ticket under until submit (reports/backfill.ts). */
export function registeredEventData(p: PreparedIntake, row: typeof tickets.$inferSelect) {
  // The files themselves stay where the channel stored them (storageKey); the timeline lists them.
  const files = p.appeal.attachments.map((a) => ({
    kind: a.kind,
    mime: a.mime,
    size: a.size ?? null,
    storageKey: a.storageKey ?? a.remoteRef ?? null,
    ...(a.name ? { name: a.name } : {}),
  }));
  return {
    channel: p.appeal.channel,
    attachments: p.appeal.attachments.length,
    suggested: p.suggestion?.category ?? null,
    categoryCode: row.categoryCode,
    regionCode: row.regionCode,
    ...(files.length ? { files } : {}),
  };
}

/**
 * One appeal in a transaction of its own: the path with group commit off, and each member's retry
 * when its group's transaction failed (intake-group.ts). Null: the appeal was registered before.
 */
export async function registerAlone(ctx: Ctx, p: PreparedIntake, inTx?: (tx: Tx, ticketId: string) => Promise<void>): Promise<RegisterResult | null> {
  const { appeal, now } = p;
  // The day's number sequence is known to exist per process; if it is gone (a restored database),
  // the transaction aborts before anything is kept, and one retry creates it first.
  const attempt = async (repair = false) => {
    const number = await ticketNumberSql(ctx.db, now, { repair });
    return inTransaction(ctx, async (tx) => {
      const citizenId = await resolveCitizen(tx, ctx, appeal.citizen, await provenContactKinds(tx, ctx, appeal));
      const inserted = await tx
        .insert(tickets)
        .values(ticketValues(ctx, p, number, citizenId))
        .onConflictDoNothing({ target: [tickets.channel, tickets.channelAccount, tickets.externalId] })
        .returning();
      if (inserted.length === 0) return null; // a retried push: answer with the first ticket
      const ticketId = inserted[0].id;
      const ticketNumber = inserted[0].number;
      if (inTx) await inTx(tx, ticketId);
      const data = registeredEventData(p, inserted[0]);
      // 并单: the signature every node's desk compares new appeals with (same-matter.ts), written by the event's statement.
      const seq = await recordEvent(tx, ctx, ticketId, {
        type: 'ticket.registered',
        to: 'received',
        data,
        at: now,
        alsoInsert: sameMatterSignatureInsert(ticketId, appeal.content.text, now),
      });
      return {
        ticketId,
        number: ticketNumber,
        duplicate: false,
        created: { row: { ...inserted[0], version: seq, status: 'received' as const }, seq, at: now, data },
      };
    });
  };
  return attempt().catch((err) => {
    if (!isMissingRelation(err)) throw err;
    ctx.log.warn({ err: (err as Error).message }, 'ticket number sequence missing; creating it and retrying the intake once');
    forgetTicketSequences(ctx.db);
    return attempt(true);
  });
}

export async function findExisting(ctx: Ctx, a: ParsedInboundAppeal): Promise<RegisterResult | null> {
  const [row] = await ctx.db
    .select({ id: tickets.id, number: tickets.number })
    .from(tickets)
    .where(and(eq(tickets.channel, a.channel), eq(tickets.channelAccount, a.channelAccount), eq(tickets.externalId, a.externalId)));
  return row ? { ticketId: row.id, number: row.number, duplicate: true } : null;
}

function checkIdentity(a: ParsedInboundAppeal) {
  if (a.citizen.idNumber) {
    const r = validateIdNumber(a.citizen.idNumber);
    if (!r.ok) throw problem('ID_NUMBER_INVALID', r.message.en, { reason: r.code });
  }
  if (a.citizen.creditCode) {
    const r = validateCreditCode(a.citizen.creditCode);
    if (!r.ok) throw problem('CREDIT_CODE_INVALID', r.message.en, { reason: r.code });
  }
}

/** The classifier helps; it never blocks intake. A failure is logged and the ticket goes on. */
function safeClassify(ctx: Ctx, title: string | null, content: string): ClassifierSuggestion | null {
  if (!ctx.svc.classify) return null;
  try {
    return ctx.svc.classify({ title, content });
  } catch (err) {
    ctx.log.warn({ err: (err as Error).message }, 'classifier failed; ticket registered without suggestion');
    return null;
  }
}

/** The classifier speaks the spec's Chinese labels; tickets store the English names of the glossary. */
const TYPE_NAMES: Record<string, AppealType> = {
  咨询: 'consult',
  求助: 'help',
  投诉: 'complaint',
  举报: 'report',
  建议: 'suggestion',
  表扬: 'praise',
  感谢: 'praise',
  其他: 'other',
};
const URGENCY_NAMES: Record<string, Urgency> = { 一般: 'normal', 紧急: 'urgent', 特急: 'critical' };
const asAppealType = (v: unknown): AppealType | undefined => (APPEAL_TYPES.includes(v as AppealType) ? (v as AppealType) : TYPE_NAMES[v as string]);
const asUrgency = (v: unknown): Urgency | undefined => (URGENCIES.includes(v as Urgency) ? (v as Urgency) : URGENCY_NAMES[v as string]);
