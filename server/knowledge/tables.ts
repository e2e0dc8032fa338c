import { boolean, customType, date, integer, pgTable, text, timestamp, uuid, index } from 'drizzle-orm/pg-core';
import { handlingUnits } from '../dispatch/tables';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/**
 * Knowledge base (知识库) articles the agent answers from. `search` holds the character bigrams
 * of title + body as a 'simple' tsvector: Chinese has no spaces, and bigrams need no extension.
 */
export const knowledgeArticles = pgTable(
  'knowledge_articles',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    categoryCode: text('category_code'),
    validFrom: date('valid_from'),
    validTo: date('valid_to'),
    ownerUnitId: uuid('owner_unit_id').references(() => handlingUnits.id),
    active: boolean('active').notNull().default(true),
    search: tsvector('search').notNull(),
    usageCount: integer('usage_count').notNull().default(0),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('knowledge_articles_search_idx').using('gin', t.search)],
);
