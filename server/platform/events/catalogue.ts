/**
 * The event catalogue: every event type the platform records, defined once — the shape of its
 * `data`, whose timeline it belongs to, which socket rooms it invalidates, which report rollup
 * counters it may move, and which notice (if any) the citizen gets. `recordEvent` (tickets),
 * `recordRectificationEvent` (reviews), the SLA sweeper's set-based writes and the outbox
 * consumers all read their types from here, so a name or a field means one thing everywhere.
 *
 * Platform code: no domain is imported here. Domains own what happens after an event (the
 * handlers registered in ./handlers.ts) and how much a counter moves (reports/rollup.ts); the
 * catalogue says only which counters an event may move, and a test holds the two together.
 */
import { z } from 'zod';

/** A moment as the writer hands it (a Date) or as it reads back from JSON (an ISO string). */
const instant = z.union([z.date(), z.string()]);
const id = z.string();

/** A file listed on a timeline event (the console shows and offers these for download). */
export const FileRef = z.object({
  kind: z.string().optional(),
  mime: z.string().optional(),
  size: z.number().nullable().optional(),
  /** `att:{id}` once the bytes are stored here; a channel's remote reference (WeChat MediaId) before. */
  storageKey: z.string().nullable(),
  name: z.string().optional(),
});
export type FileRef = z.infer<typeof FileRef>;
/** A file a unit cites in its reply (uploaded first, then named). */
const CitedFile = z.object({ name: z.string(), storageKey: z.string() });
const none = z.object({});
/** A reply's structured fields (办理结果, 是否联系市民, contact time); null for a text-only reply. */
const ReplyDetails = z
  .object({ outcome: z.string().nullable(), citizenContacted: z.boolean().nullable(), contactedAt: instant.nullable() })
  .nullable()
  .optional();
const dispatchRef = z.object({ dispatchId: id });
const timerStage = z.object({
  dispatchId: id,
  role: z.string(),
  replyDueAt: instant.nullable(),
  stage: z.enum(['first_response', 'reminder', 'overdue', 'supervision']),
  escalateToSupervisors: z.boolean(),
});
const exchangeMessage = z.object({
  messageType: z.string(),
  peer: z.string(),
  peerName: z.string(),
  orderId: z.string(),
  payload: z.unknown().optional(),
});

/** The report counters (reports/tables.ts COUNTERS) an event may move. */
export type RollupCounter =
  | 'received'
  | 'direct_answered'
  | 'dispatched'
  | 'signed'
  | 'signed_on_time'
  | 'replied'
  | 'returns'
  | 'reopens'
  | 'extensions'
  | 'overdue'
  | 'closed'
  | 'closed_on_time'
  | 'handling_seconds'
  | 'callbacks_answered'
  | 'callbacks_solved'
  | 'callbacks_partly'
  | 'rated'
  | 'r1'
  | 'r2'
  | 'r3'
  | 'r4'
  | 'r5'
  | 'bad_reviews'
  | 'excluded_reviews'
  | 'contacted'
  | 'contacted_on_time'
  | 'responded_on_time'
  | 'recalled';

/** SMS / mail templates the citizen may be sent after an event (citizen/sms-sender.ts). */
export type CitizenTemplate = 'ticket_received' | 'ticket_replied' | 'ticket_extended';

export type EventEntity = 'ticket' | 'rectification' | 'job' | 'admin';

export interface EventDefinition<S extends z.ZodType = z.ZodType, E extends EventEntity = EventEntity> {
  data: S;
  /**
   * Whose timeline holds it: a ticket's (ticket_events), a rectification case's (rectification_events),
   * or none — a job topic that only travels through the outbox (callback dialling) — or the centre's
   * set-up (admin_events: accounts, texts, units, rules, time limits …).
   */
  entity: E;
  /** Staff rooms (agents, dispatchers, supervisors, the ticket's viewers, the units named) refetch the ticket. */
  invalidates: boolean;
  counters?: readonly RollupCounter[];
  notice?: CitizenTemplate;
}

const ticket = <S extends z.ZodType>(data: S, more: Partial<Omit<EventDefinition<S>, 'data' | 'entity'>> = {}): EventDefinition<S, 'ticket'> => ({
  data,
  entity: 'ticket',
  invalidates: true,
  ...more,
});
const rectification = <S extends z.ZodType>(data: S): EventDefinition<S, 'rectification'> => ({ data, entity: 'rectification', invalidates: true });
const job = (): EventDefinition<typeof none, 'job'> => ({ data: none, entity: 'job', invalidates: false });
const admin = <S extends z.ZodType>(data: S): EventDefinition<S, 'admin'> => ({ data, entity: 'admin', invalidates: false });

/** What an administrator can change (recordAdminChange): each has its own use cases and screen. */
export const ADMIN_ENTITIES = [
  'user',
  'message_template',
  'text_snippet',
  'knowledge_article',
  'classifier',
  'unit',
  'dispatch_rule',
  'sla_policy',
  'holidays',
  'category_tree',
  'tag',
] as const;
export type AdminEntity = (typeof ADMIN_ENTITIES)[number];

export const EVENTS = {
  // Intake (受理)
  'ticket.registered': ticket(
    z.object({
      channel: z.string(),
      /** How many files came with the appeal; the files themselves are `files`. */
      attachments: z.number().int(),
      suggested: z.string().nullable(),
      categoryCode: z.string().nullable(),
      regionCode: z.string().nullable(),
      files: z.array(FileRef).optional(),
    }),
    { counters: ['received'], notice: 'ticket_received' },
  ),
  'citizen.supplemented': ticket(
    z.object({
      channel: z.string(),
      title: z.string().nullable(),
      text: z.string(),
      files: z.array(FileRef),
      location: z.object({ lat: z.number().nullable(), lng: z.number().nullable() }).optional(),
    }),
  ),
  'attachment.stored': ticket(
    z.object({
      channel: z.string(),
      kind: z.string().optional(),
      mime: z.string(),
      size: z.number(),
      storageKey: z.string(),
      sha256: z.string(),
      remoteRef: z.string(),
      files: z.array(FileRef),
    }),
  ),
  'ticket.submitted': ticket(
    z.object({
      categoryCode: z.string().nullable(),
      regionCode: z.string().nullable(),
      correction: z.object({ suggested: z.string(), confirmed: z.unknown(), categoryCode: z.string() }).loose().nullable(),
    }),
  ),
  'ticket.answered_directly': ticket(z.object({ knowledgeArticleId: id.nullable(), articleTitle: z.string().optional() }), { counters: ['direct_answered'] }),
  // console-daily: a knowledge-base answer sent to the caller by SMS (knowledge/answer-sms.ts sends it from the outbox)
  'knowledge.answer_sms_sent': ticket(z.object({ knowledgeArticleId: id, title: z.string() })),
  'ticket.transferred_emergency': ticket(
    z.object({
      line: z.string(),
      linkageId: id.optional(),
      targetCentre: z.string().optional(),
      transferSeconds: z.number().optional(),
    }),
  ),
  // 联动对接 with the emergency lines (hotlines/linkages.ts)
  'emergency.acknowledged': ticket(
    z.object({
      linkageId: id,
      line: z.string(),
      targetCentre: z.string(),
      acknowledgedBy: z.string(),
      acknowledgeSeconds: z.number(),
    }),
  ),
  'emergency.followed_up': ticket(z.object({ linkageId: id, line: z.string(), outcome: z.string(), late: z.boolean() })),
  'ticket.declined': ticket(z.object({ reasonCode: z.string() })),
  'ticket.merged': ticket(z.object({ intoTicketId: id, intoTicketNumber: z.string() })),
  'ticket.duplicate_attached': ticket(z.object({ ticketId: id, ticketNumber: z.string() })),
  // Dispatch (派单) and unit handling (承办)
  'ticket.dispatched': ticket(
    z.object({
      round: z.number().int(),
      leadUnitId: id,
      assistingUnitIds: z.array(id),
      replyDueAt: instant.nullable(),
      ruleId: id.nullable(),
    }),
    { counters: ['dispatched'] },
  ),
  // A reassignment is a dispatch for the new unit (its sign-for must have a dispatch to count against: response rate ≤ 100 %).
  'dispatch.reassigned': ticket(
    z.object({
      fromUnitId: id,
      toUnitId: id,
      dispatchId: id,
      replyDueAt: instant.nullable(),
      recalledDispatchId: id.optional(),
      reasonCode: z.string().optional(),
      byCentre: z.boolean().optional(),
      /** The recalled lead had not answered yet: it leaves the old unit's response-rate denominator (filed as a recall of that unit). */
      recalledUnanswered: z.boolean().optional(),
    }),
    { counters: ['dispatched'] },
  ),
  // A return asked within the sign-for limit answers the dispatch (response rate, dispatch/response.ts).
  'dispatch.return_requested': ticket(z.object({ dispatchId: id, reasonCode: z.string(), respondedOnTime: z.boolean().optional() }), {
    counters: ['returns', 'responded_on_time'],
  }),
  'dispatch.return_rejected': ticket(dispatchRef),
  'ticket.signed': ticket(z.object({ dispatchId: id, role: z.string(), late: z.boolean() }), { counters: ['signed', 'signed_on_time'] }),
  'dispatch.signed': ticket(z.object({ dispatchId: id, role: z.string(), late: z.boolean() })),
  'ticket.started': ticket(none),
  'dispatch.assist_reported': ticket(z.object({ dispatchId: id, attachments: z.array(CitedFile), details: ReplyDetails })),
  'ticket.replied': ticket(
    z.object({
      dispatchId: id,
      attachments: z.array(CitedFile),
      late: z.boolean(),
      details: ReplyDetails,
      /** The lead answered before these assisting units reported, with the reason on the event (协办). */
      beforeAssistingUnits: z.array(id).optional(),
    }),
    { counters: ['replied'] },
  ),
  'extension.requested': ticket(z.object({ dispatchId: id, newDueDate: z.string() }), { counters: ['extensions'] }),
  'extension.approved': ticket(
    z.object({
      dispatchId: id,
      previousDueAt: instant.nullable(),
      replyDueAt: instant,
      notifyCitizen: z.boolean(),
    }),
    { notice: 'ticket_extended' },
  ),
  'extension.denied': ticket(dispatchRef),
  'dispatch.deadlines_recomputed': ticket(z.object({ reason: z.string(), dispatches: z.array(z.object({ dispatchId: id }).loose()) })),
  // Time limits (催办 / 超期 / 督办): written set-based by the SLA sweeper (sla/use-cases/fire-due-timers.ts).
  'ticket.reminded': ticket(timerStage),
  'ticket.overdue': ticket(timerStage, { counters: ['overdue'] }),
  'ticket.supervised': ticket(timerStage),
  // Time limits and supervision cases (loop-limits, issue 15 items 5–8): 特急 first feedback, 催办 / 督办 cases.
  'ticket.first_response_overdue': ticket(timerStage),
  'dispatch.feedback_given': ticket(z.object({ dispatchId: id, first: z.boolean(), late: z.boolean() })),
  'ticket.urged': ticket(z.object({ caseId: id, dispatchId: id, unitId: id, responseDueAt: instant.nullable() })),
  'supervision.opened': ticket(z.object({ caseId: id, dispatchId: id, unitId: id, responseDueAt: instant.nullable() })),
  'supervision.responded': ticket(z.object({ caseId: id, kind: z.enum(['urge', 'supervision']), late: z.boolean() })),
  'supervision.closed': ticket(z.object({ caseId: id, kind: z.enum(['urge', 'supervision']) })),
  // Centre review and closing (审核, 办结, 重办, 归档)
  'ticket.closed': ticket(none, { counters: ['closed', 'closed_on_time', 'handling_seconds'], notice: 'ticket_replied' }),
  'ticket.sent_back': ticket(none),
  'ticket.reopened': ticket(z.object({ callbackId: id.nullable(), previousRound: z.number().int() }), { counters: ['reopens'] }),
  'ticket.archived': ticket(none),
  // Feedback (回访, 评价)
  'callback.completed': ticket(
    z.object({
      callbackId: id,
      reached: z.boolean(),
      result: z.enum(['solved', 'partly', 'unsolved']).optional(),
      score: z.number().int().optional(),
      decision: z.enum(['reopened', 'closed']).nullable().optional(),
      via: z.enum(['ivr', 'cti']).optional(),
      attempts: z.number().int().optional(),
      attempt: z.number().int().optional(),
      status: z.string().optional(),
      outcome: z.string().optional(),
      next: z.enum(['sms_link', 'call']).optional(),
    }),
    { counters: ['callbacks_answered', 'callbacks_solved', 'callbacks_partly'] },
  ),
  // A manual reopen (重办) replaced the reply an open callback task asked about: the task leaves the open list.
  'callback.superseded': ticket(z.object({ callbackId: id, round: z.number().int(), reason: z.string() })),
  'rating.submitted': ticket(z.object({ ratingId: id, score: z.number().int(), source: z.string(), bad: z.boolean() }), {
    counters: ['rated', 'r1', 'r2', 'r3', 'r4', 'r5', 'bad_reviews'],
  }),
  'rating.excluded': ticket(z.object({ ratingId: id, score: z.number().int(), rollupDay: z.string() }), {
    counters: ['rated', 'r1', 'r2', 'r3', 'r4', 'r5', 'bad_reviews', 'excluded_reviews'],
  }),
  'rating.ignored': ticket(z.object({ score: z.number().int(), source: z.string(), eventId: z.string() })),
  // Routing corrections, copies and unit contact (loop-routing: 撤回/改派, 抄送, 先联系后办理)
  // Withdrawn before the unit answered: out of the response-rate denominator (`recalled`).
  'dispatch.recalled': ticket(z.object({ dispatchIds: z.array(id), fromUnitId: id, reasonCode: z.string(), unanswered: z.boolean().optional() }), {
    counters: ['recalled'],
  }),
  // A copy is a notice, not a dispatch: no counter moves.
  'ticket.copied': ticket(z.object({ copyIds: z.array(id), unitIds: z.array(id) })),
  'copy.read': ticket(z.object({ copyId: id })),
  'citizen.contact_requested': ticket(z.object({ requestId: id, dispatchId: id })),
  // The lead's first connected call moves `contacted` / `contacted_on_time`, and `responded_on_time` (响应率) when it
  // is the dispatch's first answer, in time.
  'citizen.contact_completed': ticket(
    z.object({
      requestId: id,
      dispatchId: id,
      outcome: z.string(),
      role: z.string(),
      firstContact: z.boolean(),
      onTime: z.boolean(),
      respondedOnTime: z.boolean().optional(),
      /** How the call was placed: the masked-number bridge (隐私号) or the centre's CTI / staff. */
      via: z.enum(['bridge', 'centre']).optional(),
      talkSeconds: z.number().int().nullable().optional(),
    }),
    { counters: ['contacted', 'contacted_on_time', 'responded_on_time'] },
  ),
  // Exchange with other platforms (省市平台对接)
  'exchange.received': ticket(exchangeMessage),
  'exchange.sent': ticket(exchangeMessage),
  // 差评整改 cases (reviews/states.ts)
  'rectification.opened': rectification(z.object({ ratingId: id, score: z.number().int() })),
  'rectification.verified': rectification(z.object({ dueAt: z.string() })),
  'rectification.dismissed': rectification(none),
  'rectification.reported': rectification(z.object({ late: z.boolean() })),
  'rectification.contested': rectification(none),
  'rectification.contest_upheld': rectification(none),
  'rectification.contest_rejected': rectification(none),
  'rectification.closed': rectification(z.object({ citizenSatisfied: z.boolean() })),
  'rectification.overdue': rectification(z.object({ dueAt: z.string().optional() })),
  // The citizen's side of the loop (issue 15, items 11 and 15): a rectification round after a still
  // unsatisfied citizen, the supervisors' case after the last round, a merged caller told of the main close.
  'rectification.next_round': rectification(z.object({ round: z.number().int(), dueAt: z.string() })),
  'rectification.escalated': rectification(z.object({ round: z.number().int() })),
  'rectification.escalation_resolved': rectification(none),
  // Tags (标签, categories.md §2) set on a ticket (catalog/use-cases/tags.ts).
  'ticket.tagged': ticket(z.object({ tags: z.array(z.string()), previous: z.array(z.string()) })),
  'ticket.main_closed': ticket(z.object({ mainTicketId: id, mainTicketNumber: z.string(), callbackId: id.nullable() }), { notice: 'ticket_replied' }),
  // The centre's set-up changed (platform/events/admin-change.ts): who changed what, before and after.
  'admin.changed': admin(
    z.object({
      entity: z.enum(ADMIN_ENTITIES),
      id: z.string(),
      action: z.string().regex(/^[a-z_]+$/),
      before: z.unknown().optional(),
      after: z.unknown().optional(),
    }),
  ),
  // Jobs that travel through the outbox only (回访外呼, the SMS survey link)
  'callback.dial': job(),
  'callback.sms_link': job(),
} satisfies Record<string, EventDefinition>;

export type EventType = keyof typeof EVENTS;
export type EventData<T extends EventType> = z.input<(typeof EVENTS)[T]['data']>;
export type TicketEventType = { [K in EventType]: (typeof EVENTS)[K]['entity'] extends 'ticket' ? K : never }[EventType];
export type RectificationEventType = { [K in EventType]: (typeof EVENTS)[K]['entity'] extends 'rectification' ? K : never }[EventType];
export type AdminEventType = { [K in EventType]: (typeof EVENTS)[K]['entity'] extends 'admin' ? K : never }[EventType];
export type JobTopic = { [K in EventType]: (typeof EVENTS)[K]['entity'] extends 'job' ? K : never }[EventType];

/** Event types whose data has no fields: callers may leave `data` out. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type DatalessEventType = { [K in EventType]: {} extends EventData<K> ? K : never }[EventType];

export const isEventType = (t: string): t is EventType => Object.hasOwn(EVENTS, t);
export const eventDefinition = <T extends EventType>(t: T): EventDefinition => EVENTS[t];

/** Types whose events may move a report counter (the back-fill reads only these). */
export const COUNTED_EVENT_TYPES = (Object.keys(EVENTS) as EventType[]).filter((t) => (eventDefinition(t).counters ?? []).length > 0);

/** Types after which the citizen is told, with the template. */
export const noticeFor = (t: string): CitizenTemplate | undefined => (isEventType(t) ? eventDefinition(t).notice : undefined);

/**
 * The data of an event about to be written, checked against its definition. A mismatch is a
 * programming error (the type checker sees literal payloads; this catches spread ones), so it throws
 * and the caller's transaction writes nothing.
 */
export function checkEventData(type: EventType, data: unknown): void {
  const r = eventDefinition(type).data.safeParse(data ?? {});
  if (!r.success)
    throw new Error(`event ${type}: data does not match the catalogue: ${r.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
}
