/**
 * The centre's measures (domain.md §5) as data: each is Σ weight × counter ÷ Σ weight × counter
 * over the rollup counters, with its definition text shipped next to every figure. These are
 * the defaults; the centre edits them (PUT /api/reports/measures/:code) and the figures follow.
 */
import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../platform/db/client';
import { reportMeasures, COUNTERS, type Counter } from './tables';

export type MeasureRow = typeof reportMeasures.$inferSelect;
type Def = Omit<typeof reportMeasures.$inferInsert, 'updatedAt'>;

const R = { r1: 1, r2: 1, r3: 1, r4: 1, r5: 1 };
export const DEFAULT_MEASURES: Def[] = (
  [
    // domain.md §5: signed for *and citizen contacted* within limit (先联系后办理, dispatch/response.ts); a return asked within
    // the sign-for limit is an answer too; a dispatch withdrawn (撤回 / 改派) before the unit answered is not due.
    {
      code: 'response_rate',
      nameZh: '响应率',
      nameEn: 'Response rate',
      kind: 'ratio',
      numerator: { responded_on_time: 1 },
      denominator: { dispatched: 1, recalled: -1 },
      definition:
        '响应率 = 时限内签收并联系上诉求人（或在签收时限内申请退单）的派单数 ÷ (派出的派单数 − 单位响应前被撤回或改派的派单数)（主办单位，改派计为新单位的派单）',
    },
    {
      code: 'resolution_rate',
      nameZh: '解决率',
      nameEn: 'Resolution rate',
      kind: 'ratio',
      numerator: { callbacks_solved: 1 },
      denominator: { callbacks_answered: 1 },
      definition: '解决率 = 回访答复"已解决"的件数 ÷ 回访有效答复件数',
    },
    {
      code: 'satisfaction_rate',
      nameZh: '满意率',
      nameEn: 'Satisfaction rate',
      kind: 'ratio',
      numerator: { r5: 1, r4: 1, r3: 1 },
      denominator: R,
      definition: '满意率 = (非常满意 + 满意 + 基本满意) ÷ 有效评价数（剔除经复核的差评）',
    },
    {
      code: 'on_time_sign_rate',
      nameZh: '按时签收率',
      nameEn: 'On-time sign rate',
      kind: 'ratio',
      numerator: { signed_on_time: 1 },
      denominator: { signed: 1 },
      definition: '按时签收率 = 时限内签收数 ÷ 签收数（只看签收，不看是否联系诉求人）',
    },
    {
      code: 'on_time_close_rate',
      nameZh: '按时办结率',
      nameEn: 'On-time close rate',
      kind: 'ratio',
      numerator: { closed_on_time: 1 },
      denominator: { closed: 1 },
      definition: '按时办结率 = 主办单位在办理时限内答复并办结的件数 ÷ 派单办结件数（坐席直办件不计入）',
    },
    {
      code: 'return_rate',
      nameZh: '退单率',
      nameEn: 'Return rate',
      kind: 'ratio',
      numerator: { returns: 1 },
      denominator: { dispatched: 1 },
      lowerIsBetter: true,
      definition: '退单率 = 申请退单次数 ÷ 派单数',
    },
    {
      code: 'reopen_rate',
      nameZh: '重办率',
      nameEn: 'Reopen rate',
      kind: 'ratio',
      numerator: { reopens: 1 },
      denominator: { closed: 1 },
      lowerIsBetter: true,
      definition: '重办率 = 回访后重办次数 ÷ 办结件数',
    },
    {
      code: 'extension_rate',
      nameZh: '延期率',
      nameEn: 'Extension rate',
      kind: 'ratio',
      numerator: { extensions: 1 },
      denominator: { dispatched: 1 },
      lowerIsBetter: true,
      definition: '延期率 = 延期申请次数 ÷ 派单数',
    },
    {
      code: 'overdue_count',
      nameZh: '超期件数',
      nameEn: 'Overdue count',
      kind: 'count',
      numerator: { overdue: 1 },
      denominator: null,
      lowerIsBetter: true,
      definition: '超期件数 = 到期未答复而被标记超期的派单数（时限监控的超期标记）',
    },
    {
      code: 'closed_late_count',
      nameZh: '超时办结件数',
      nameEn: 'Closed late',
      kind: 'count',
      numerator: { closed: 1, closed_on_time: -1 },
      denominator: null,
      lowerIsBetter: true,
      definition: '超时办结件数 = 办结件数 − 按时办结件数',
    },
    {
      code: 'direct_answer_rate',
      nameZh: '直办率',
      nameEn: 'Direct-answer rate',
      kind: 'ratio',
      numerator: { direct_answered: 1 },
      denominator: { received: 1 },
      definition: '直办率 = 坐席直接答复件数 ÷ 受理件数',
    },
    {
      code: 'avg_handling_hours',
      nameZh: '平均办理时长（小时）',
      nameEn: 'Average handling time (hours)',
      kind: 'average',
      numerator: { handling_seconds: 1 / 3600 },
      denominator: { closed: 1 },
      lowerIsBetter: true,
      definition: '平均办理时长 = Σ(办结时间 − 受理时间) ÷ 办结件数，单位小时',
    },
    {
      code: 'bad_review_count',
      nameZh: '差评数',
      nameEn: 'Bad reviews',
      kind: 'count',
      numerator: { bad_reviews: 1 },
      denominator: null,
      lowerIsBetter: true,
      definition: '差评数 = 评价为"不满意"或"非常不满意"的件数（剔除经复核的差评）',
    },
    // Calls (channel dim, key phone): from the CTI's CallEvents (call-metrics.ts); inbound calls only.
    {
      code: 'call_answer_rate',
      nameZh: '接通率',
      nameEn: 'Call answer rate',
      kind: 'ratio',
      numerator: { calls_answered: 1 },
      denominator: { calls_offered: 1 },
      definition: '接通率 = 坐席接听的呼入电话数 ÷ 呼入电话数（已结束的呼入，含放弃呼叫；不含回访外呼），按来电日统计',
    },
    {
      code: 'avg_call_wait_seconds',
      nameZh: '平均等待时长（秒）',
      nameEn: 'Average wait (seconds)',
      kind: 'average',
      numerator: { call_wait_seconds: 1 },
      denominator: { calls_answered: 1 },
      lowerIsBetter: true,
      definition: '平均等待时长 = Σ(接听时间 − 来电时间) ÷ 接听的呼入电话数，单位秒（来电时间为该呼叫最早的事件，含IVR）',
    },
    {
      code: 'avg_call_talk_seconds',
      nameZh: '平均通话时长（秒）',
      nameEn: 'Average talk time (seconds)',
      kind: 'average',
      numerator: { call_talk_seconds: 1 },
      denominator: { calls_answered: 1 },
      definition: '平均通话时长 = Σ(挂机时间 − 接听时间) ÷ 接听的呼入电话数，单位秒',
    },
  ] as Def[]
).map((m, i) => ({ ...m, position: i }));

/**
 * The shipped definitions in English, keyed by measure code, for the English console. Shown only while the
 * stored definition is still the shipped one: a centre that rewrote a definition has its own text (Chinese,
 * as written), and a stale English text beside it would describe a formula the figures no longer follow.
 */
export const DEFINITIONS_EN: Record<string, string> = {
  response_rate:
    'Response rate = dispatches signed for with the citizen contacted in time (or returned within the sign-for limit) ÷ ' +
    '(dispatches sent − dispatches recalled or reassigned before the unit responded) (lead unit; a reassignment counts for the new unit)',
  resolution_rate: 'Resolution rate = callbacks answered "solved" ÷ callbacks with a valid answer',
  satisfaction_rate: 'Satisfaction rate = (very satisfied + satisfied + fairly satisfied) ÷ valid ratings (bad reviews excluded on review left out)',
  on_time_sign_rate: 'On-time sign rate = dispatches signed for in time ÷ dispatches signed for (signing only, whether or not the citizen was contacted)',
  on_time_close_rate:
    'On-time close rate = tickets the lead unit answered and closed within the handling limit ÷ dispatched tickets closed ' +
    '(tickets answered directly by an agent not counted)',
  return_rate: 'Return rate = return requests ÷ dispatches',
  reopen_rate: 'Reopen rate = reopenings after callback ÷ tickets closed',
  extension_rate: 'Extension rate = extension requests ÷ dispatches',
  overdue_count: "Overdue count = dispatches marked overdue for no answer by the deadline (the deadline monitor's overdue mark)",
  closed_late_count: 'Closed late = tickets closed − tickets closed on time',
  direct_answer_rate: 'Direct-answer rate = tickets answered directly by an agent ÷ tickets received',
  avg_handling_hours: 'Average handling time = Σ(closed time − received time) ÷ tickets closed, in hours',
  bad_review_count: 'Bad reviews = tickets rated "dissatisfied" or "very dissatisfied" (bad reviews excluded on review left out)',
  call_answer_rate:
    'Call answer rate = inbound calls answered by an agent ÷ inbound calls (ended inbound calls, abandoned included; ' +
    'callback calls not included), by day of the call',
  avg_call_wait_seconds:
    'Average wait = Σ(answer time − arrival time) ÷ inbound calls answered, in seconds ' + "(arrival is the call's earliest event, IVR included)",
  avg_call_talk_seconds: 'Average talk time = Σ(hang-up time − answer time) ÷ inbound calls answered, in seconds',
};
const SHIPPED_ZH = new Map(DEFAULT_MEASURES.map((m) => [m.code, m.definition]));

/** The English definition of a measure, or null when the centre has its own text for it (then its text is shown as written). */
export function definitionEn(m: Pick<MeasureRow, 'code' | 'definition'>): string | null {
  return SHIPPED_ZH.get(m.code) === m.definition ? (DEFINITIONS_EN[m.code] ?? null) : null;
}

export async function ensureMeasures(db: Db | Tx) {
  await db.insert(reportMeasures).values(DEFAULT_MEASURES).onConflictDoNothing();
}

export async function loadMeasures(db: Db | Tx): Promise<MeasureRow[]> {
  await ensureMeasures(db);
  return db.select().from(reportMeasures).orderBy(reportMeasures.position, reportMeasures.code);
}

export function isCounter(s: string): s is Counter {
  return (COUNTERS as readonly string[]).includes(s);
}

/** One figure from summed counters; null when the denominator is zero. */
export function evaluate(m: Pick<MeasureRow, 'numerator' | 'denominator'>, c: Partial<Record<string, number>>): number | null {
  const sum = (w: Record<string, number>) => Object.entries(w).reduce((s, [k, v]) => s + v * Number(c[k] ?? 0), 0);
  const num = sum(m.numerator);
  if (!m.denominator) return round(num);
  const den = sum(m.denominator);
  return den === 0 ? null : round(num / den);
}
const round = (x: number) => Math.round(x * 1e6) / 1e6;

export const sumCounters = sql.join(
  COUNTERS.map((c) => sql`sum(${sql.identifier(c)})::float8 as ${sql.identifier(c)}`),
  sql`, `,
);
