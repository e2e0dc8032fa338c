import { z } from 'zod';
import { asc, eq } from 'drizzle-orm';
import type { Ctx } from '../../platform/context';
import { problem } from '../../platform/http/problems';
import { recordAdminChange } from '../../platform/events/admin-change';
import { inTransaction } from '../../platform/transaction';
import { messageTemplates, TEMPLATE_CHANNELS, type TemplateChannel } from '../tables';
import { placeholdersIn } from '../placeholders';
import { knownVariables } from '../notice-texts';

/** Per channel: an SMS of more than ~5 segments is cut or refused by the gateways; WeChat template fields are short. */
export const MAX_BODY: Record<TemplateChannel, number> = { sms: 300, wechat: 1000, mail: 20_000 };

const Fields = {
  name: z.string().trim().min(1).max(60),
  subject: z.string().trim().max(200).nullable().default(null),
  body: z.string().trim().min(1).max(20_000),
  variables: z
    .array(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,31}$/))
    .max(20)
    .default([]),
  active: z.boolean().default(true),
};
export const CreateTemplateInput = z.strictObject({
  code: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_]{1,40}$/),
  channel: z.enum(TEMPLATE_CHANNELS),
  ...Fields,
});
export const UpdateTemplateInput = z.strictObject(Fields);
export type CreateTemplateInput = z.infer<typeof CreateTemplateInput>;
export type UpdateTemplateInput = z.infer<typeof UpdateTemplateInput>;

/**
 * The rules a template must keep before it is stored: declared variables only, balanced braces, the
 * channel's length, and, for a notice the platform sends, only the variables its sender fills in.
 * A code nothing sends yet (a notice being prepared) is held to its declaration alone.
 */
export function checkTemplate(code: string, channel: TemplateChannel, t: UpdateTemplateInput) {
  if (t.body.length > MAX_BODY[channel]) throw problem('TEMPLATE_TOO_LONG', `${t.body.length} > ${MAX_BODY[channel]}`, { max: MAX_BODY[channel] });
  if (channel === 'mail' && !t.subject) throw problem('TEMPLATE_SUBJECT_REQUIRED');
  const used: string[] = [];
  for (const [field, text] of [
    ['body', t.body],
    ['subject', t.subject ?? ''],
  ] as const) {
    const r = placeholdersIn(text);
    if (!r.ok) throw problem('TEMPLATE_SYNTAX', `${field} at ${r.syntaxAt}`, { field, at: r.syntaxAt });
    used.push(...r.used);
  }
  const undeclared = [...new Set(used.filter((v) => !t.variables.includes(v)))];
  if (undeclared.length) throw problem('TEMPLATE_VARIABLE_UNDECLARED', undeclared.join(', '), { undeclared, declared: t.variables });
  const known = knownVariables(code, channel);
  const unknown = known ? [...new Set([...t.variables, ...used].filter((v) => !known.includes(v)))] : [];
  if (unknown.length) throw problem('TEMPLATE_VARIABLE_UNKNOWN', unknown.join(', '), { unknown, known });
}

/** Each template with the variables its notice fills in (`knownVariables`; null for a code nothing sends yet). */
export async function listTemplates(ctx: Ctx) {
  const rows = await ctx.db.select().from(messageTemplates).orderBy(asc(messageTemplates.code), asc(messageTemplates.channel));
  return rows.map((r) => ({ ...r, knownVariables: knownVariables(r.code, r.channel) }));
}

const templateView = (t: typeof messageTemplates.$inferSelect) => ({
  code: t.code,
  channel: t.channel,
  name: t.name,
  subject: t.subject,
  body: t.body,
  variables: t.variables,
  active: t.active,
});

export async function createTemplate(ctx: Ctx, input: CreateTemplateInput) {
  checkTemplate(input.code, input.channel, input);
  return inTransaction(ctx, async (tx) => {
    const [row] = await tx.insert(messageTemplates).values(input).onConflictDoNothing().returning();
    if (!row) throw problem('TEMPLATE_EXISTS', `${input.code}/${input.channel}`);
    await recordAdminChange(tx, ctx, {
      entity: 'message_template',
      id: row.id,
      action: 'created',
      after: templateView(row),
      audit: { code: input.code, channel: input.channel },
    });
    return row;
  });
}

export async function updateTemplate(ctx: Ctx, id: string, input: UpdateTemplateInput) {
  return inTransaction(ctx, async (tx) => {
    const [before] = await tx.select().from(messageTemplates).where(eq(messageTemplates.id, id)).for('update');
    if (!before) throw problem('NOT_FOUND');
    checkTemplate(before.code, before.channel, input);
    const [row] = await tx
      .update(messageTemplates)
      .set({ ...input, updatedAt: ctx.now() })
      .where(eq(messageTemplates.id, id))
      .returning();
    await recordAdminChange(tx, ctx, {
      entity: 'message_template',
      id,
      action: 'updated',
      before: templateView(before),
      after: templateView(row),
      audit: {
        code: before.code,
        channel: before.channel,
        before: { body: before.body, subject: before.subject, variables: before.variables, active: before.active },
      },
    });
    return row;
  });
}
