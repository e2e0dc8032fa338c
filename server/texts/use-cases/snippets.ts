import { z } from 'zod';
import { and, asc, eq } from 'drizzle-orm';
import type { Ctx } from '../../platform/context';
import { problem } from '../../platform/http/problems';
import { recordAdminChange } from '../../platform/events/admin-change';
import { inTransaction } from '../../platform/transaction';
import { SNIPPET_KINDS, textSnippets, type SnippetKind } from '../tables';

const Fields = {
  title: z.string().trim().min(1).max(40),
  body: z.string().trim().min(1).max(2000),
  categoryCode: z
    .string()
    .trim()
    .regex(/^\d{2,12}$/)
    .nullable()
    .default(null),
  sort: z.number().int().min(0).max(9999).default(0),
  active: z.boolean().default(true),
};
export const CreateSnippetInput = z.strictObject({ kind: z.enum(SNIPPET_KINDS), ...Fields });
export const UpdateSnippetInput = z.strictObject(Fields);
export type CreateSnippetInput = z.infer<typeof CreateSnippetInput>;
export type UpdateSnippetInput = z.infer<typeof UpdateSnippetInput>;

/** The administrator's list (all), or what an agent or a unit clerk may pick from (in use only). */
export async function listSnippets(ctx: Ctx, kind: SnippetKind | undefined, activeOnly: boolean) {
  return ctx.db
    .select()
    .from(textSnippets)
    .where(and(kind ? eq(textSnippets.kind, kind) : undefined, activeOnly ? eq(textSnippets.active, true) : undefined))
    .orderBy(asc(textSnippets.kind), asc(textSnippets.sort), asc(textSnippets.title));
}

const snippetView = (t: typeof textSnippets.$inferSelect) => ({
  kind: t.kind,
  title: t.title,
  body: t.body,
  categoryCode: t.categoryCode,
  sort: t.sort,
  active: t.active,
});

export async function createSnippet(ctx: Ctx, input: CreateSnippetInput) {
  return inTransaction(ctx, async (tx) => {
    const [row] = await tx.insert(textSnippets).values(input).returning();
    await recordAdminChange(tx, ctx, {
      entity: 'text_snippet',
      id: row.id,
      action: 'created',
      after: snippetView(row),
      audit: { kind: input.kind, title: input.title },
    });
    return row;
  });
}

export async function updateSnippet(ctx: Ctx, id: string, input: UpdateSnippetInput) {
  return inTransaction(ctx, async (tx) => {
    const [before] = await tx.select().from(textSnippets).where(eq(textSnippets.id, id)).for('update');
    if (!before) throw problem('NOT_FOUND');
    const [row] = await tx
      .update(textSnippets)
      .set({ ...input, updatedAt: ctx.now() })
      .where(eq(textSnippets.id, id))
      .returning();
    await recordAdminChange(tx, ctx, {
      entity: 'text_snippet',
      id,
      action: 'updated',
      before: snippetView(before),
      after: snippetView(row),
      audit: { kind: before.kind, before: { title: before.title, body: before.body, active: before.active } },
    });
    return row;
  });
}
