import { boolean, integer, jsonb, pgTable, primaryKey, text, timestamp, date, index, uuid } from 'drizzle-orm/pg-core';
import { tickets } from '../tickets/tables';

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
    version: integer('version')
      .notNull()
      .references(() => categoryTreeVersions.version),
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

/**
 * Old code → new code between two tree versions (categories.md §1). Every import writes one row per
 * node of the previous version that lives on (same code, or the codes a CSV row says it `replaces`),
 * so a merged node maps two old codes to one new, a split one old code to two.
 */
export const categoryCodeMap = pgTable(
  'category_code_map',
  {
    fromVersion: integer('from_version').notNull(),
    fromCode: text('from_code').notNull(),
    toVersion: integer('to_version').notNull(),
    toCode: text('to_code').notNull(),
  },
  (t) => [
    primaryKey({ name: 'category_code_map_pk', columns: [t.fromVersion, t.fromCode, t.toVersion, t.toCode] }),
    index('category_code_map_to_idx').on(t.toVersion, t.toCode),
  ],
);

export const TAG_KINDS = ['place_time', 'who', 'nature', 'governance'] as const;
export type TagKind = (typeof TAG_KINDS)[number];

/** Tags (标签, categories.md §2): a managed list beside the category tree; a ticket has many. */
export const tags = pgTable('tags', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  kind: text('kind').$type<TagKind>().notNull(),
  active: boolean('active').notNull().default(true),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const ticketTags = pgTable(
  'ticket_tags',
  {
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id),
    tagCode: text('tag_code')
      .notNull()
      .references(() => tags.code),
    addedBy: uuid('added_by'),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ name: 'ticket_tags_pk', columns: [t.ticketId, t.tagCode] }), index('ticket_tags_tag_idx').on(t.tagCode)],
);
