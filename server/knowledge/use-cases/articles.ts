/**
 * Knowledge base articles (知识库): admin and supervisors write them; agents search them while
 * registering, and an article that answers a ticket directly is counted (the recordEvent hook).
 */
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../platform/context';
import { problem } from '../../platform/http/problems';
import { recordAdminChange } from '../../platform/events/admin-change';
import { inTransaction } from '../../platform/transaction';
import { knowledgeArticles } from '../tables';
import { docTerms, queryTerms } from '../search-text';

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const ArticleInput = z
  .strictObject({
    title: z.string().trim().min(1).max(200),
    body: z.string().trim().min(1).max(50_000),
    categoryCode: z.string().max(32).nullable().optional(),
    validFrom: Day.nullable().optional(),
    validTo: Day.nullable().optional(),
    ownerUnitId: z.uuid().nullable().optional(),
  })
  .refine((a) => !a.validFrom || !a.validTo || a.validFrom <= a.validTo, { message: 'validFrom after validTo', path: ['validTo'] });
export type ArticleInput = z.infer<typeof ArticleInput>;
export const ArticlePatch = z.strictObject({
  title: z.string().trim().min(1).max(200).optional(),
  body: z.string().trim().min(1).max(50_000).optional(),
  categoryCode: z.string().max(32).nullable().optional(),
  validFrom: Day.nullable().optional(),
  validTo: Day.nullable().optional(),
  ownerUnitId: z.uuid().nullable().optional(),
  active: z.boolean().optional(),
});

/** What an article change event shows (the body too: what agents quote is what changed). */
const articleView = (a: typeof knowledgeArticles.$inferSelect) => ({
  title: a.title,
  body: a.body,
  categoryCode: a.categoryCode,
  validFrom: a.validFrom,
  validTo: a.validTo,
  ownerUnitId: a.ownerUnitId,
  active: a.active,
});

export async function createArticle(ctx: Ctx, input: ArticleInput) {
  const a = ctx.actor;
  return inTransaction(ctx, async (tx) => {
    const [row] = await tx
      .insert(knowledgeArticles)
      .values({
        ...input,
        search: sql`to_tsvector('simple', ${docTerms(input.title, input.body)})`,
        createdBy: a.kind === 'staff' ? a.id : null,
      })
      .returning();
    await recordAdminChange(tx, ctx, { entity: 'knowledge_article', id: row.id, action: 'created', after: articleView(row), audit: {} });
    return row;
  });
}

export async function updateArticle(ctx: Ctx, id: string, patch: z.infer<typeof ArticlePatch>) {
  return inTransaction(ctx, async (tx) => {
    const [cur] = await tx.select().from(knowledgeArticles).where(eq(knowledgeArticles.id, id)).for('update');
    if (!cur) throw problem('ARTICLE_NOT_FOUND');
    const next = { ...cur, ...patch };
    if (next.validFrom && next.validTo && next.validFrom > next.validTo) throw problem('VALIDATION_FAILED', 'validFrom after validTo');
    const [row] = await tx
      .update(knowledgeArticles)
      .set({
        ...patch,
        search: sql`to_tsvector('simple', ${docTerms(next.title, next.body)})`,
        updatedAt: ctx.now(),
      })
      .where(eq(knowledgeArticles.id, id))
      .returning();
    // Retiring (active → false) and publishing again are the same PATCH: the event names which.
    const action = cur.active && patch.active === false ? 'retired' : !cur.active && patch.active === true ? 'published' : 'updated';
    await recordAdminChange(tx, ctx, {
      entity: 'knowledge_article',
      id,
      action,
      before: articleView(cur),
      after: articleView(row),
      audit: { fields: Object.keys(patch) },
    });
    return row;
  });
}

export async function getArticle(ctx: Ctx, id: string) {
  const [row] = await ctx.db.select().from(knowledgeArticles).where(eq(knowledgeArticles.id, id));
  if (!row) throw problem('ARTICLE_NOT_FOUND');
  return row;
}

/**
 * Search by text: bigram match through the GIN index, ranked by the share of the query's bigrams the
 * article covers. `validOnly` keeps articles in force today (China date) — what an agent may quote.
 */
export async function searchArticles(ctx: Ctx, o: { text?: string; categoryCode?: string; validOnly: boolean; limit: number; includeRetired?: boolean }) {
  const q = o.text ? queryTerms(o.text) : null;
  const today = new Date(ctx.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  const where = and(
    // Retired articles: only the editors' list shows them (to publish again); agents never see them.
    o.includeRetired ? undefined : eq(knowledgeArticles.active, true),
    q ? sql`${knowledgeArticles.search} @@ to_tsquery('simple', ${q})` : undefined,
    o.categoryCode ? sql`${knowledgeArticles.categoryCode} like ${`${o.categoryCode}%`}` : undefined,
    o.validOnly
      ? sql`(${knowledgeArticles.validFrom} is null or ${knowledgeArticles.validFrom} <= ${today}::date)
      and (${knowledgeArticles.validTo} is null or ${knowledgeArticles.validTo} >= ${today}::date)`
      : undefined,
  );
  const score = q ? sql<number>`ts_rank(${knowledgeArticles.search}, to_tsquery('simple', ${q}), 0)` : sql<number>`0`;
  return (
    ctx.db
      .select({
        id: knowledgeArticles.id,
        title: knowledgeArticles.title,
        body: knowledgeArticles.body,
        categoryCode: knowledgeArticles.categoryCode,
        validFrom: knowledgeArticles.validFrom,
        validTo: knowledgeArticles.validTo,
        ownerUnitId: knowledgeArticles.ownerUnitId,
        usageCount: knowledgeArticles.usageCount,
        active: knowledgeArticles.active,
        score,
      })
      .from(knowledgeArticles)
      .where(where)
      // Without a query there is no rank to sort by: a bare `0` in ORDER BY is read as column position 0
      // and PostgreSQL refuses it (the whole list answered 500; found by the generated access matrix).
      .orderBy(...(q ? [sql`${score} desc`] : []), sql`${knowledgeArticles.usageCount} desc`, knowledgeArticles.title)
      .limit(o.limit)
  );
}
