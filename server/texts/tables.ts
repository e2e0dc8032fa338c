import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const TEMPLATE_CHANNELS = ['sms', 'wechat', 'mail'] as const;
export type TemplateChannel = (typeof TEMPLATE_CHANNELS)[number];

/**
 * What the centre sends to citizens (短信 / 微信模板消息 / 邮件), one row per notice code and channel.
 * `variables` declares the placeholders a sender fills in; the body may use only those.
 */
export const messageTemplates = pgTable(
  'message_templates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    code: text('code').notNull(),
    channel: text('channel').$type<TemplateChannel>().notNull(),
    name: text('name').notNull(),
    subject: text('subject'),
    body: text('body').notNull(),
    variables: jsonb('variables').$type<string[]>().notNull().default([]),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('message_templates_code_channel_uq').on(t.code, t.channel)],
);

export const SNIPPET_KINDS = ['agent_phrase', 'unit_reply'] as const;
export type SnippetKind = (typeof SNIPPET_KINDS)[number];

/** 常用语 for agents (what they say and type again and again) and reply templates for units (答复模板). */
export const textSnippets = pgTable(
  'text_snippets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').$type<SnippetKind>().notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    categoryCode: text('category_code'),
    sort: integer('sort').notNull().default(0),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('text_snippets_kind_idx').on(t.kind, t.active, t.sort)],
);
