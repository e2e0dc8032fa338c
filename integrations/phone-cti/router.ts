/**
 * CTI webhook (channels.md §2): POST /channels/phone/events, §0.3-signed JSON, one CallEvent
 * or an array of up to 100. Mount with
 *   app.use('/channels/phone', createPhoneRouter({...}))
 * The whole batch is validated before anything is passed on, so a bad batch changes nothing.
 * Folding call state by `at` (abandoned calls, missed-call list) and the Socket.IO screen pop
 * belong to the event sink in server/: this adapter delivers each event once, typed.
 */
import { Router, type Request, type Response } from 'express';
import type { ChannelEventSink, NonceStore, RatingPort } from '../shared/ports';
import type { HmacKeyLookup } from '../shared/hmac';
import { hmacGuard } from '../shared/hmac-middleware';
import { sendError } from '../shared/errors';
import { CALL_EVENT_TYPES, CallEvent, DEFAULT_SURVEY_MAP } from './call-event';

/** A callback (回访) the CTI should dial: pulled by CTIs that poll instead of receiving pushes. */
export interface CallbackTask {
  taskId: string;
  to: string;
  agentExtension?: string;
  window: { from: string; to: string };
  attempts: number;
  survey: boolean;
}

export interface CallbackTaskPort {
  /** Tasks whose window is open at `now` and that have attempts left, oldest first. */
  listDue(now: Date, limit: number): Promise<CallbackTask[]>;
}

export interface PhoneRouterDeps {
  /** Receives `call.<type>` ChannelEvents; idempotent on eventId. Drives the screen pop. */
  events: ChannelEventSink;
  ratings: RatingPort;
  /** HMAC secrets per CTI key id (two during rotation). */
  keys: HmacKeyLookup;
  nonces: NonceStore;
  now?: () => Date;
  maxSkewSeconds?: number;
  /** Key → score; any other key or a timeout means 未评价 (no rating row). */
  surveyMap?: Record<string, 1 | 2 | 3 | 4 | 5>;
  /** The centre's own number(s), used as channelAccount. */
  centre?: string;
  /** Enables GET /callback-tasks (signed like the events webhook). */
  callbackTasks?: CallbackTaskPort;
  /** Enables GET /lines: the centre's numbers, what each is, and what to play on a cancelled one. */
  lines?: LineTablePort;
}

/** The CTI's routing table (热线号码表): it plays `announcement` on a cancelled number instead of queueing the call. */
export interface LineTablePort {
  list(): Promise<{ number: string; name: string; mode: string; announcement: string | null; active: boolean }[]>;
}

export function createPhoneRouter(deps: PhoneRouterDeps): Router {
  const router = Router();
  const surveyMap = deps.surveyMap ?? DEFAULT_SURVEY_MAP;
  const guard = hmacGuard({ keys: deps.keys, nonces: deps.nonces, now: deps.now, maxSkewSeconds: deps.maxSkewSeconds });

  router.post('/events', guard, async (req: Request, res: Response) => {
    let json: unknown;
    try {
      json = JSON.parse((res.locals.rawBody as Buffer).toString('utf8'));
    } catch {
      return sendError(req, res, 400, 'MALFORMED_BODY');
    }
    const list = Array.isArray(json) ? json : [json];
    if (list.length === 0 || list.length > 100) return sendError(req, res, 400, 'VALIDATION_FAILED', { fields: { '': '1..100 events' } });
    const events: CallEvent[] = [];
    for (const [i, raw] of list.entries()) {
      const r = raw as Record<string, unknown> | null;
      if (!r || typeof r !== 'object' || typeof r.callId !== 'string' || !r.callId || typeof r.eventId !== 'string' || !r.eventId) {
        return sendError(req, res, 400, 'VALIDATION_FAILED', { fields: { [`${i}`]: 'eventId and callId are required' } });
      }
      if (!(CALL_EVENT_TYPES as readonly unknown[]).includes(r.type)) return sendError(req, res, 422, 'UNKNOWN_EVENT_TYPE', { eventId: r.eventId });
      const parsed = CallEvent.safeParse(r);
      if (!parsed.success) {
        return sendError(req, res, 400, 'VALIDATION_FAILED', {
          fields: Object.fromEntries(parsed.error.issues.map((x) => [`${i}.${x.path.join('.')}`, x.message])),
        });
      }
      events.push(parsed.data);
    }

    let accepted = 0;
    let duplicates = 0;
    for (const e of events) {
      const score = e.type === 'survey_result' && e.surveyDigit !== undefined ? surveyMap[e.surveyDigit] : undefined;
      const r = await deps.events.emit({
        channel: 'phone',
        channelAccount: deps.centre ?? e.callee,
        type: `call.${e.type}`,
        externalId: e.eventId,
        at: e.at,
        data: { ...e, ...(e.type === 'survey_result' ? { rating: score ?? null } : {}) },
      });
      if (r && r.duplicate) duplicates++;
      else accepted++;
      // Also for a duplicate: the rating port is idempotent on eventId itself, so a retry after a
      // crash between the two writes still gets the rating made.
      if (score !== undefined) {
        await deps.ratings.record({ channel: 'phone', externalId: e.eventId, callId: e.callId, callbackTaskId: e.callbackTaskId, score, at: e.at });
      }
    }
    res.status(202).json({ accepted, duplicates });
  });

  if (deps.callbackTasks) {
    const tasks = deps.callbackTasks;
    // GET /callback-tasks?limit=N: the due list for polling CTIs (the push is CtiOutboundClient).
    router.get('/callback-tasks', guard, async (req: Request, res: Response) => {
      const limit = Math.min(100, Math.max(1, Number(req.query.limit ?? 20) || 20));
      res.json({ tasks: await tasks.listDue((deps.now ?? (() => new Date()))(), limit) });
    });
  }
  if (deps.lines) {
    const lines = deps.lines;
    router.get('/lines', guard, async (_req: Request, res: Response) => {
      res.json({ lines: await lines.list() });
    });
  }
  return router;
}
