/**
 * Receiving side of the exchange API. Mount with app.use('/exchange/v1', createExchangeRouter({...})).
 * POST /orders (order.pushed) and POST /orders/:orderId/messages (everything else), §0.3-signed
 * with X-Rexian-Key-Id = the sending platform's id, header X-Exchange-Version: 1.
 */
import { Router, type Request, type Response } from 'express';
import { InboundAppeal } from '../inbound-appeal';
import { sha256Hex } from '../shared/hmac';
import { hmacGuard } from '../shared/hmac-middleware';
import { sendError } from '../shared/errors';
import type { NonceStore } from '../shared/ports';
import { Envelope, isMessageType, MESSAGE_TYPES, OrderPushedPayload } from './messages';
import type { ExchangeInboxPort, ExchangePeerStore } from './ports';

export interface ExchangeRouterDeps {
  inbox: ExchangeInboxPort;
  peers: ExchangePeerStore;
  nonces: NonceStore;
  now?: () => Date;
  maxSkewSeconds?: number;
  maxBodyBytes?: number;
}

const STATUS: Record<string, number> = { EXCHANGE_ID_CONFLICT: 409, SEQUENCE_GAP: 409, INVALID_TRANSITION: 422, UNKNOWN_ORDER: 404 };

export function createExchangeRouter(deps: ExchangeRouterDeps): Router {
  const router = Router();
  const guard = hmacGuard({
    keys: async (id) => (await deps.peers.get(id))?.secrets ?? [],
    nonces: deps.nonces,
    now: deps.now,
    maxSkewSeconds: deps.maxSkewSeconds,
    limitBytes: deps.maxBodyBytes ?? 1024 * 1024,
  });

  async function handle(req: Request, res: Response, pathOrderId?: string) {
    if (req.headers['x-exchange-version'] !== '1') return sendError(req, res, 400, 'VALIDATION_FAILED', { fields: { 'X-Exchange-Version': 'must be 1' } });
    const raw = res.locals.rawBody as Buffer;
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      return sendError(req, res, 400, 'MALFORMED_BODY');
    }
    const env = Envelope.safeParse(json);
    if (!env.success)
      return sendError(req, res, 400, 'VALIDATION_FAILED', { fields: Object.fromEntries(env.error.issues.map((i) => [i.path.join('.'), i.message])) });
    const e = env.data;
    const peer = (await deps.peers.get(res.locals.keyId as string))!;
    // The signer is the sender: a platform cannot speak for another.
    if (e.from !== peer.platformId) return sendError(req, res, 403, 'FORBIDDEN_SENDER');
    if (!isMessageType(e.type)) return sendError(req, res, 422, 'UNKNOWN_MESSAGE_TYPE');
    if ((e.type === 'order.pushed') !== (pathOrderId === undefined)) return sendError(req, res, 422, 'UNKNOWN_MESSAGE_TYPE');
    if (pathOrderId !== undefined && pathOrderId !== e.orderId)
      return sendError(req, res, 400, 'VALIDATION_FAILED', { fields: { orderId: 'differs from path' } });
    const spec = MESSAGE_TYPES[e.type];
    // An upper peer may only send downward types, a lower peer only upward ones.
    const expected = peer.role === 'upper' ? 'down' : 'up';
    if (spec.dir !== expected) return sendError(req, res, 403, 'WRONG_DIRECTION');
    const payload = spec.payload.safeParse(e.payload);
    if (!payload.success)
      return sendError(req, res, 400, 'VALIDATION_FAILED', {
        fields: Object.fromEntries(payload.error.issues.map((i) => [`payload.${i.path.join('.')}`, i.message])),
      });

    let appeal;
    if (e.type === 'order.pushed') {
      const p = payload.data as ReturnType<typeof OrderPushedPayload.parse>;
      const draft = InboundAppeal.safeParse({
        channel: 'exchange',
        channelAccount: peer.platformId,
        externalId: e.orderId,
        receivedAt: (deps.now?.() ?? new Date()).toISOString(),
        occurredAt: e.sentAt,
        citizen: { ...(p.contact?.name ? { name: p.contact.name } : {}), ...(p.contact?.phone ? { phone: p.contact.phone } : {}) },
        content: { text: p.text, ...(p.title ? { title: p.title } : {}) },
        ...(p.location || p.divisionCode ? { location: { ...p.location, ...(p.divisionCode ? { divisionCode: p.divisionCode } : {}) } } : {}),
        attachments: p.attachments.map((a) => ({
          kind: a.mime.startsWith('image/') ? 'image' : a.mime.startsWith('audio/') ? 'audio' : a.mime.startsWith('video/') ? 'video' : 'document',
          mime: a.mime,
          size: a.size,
          sha256: a.sha256,
          remoteRef: a.url,
        })),
        hints: {
          ...(p.categoryCode ? { categoryCode: p.categoryCode } : {}),
          ...(p.appealType ? { appealType: p.appealType } : {}),
          ...(p.urgency ? { urgency: p.urgency } : {}),
        },
        threadRef: { ticketNo: p.originTicketNo },
        replyRoute: { channel: 'exchange', address: peer.platformId },
      });
      if (!draft.success) return sendError(req, res, 400, 'VALIDATION_FAILED', { fields: { payload: draft.error.issues[0]?.message ?? '' } });
      appeal = draft.data;
    }
    const r = await deps.inbox.receive({ envelope: { ...e, type: e.type, payload: payload.data }, bodySha256: sha256Hex(raw), peer, appeal });
    if ('error' in r) return sendError(req, res, STATUS[r.error] ?? 422, r.error, r.reason ? { reason: r.reason } : undefined);
    res.status(200).json({ exchangeId: e.exchangeId, status: r.status });
  }

  router.post('/orders', guard, (req, res) => handle(req, res));
  router.post('/orders/:orderId/messages', guard, (req, res) => handle(req, res, String(req.params.orderId)));
  return router;
}
