/**
 * Open311 GeoReport v2 (channels.md §6; spec: wiki.open311.org/GeoReport_v2). Mount with
 *   app.use('/open311/v2', createOpen311Router({...}))
 * Every resource answers in .json and .xml; errors use the spec's own shape.
 */
import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { InboundAppeal } from '../inbound-appeal';
import type { Clock, IntakePort, RateLimitPort } from '../shared/ports';
import { BodyTooLargeError, readRawBody } from '../shared/raw-body';
import { send, sendError, type Format } from './format';
import type { Open311ApiKeyPort, Open311RequestsPort, Open311Service, ServiceCatalogPort } from './ports';
import { presentDefinition, presentRequest, presentService } from './present';
import { RequestInputError, toAppeal } from './request-input';

export interface Open311RouterDeps {
  intake: IntakePort;
  catalog: ServiceCatalogPort;
  apiKeys: Open311ApiKeyPort;
  /** What each api_key may read (filed under it, or public summaries); masked by the server. */
  requests: Open311RequestsPort;
  /** Served jurisdictions; the first is the default. jurisdiction_id is required when there are several. */
  jurisdictions: string[];
  rateLimit?: RateLimitPort;
  /** Per api_key, per hour (our default 600). */
  postsPerHour?: number;
  /** Reads (list and single) per api_key, per hour (our default 600): ticket numbers are sequential, so enumeration costs quota. */
  readsPerHour?: number;
  now?: Clock;
  discovery?: { changeset: string; contact: string; keyService: string; baseUrl: string };
  serviceNotice?: (ticketNo: string) => string;
  maxBodyBytes?: number;
}

const DAY = 86400_000;

export function createOpen311Router(deps: Open311RouterDeps): Router {
  const now = deps.now ?? (() => new Date());
  const notice = deps.serviceNotice ?? ((no: string) => `已受理，工单号 ${no}`);
  const router = Router();

  class HttpError extends Error {
    constructor(
      public status: number,
      msg: string,
    ) {
      super(msg);
    }
  }

  function jurisdiction(req: Request, params: URLSearchParams | null): string {
    const raw = params?.get('jurisdiction_id') ?? (typeof req.query.jurisdiction_id === 'string' ? req.query.jurisdiction_id : undefined);
    if (!raw) {
      if (deps.jurisdictions.length > 1) throw new HttpError(400, 'jurisdiction_id was not provided');
      return deps.jurisdictions[0];
    }
    if (!deps.jurisdictions.includes(raw)) throw new HttpError(404, `jurisdiction_id ${raw} not found`);
    return raw;
  }

  async function service(jid: string, code: string): Promise<Open311Service> {
    const s = await deps.catalog.get(jid, code);
    if (!s) throw new HttpError(404, `service_code ${code} not found`);
    return s;
  }

  const q = (req: Request, k: string) => (typeof req.query[k] === 'string' ? (req.query[k] as string) : undefined);

  function parseDate(v: string | undefined, name: string): Date | undefined {
    if (v === undefined) return undefined;
    const d = new Date(v);
    if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(d.getTime())) throw new HttpError(400, `${name} is not a valid W3C datetime`);
    return d;
  }

  /**
   * Reads need an api_key too (the spec leaves it optional; a 12345 centre cannot): without one,
   * anyone could walk the sequential ticket numbers. Each read costs the key one unit of quota.
   */
  async function readerKey(req: Request, res: Response): Promise<string> {
    const apiKey = q(req, 'api_key') ?? '';
    const key = apiKey ? await deps.apiKeys.verify(apiKey) : null;
    if (!key) throw new HttpError(403, "Invalid api_key received -- can't proceed with read_request");
    if (deps.rateLimit) {
      const rl = await deps.rateLimit.hit(`open311-read:${key.keyId}`, deps.readsPerHour ?? 600, 3600);
      if (!rl.allowed) {
        res.setHeader('Retry-After', String(rl.retryAfterSeconds));
        throw new HttpError(429, 'rate limit exceeded for this api_key');
      }
    }
    return key.keyId;
  }

  async function listRequests(req: Request, res: Response, fmt: Format) {
    jurisdiction(req, null);
    const keyId = await readerKey(req, res);
    const ids = q(req, 'service_request_id');
    if (ids) {
      const ticketNos = ids
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .slice(0, 1000);
      const found = await deps.requests.list(keyId, { ticketNos, from: new Date(0), to: now(), limit: 1000 });
      return send(res, fmt, 200, 'service_requests', found.map(presentRequest));
    }
    const end = parseDate(q(req, 'end_date'), 'end_date') ?? now();
    const start = parseDate(q(req, 'start_date'), 'start_date') ?? new Date(end.getTime() - 90 * DAY);
    if (start > end) throw new HttpError(400, 'start_date is after end_date');
    if (end.getTime() - start.getTime() > 90 * DAY) throw new HttpError(400, 'date span exceeds 90 days');
    const status = q(req, 'status')
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (status?.some((s) => s !== 'open' && s !== 'closed')) throw new HttpError(400, 'status must be open or closed');
    const codes = q(req, 'service_code')
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const found = await deps.requests.list(keyId, {
      serviceCodes: codes,
      status: status as ('open' | 'closed')[] | undefined,
      from: start,
      to: end,
      limit: 1000,
    });
    return send(res, fmt, 200, 'service_requests', found.slice(0, 1000).map(presentRequest));
  }

  async function postRequest(req: Request, res: Response, fmt: Format) {
    let body: Buffer;
    try {
      body = await readRawBody(req, deps.maxBodyBytes ?? 64 * 1024);
    } catch (e) {
      if (e instanceof BodyTooLargeError) {
        res.setHeader('Connection', 'close');
        throw new HttpError(413, 'request body too large');
      }
      throw e;
    }
    const ct = String(req.headers['content-type'] ?? '');
    if (!ct.startsWith('application/x-www-form-urlencoded')) throw new HttpError(400, 'Content-Type must be application/x-www-form-urlencoded');
    const params = new URLSearchParams(body.toString('utf8'));
    const apiKey = params.get('api_key') ?? '';
    const key = apiKey ? await deps.apiKeys.verify(apiKey) : null;
    if (!key) throw new HttpError(403, "Invalid api_key received -- can't proceed with create_request");
    if (deps.rateLimit) {
      const rl = await deps.rateLimit.hit(`open311:${key.keyId}`, deps.postsPerHour ?? 600, 3600);
      if (!rl.allowed) {
        res.setHeader('Retry-After', String(rl.retryAfterSeconds));
        throw new HttpError(429, 'rate limit exceeded for this api_key');
      }
    }
    const jid = jurisdiction(req, params);
    const code = params.get('service_code');
    if (!code) throw new HttpError(400, 'service_code was not provided');
    const svc = await service(jid, code);
    const idem = req.headers['idempotency-key'];
    const externalId = typeof idem === 'string' && /^[0-9a-fA-F-]{36}$/.test(idem) ? idem : randomUUID();
    const draft = toAppeal(params, svc, { keyId: key.keyId, externalId, receivedAt: now() });
    const parsed = InboundAppeal.safeParse(draft);
    if (!parsed.success) throw new HttpError(400, `invalid field: ${parsed.error.issues[0]?.path.join('.') ?? '?'}`);
    const r = await deps.intake.register(parsed.data);
    return send(res, fmt, 201, 'service_requests', [
      {
        service_request_id: r.ticketNo,
        service_notice: notice(r.ticketNo),
        account_id: params.get('account_id') ?? null,
      },
    ]);
  }

  router.use(async (req: Request, res: Response) => {
    const m = /^\/(discovery|services|requests|tokens)(?:\/([^/]+?))?\.(json|xml)$/.exec(req.path);
    const fmt: Format = /\.xml$/.test(req.path) ? 'xml' : 'json';
    try {
      if (!m) throw new HttpError(404, 'unknown resource or format');
      const [, resource, id, f] = m;
      const format = f as Format;
      const key = `${req.method} ${resource}${id ? '/:id' : ''}`;
      switch (key) {
        case 'GET discovery': {
          const d = deps.discovery;
          if (!d) throw new HttpError(404, 'discovery not configured');
          return send(res, format, 200, 'discovery', {
            changeset: d.changeset,
            contact: d.contact,
            key_service: d.keyService,
            endpoints: [
              {
                specification: 'http://wiki.open311.org/GeoReport_v2',
                url: d.baseUrl,
                changeset: d.changeset,
                type: 'production',
                formats: ['application/json', 'text/xml'],
              },
            ],
          });
        }
        case 'GET services':
          return send(res, format, 200, 'services', (await deps.catalog.list(jurisdiction(req, null))).map(presentService));
        case 'GET services/:id':
          return send(res, format, 200, 'service_definition', presentDefinition(await service(jurisdiction(req, null), decodeURIComponent(id))));
        case 'GET requests':
          return await listRequests(req, res, format);
        case 'POST requests':
          return await postRequest(req, res, format);
        case 'GET requests/:id': {
          jurisdiction(req, null);
          const keyId = await readerKey(req, res);
          // Another key's request and a number that does not exist answer alike: no oracle for enumeration.
          const t = await deps.requests.get(keyId, decodeURIComponent(id));
          if (!t) throw new HttpError(404, `service_request_id ${id} not found`);
          return send(res, format, 200, 'service_requests', [presentRequest(t)]);
        }
        case 'GET tokens/:id':
          // We create requests synchronously and never issue tokens (channels.md §6).
          throw new HttpError(404, 'token not found');
        default:
          res.setHeader('Allow', resource === 'requests' && !id ? 'GET, POST' : 'GET');
          throw new HttpError(405, 'method not allowed');
      }
    } catch (e) {
      if (e instanceof HttpError) return sendError(res, fmt, e.status, e.message);
      if (e instanceof RequestInputError) return sendError(res, fmt, 400, e.message);
      // A NUL character PostgreSQL cannot store is the client's input, not our fault (SQLSTATE 22021/22P05).
      if (isUnstorableText(e)) return sendError(res, fmt, 400, 'text contains a character that cannot be stored');
      // Never a stack trace on the wire.
      return sendError(res, fmt, 500, 'general service error');
    }
  });
  return router;
}

/** PostgreSQL refused a character in a text value (U+0000): SQLSTATE 22021 or 22P05. */
function isUnstorableText(e: unknown): boolean {
  const code = String((e as { code?: string; cause?: { code?: string } })?.code ?? (e as { cause?: { code?: string } })?.cause?.code ?? '');
  return code === '22021' || code === '22P05';
}
