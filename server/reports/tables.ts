import { bigint, bigserial, boolean, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Every counter the rollup keeps; measures are linear combinations of these (see measures.ts). */
export const COUNTERS = [
  'received',
  'direct_answered',
  'dispatched',
  'signed',
  'signed_on_time',
  'replied',
  'closed',
  'closed_on_time',
  'handling_seconds',
  'returns',
  'reopens',
  'extensions',
  'overdue',
  'callbacks_answered',
  'callbacks_solved',
  'callbacks_partly',
  'rated',
  'r1',
  'r2',
  'r3',
  'r4',
  'r5',
  'bad_reviews',
  'excluded_reviews',
  // Inbound hotline calls (channel dim, key phone), from the CTI's CallEvents: see call-metrics.ts.
  'calls_offered',
  'calls_answered',
  'call_wait_seconds',
  'call_talk_seconds',
  // 先联系后办理: the lead unit's first connected call to the citizen (dispatch/use-cases/contact-citizen.ts).
  'contacted',
  'contacted_on_time',
  // 响应率: the lead's first answer in time (connected call or timely return), and leads withdrawn before any answer (dispatch/response.ts).
  'responded_on_time',
  'recalled',
] as const;
export type Counter = (typeof COUNTERS)[number];

export const ROLLUP_DIMS = ['unit', 'category', 'region', 'channel'] as const;
/**
 * Two-dimension rollups (cross tables) kept beside the single ones: key = `<a>|<b>`. Only the
 * pairs a centre asks for (which unit handles which matters; which area raises which) — each pair
 * is one more rollup row per counted event. Any dimension × period needs none: it reads the
 * single-dimension rows by month or day.
 */
export const CROSS_DIMS = ['unit_category', 'region_category'] as const;
export type RollupDim = (typeof ROLLUP_DIMS)[number] | (typeof CROSS_DIMS)[number];

/** The four attributes an event is filed under ('-' when unknown). */
export interface RollupAttributes {
  category: string;
  channel: string;
  region: string;
  unit: string;
}

/** The rollup rows (dim, key) one event moves: the one definition the live hook, the SLA sweeper and the back-fill share. */
export function rollupKeys(a: RollupAttributes): [RollupDim, string][] {
  return [
    ['category', a.category],
    ['channel', a.channel],
    ['region', a.region],
    ['unit', a.unit],
    ['unit_category', `${a.unit}|${a.category}`],
    ['region_category', `${a.region}|${a.category}`],
  ];
}

/**
 * The same rows in SQL, for the set-based writers: a `(values …) k(dim, key)` list to cross join,
 * given SQL expressions for the four attributes (each may be null; null files under '-').
 */
export function rollupKeysSql(a: RollupAttributes): string {
  const v = (e: string) => `coalesce(${e}, '-')`;
  const x: RollupAttributes = { category: v(a.category), channel: v(a.channel), region: v(a.region), unit: v(a.unit) };
  return `(values ${rollupKeys(x)
    .map(
      ([dim]) =>
        `('${dim}', ${
          dim === 'unit_category'
            ? `${x.unit} || '|' || ${x.category}`
            : dim === 'region_category'
              ? `${x.region} || '|' || ${x.category}`
              : x[dim as keyof RollupAttributes]
        })`,
    )
    .join(', ')}) k(dim, key)`;
}

const counterCols = Object.fromEntries(
  COUNTERS.map((c) => [c, c.endsWith('_seconds') ? bigint(c, { mode: 'number' }).notNull().default(0) : integer(c).notNull().default(0)]),
) as { [K in Counter]: ReturnType<typeof integer> };

/**
 * Daily rollup per dimension value (China day of the event): one row per dim × key × day, kept
 * up to date in the transaction that records the event. A year by unit reads 365 × units rows
 * however many tickets there are.
 */
export const reportRollups = pgTable(
  'report_rollups',
  {
    dim: text('dim').$type<RollupDim>().notNull(),
    day: date('day').notNull(),
    key: text('key').notNull(),
    ...counterCols,
  },
  (t) => [primaryKey({ columns: [t.dim, t.day, t.key] })],
);

/**
 * What each event adds, appended in the event's own transaction. Appending takes no shared row
 * lock, so concurrent intakes never queue on today's rollup rows (they did, measured: p99 doubled);
 * `foldRollupDeltas` moves them into report_rollups before every report read and every few seconds.
 */
export const reportRollupDeltas = pgTable('report_rollup_deltas', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  dim: text('dim').$type<RollupDim>().notNull(),
  day: date('day').notNull(),
  key: text('key').notNull(),
  ...counterCols,
});

/**
 * Events whose counters are filed after commit, from their own timeline row (`ROLLUP_AFTER_COMMIT`
 * in rollup.ts): the event's transaction appends one marker here (no index, no shared row), and
 * the fold turns each marker into its delta rows exactly once (`delete … returning`).
 */
export const reportRollupPending = pgTable('report_rollup_pending', {
  ticketId: uuid('ticket_id').notNull(),
  seq: integer('seq').notNull(),
});

/** Measure definitions as data (domain.md §5): the centre edits a formula and every figure follows. */
export const reportMeasures = pgTable('report_measures', {
  code: text('code').primaryKey(),
  nameZh: text('name_zh').notNull(),
  nameEn: text('name_en').notNull(),
  kind: text('kind').$type<'ratio' | 'count' | 'average'>().notNull(),
  numerator: jsonb('numerator').$type<Record<string, number>>().notNull(),
  denominator: jsonb('denominator').$type<Record<string, number>>(),
  definition: text('definition').notNull(),
  /** League tables rank ascending when a smaller figure is better (overdue, returns). */
  lowerIsBetter: boolean('lower_is_better').notNull().default(false),
  position: integer('position').notNull().default(0),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * What each call has added to the rollups so far (one row per CTI callId). Events of a call come
 * out of order and twice; on each one the call is folded again from channel_events and only the
 * difference to this row goes into the rollup, so a late `answered` turns an abandoned call into
 * an answered one instead of counting it twice.
 */
export const callStats = pgTable(
  'call_stats',
  {
    callId: text('call_id').primaryKey(),
    day: date('day'),
    offered: integer('offered').notNull().default(0),
    answered: integer('answered').notNull().default(0),
    waitSeconds: integer('wait_seconds').notNull().default(0),
    talkSeconds: integer('talk_seconds').notNull().default(0),
    /** The number the caller dialled (CTI `callee`): which of the centre's lines (server/hotlines) took the call. */
    lineNumber: text('line_number'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('call_stats_line_day_idx').on(t.lineNumber, t.day)],
);
