import { boolean, integer, jsonb, pgTable, primaryKey, text, timestamp, date, index } from 'drizzle-orm/pg-core';

/** Versioned category tree (诉求分类): a ticket stores the code and the version it was classified under. */
export const categoryTreeVersions = pgTable('category_tree_versions', {
  version: integer('version').primaryKey(),
  label: text('label').notNull(),
  source: text('source').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const categories = pgTable(
  'categories',
  {
    version: integer('version').notNull().references(() => categoryTreeVersions.version),
    code: text('code').notNull(),
    name: text('name').notNull(),
    parentCode: text('parent_code'),
    level: integer('level').notNull(),
    aliases: jsonb('aliases').$type<string[]>().notNull().default([]),
    defaultType: text('default_type'),
    defaultUrgency: text('default_urgency'),
    citizenSelectable: boolean('citizen_selectable').notNull().default(false),
    validFrom: date('valid_from'),
    validTo: date('valid_to'),
  },
  (t) => [primaryKey({ columns: [t.version, t.code] }), index('categories_parent_idx').on(t.version, t.parentCode)],
);

/** Administrative divisions (GB/T 2260 codes; streets extend them). */
export const regions = pgTable('regions', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  parentCode: text('parent_code'),
  level: text('level').$type<'province' | 'city' | 'district' | 'street'>().notNull(),
});
