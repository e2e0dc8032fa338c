/**
 * Delivery receipt pushes (状态报告): POST /channels/sms/:provider/receipts/:secretPathToken
 * (channels.md §4.2). Vendors do not sign pushes, so the secret path token (and optionally an
 * IP allow-list) is the guard. Mount with app.use('/channels/sms', createSmsReceiptRouter({...})).
 */
import { timingSafeEqual } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { ChannelEventSink } from '../shared/ports';
import { BodyTooLargeError, readRawBody } from '../shared/raw-body';
import type { SmsProvider } from './types';

export interface SmsReceiptRouterDeps {
  providers: SmsProvider[];
  /** Receives one `sms.receipt` event per (provider, providerMsgId, phone); idempotent. */
  events: ChannelEventSink;
  secretPathToken: string;
  /** Optional allow-list of vendor push source IPs (req.ip as Express sees it). */
  allowIps?: string[];
  maxBodyBytes?: number;
}

export function createSmsReceiptRouter(deps: SmsReceiptRouterDeps): Router {
  const router = Router();
  const want = Buffer.from(deps.secretPathToken);
  router.post('/:provider/receipts/:token', async (req: Request, res: Response) => {
    const provider = deps.providers.find((p) => p.id === req.params.provider);
    const got = Buffer.from(String(req.params.token));
    // Same 404 for an unknown provider and a wrong token: the path reveals nothing.
    if (!provider || got.length !== want.length || !timingSafeEqual(got, want)) return res.status(404).end();
    if (deps.allowIps && !deps.allowIps.includes(req.ip ?? '')) return res.status(403).end();
    let receipts;
    try {
      const body = await readRawBody(req, deps.maxBodyBytes ?? 1024 * 1024);
      receipts = provider.parseReceipts({ headers: req.headers, body });
    } catch (e) {
      const ack = provider.receiptAck(false);
      return res.status(e instanceof BodyTooLargeError ? 413 : ack.status).json(ack.body);
    }
    for (const r of receipts) {
      await deps.events.emit({
        channel: 'sms',
        channelAccount: provider.id,
        type: 'sms.receipt',
        externalId: `${provider.id}:${r.providerMsgId}:${r.phone}`,
        at: r.at,
        data: { ...r },
      });
    }
    const ack = provider.receiptAck(true);
    res.status(ack.status).json(ack.body);
  });

  // 上行 (replies from citizens): POST /:provider/inbound/:token → `sms.inbound` events. Whether a
  // reply is a survey answer or a new appeal depends on what we last sent that number: server's call.
  router.post('/:provider/inbound/:token', async (req: Request, res: Response) => {
    const provider = deps.providers.find((p) => p.id === req.params.provider);
    const got = Buffer.from(String(req.params.token));
    if (!provider?.parseInbound || got.length !== want.length || !timingSafeEqual(got, want)) return res.status(404).end();
    if (deps.allowIps && !deps.allowIps.includes(req.ip ?? '')) return res.status(403).end();
    let messages;
    try {
      messages = provider.parseInbound({ headers: req.headers, body: await readRawBody(req, deps.maxBodyBytes ?? 1024 * 1024) });
    } catch (e) {
      const ack = provider.receiptAck(false);
      return res.status(e instanceof BodyTooLargeError ? 413 : ack.status).json(ack.body);
    }
    for (const m of messages) {
      await deps.events.emit({
        channel: 'sms',
        channelAccount: provider.id,
        type: 'sms.inbound',
        externalId: `${provider.id}:in:${m.providerMsgId}`,
        at: m.at,
        data: { ...m },
      });
    }
    const ack = provider.receiptAck(true);
    res.status(ack.status).json(ack.body);
  });
  return router;
}
