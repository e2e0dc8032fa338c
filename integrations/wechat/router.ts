/**
 * WeChat Official Account developer "server URL" (channels.md §1). Mount with
 *   app.use('/channels/wechat', createWechatRouter({...}))
 * which serves GET|POST /channels/wechat (account `default`) and /channels/wechat/:accountId.
 *
 * Rejections answer a short text/plain code with 4xx: only forged or broken requests get them,
 * never a genuine WeChat push. A genuine push always gets XML, "success" or (if intake is
 * down) a 503 so that WeChat retries it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { InboundAppeal, type ParsedInboundAppeal } from '../inbound-appeal';
import type { ChannelEventSink, Clock, IntakePort, NonceStore, RawStore, TicketLookupPort } from '../shared/ports';
import { BodyTooLargeError, readRawBody } from '../shared/raw-body';
import type { WechatAccount, WechatAccountStore } from './accounts';
import { decodeAesKey, decryptMessage, encryptMessage, signatureMatches, wechatSignature, WechatCryptoError } from './crypto';
import { toInbound, WechatMessageError } from './message';
import { DEFAULT_TEXTS, type WechatTexts } from './replies';
import { encryptedReplyXml, parseWechatXml, textReplyXml, WechatXmlError } from './xml';

export interface WechatRouterDeps {
  intake: IntakePort;
  /** Used to send the ticket number only once when the passive reply came too late. */
  nonces: NonceStore;
  accounts: WechatAccountStore;
  events?: ChannelEventSink;
  tickets?: Pick<TicketLookupPort, 'byOpenId'>;
  rawStore?: RawStore;
  /** Customer-service text (客服消息) for the late path; see WechatApiClient.sendCustomText. */
  customerService?: { sendText(account: WechatAccount, openId: string, text: string): Promise<unknown> };
  now?: Clock;
  /** Our rule: after this long without a committed ticket answer "success" and reply later. */
  replyDeadlineMs?: number;
  maxBodyBytes?: number;
  ticketNoPattern?: RegExp;
  texts?: Partial<WechatTexts>;
  log?: { warn(obj: object, msg: string): void };
}

class Reject extends Error {
  constructor(
    public status: number,
    public code: string,
  ) {
    super(code);
  }
}

export function createWechatRouter(deps: WechatRouterDeps): Router {
  const now = deps.now ?? (() => new Date());
  const texts = { ...DEFAULT_TEXTS, ...deps.texts };
  const limit = deps.maxBodyBytes ?? 64 * 1024;
  const router = Router();

  async function accountOf(req: Request): Promise<WechatAccount> {
    // Mounted with and without `/:accountId`; without it the single account is 'default'.
    const id: string = (req.params.accountId as string | undefined) ?? 'default';
    const account = await deps.accounts.get(id);
    if (!account) throw new Reject(404, 'UNKNOWN_ACCOUNT');
    return account;
  }

  function q(req: Request, name: string): string | undefined {
    const v = req.query[name];
    return typeof v === 'string' ? v : undefined;
  }

  function checkClock(account: WechatAccount, timestamp: string | undefined) {
    if (!timestamp || !/^\d{1,12}$/.test(timestamp)) throw new Reject(401, 'BAD_SIGNATURE');
    const skew = account.maxClockSkewSeconds;
    if (skew > 0 && Math.abs(now().getTime() / 1000 - Number(timestamp)) > skew) throw new Reject(401, 'STALE_REQUEST');
  }

  function fail(res: Response, e: unknown) {
    if (e instanceof Reject) return res.status(e.status).type('text/plain').send(e.code);
    if (e instanceof BodyTooLargeError) return res.status(413).set('Connection', 'close').type('text/plain').send('PAYLOAD_TOO_LARGE');
    if (e instanceof WechatCryptoError || e instanceof WechatXmlError || e instanceof WechatMessageError) {
      deps.log?.warn({ code: 'BAD_MESSAGE', reason: e.message }, 'wechat: rejected push');
      return res.status(400).type('text/plain').send('BAD_MESSAGE');
    }
    deps.log?.warn({ code: 'INTERNAL', err: e instanceof Error ? e.message : String(e) }, 'wechat: failed');
    // Empty 503: WeChat retries (up to 3 times); no error page reaches the citizen.
    return res.status(503).type('text/plain').send('');
  }

  // URL verification (接入验证).
  async function verifyUrl(req: Request, res: Response) {
    try {
      const account = await accountOf(req);
      const [timestamp, nonce, echostr] = [q(req, 'timestamp'), q(req, 'nonce') ?? '', q(req, 'echostr')];
      checkClock(account, timestamp);
      if (echostr === undefined) throw new Reject(400, 'BAD_MESSAGE');
      const msgSig = q(req, 'msg_signature');
      if (msgSig && account.mode !== 'plain') {
        // WeCom-style encrypted echostr: 4-string signature, then decrypt.
        if (!signatureMatches(wechatSignature(account.token, timestamp!, nonce, echostr), msgSig)) throw new Reject(401, 'BAD_SIGNATURE');
        const { message, appId } = decryptMessage(decodeAesKey(account.encodingAesKey!), echostr);
        if (appId !== account.appId) throw new Reject(401, 'APPID_MISMATCH');
        return res.status(200).type('text/plain').send(message);
      }
      if (!signatureMatches(wechatSignature(account.token, timestamp!, nonce), q(req, 'signature'))) throw new Reject(401, 'BAD_SIGNATURE');
      return res.status(200).type('text/plain').send(echostr);
    } catch (e) {
      return fail(res, e);
    }
  }

  /**
   * A plain push's signature covers (token, timestamp, nonce) only, not the body, so a captured
   * URL could carry any other body inside the clock-skew window. Each signed URL is remembered
   * (Redis SET NX EX) with the body it first came with: WeChat's own retries (same body) pass
   * and are deduplicated by MsgId; another body with the same URL is REPLAYED. Encrypted pushes
   * need no such record: msg_signature covers the ciphertext.
   */
  async function claimSignedUrl(account: WechatAccount, timestamp: string, nonce: string, body: Buffer) {
    const ttl = Math.max(account.maxClockSkewSeconds, 300) * 2 + 1;
    const url = `wxsig:${account.id}:${timestamp}:${nonce}`;
    const firstBody = !(await deps.nonces.seen(`${url}:${createHash('sha256').update(body).digest('hex')}`, ttl));
    const firstUrl = !(await deps.nonces.seen(url, ttl));
    if (firstBody && !firstUrl) throw new Reject(401, 'REPLAYED');
  }

  async function receive(req: Request, res: Response) {
    const started = now();
    try {
      const account = await accountOf(req);
      const [timestamp, nonce] = [q(req, 'timestamp'), q(req, 'nonce') ?? ''];
      checkClock(account, timestamp);
      const encrypted = q(req, 'encrypt_type') === 'aes';
      if (encrypted && account.mode === 'plain') throw new Reject(400, 'MODE_MISMATCH');
      if (!encrypted && account.mode === 'safe') throw new Reject(400, 'MODE_MISMATCH');
      const plainSig = q(req, 'signature');
      // Plain mode is authenticated by `signature` alone; in aes mode it is checked too when sent.
      if ((!encrypted || plainSig !== undefined) && !signatureMatches(wechatSignature(account.token, timestamp!, nonce), plainSig))
        throw new Reject(401, 'BAD_SIGNATURE');

      const body = await readRawBody(req, limit);
      if (!encrypted) await claimSignedUrl(account, timestamp!, nonce, body);
      const outer = parseWechatXml(body.toString('utf8'));
      let fields = outer;
      let key: Buffer | undefined;
      if (encrypted) {
        const enc = outer.Encrypt;
        if (!enc) throw new Reject(400, 'BAD_MESSAGE');
        // Check msg_signature before touching the ciphertext (channels.md §1).
        if (!signatureMatches(wechatSignature(account.token, timestamp!, nonce, enc), q(req, 'msg_signature'))) {
          throw new Reject(401, 'BAD_SIGNATURE');
        }
        key = decodeAesKey(account.encodingAesKey!);
        const { message, appId } = decryptMessage(key, enc);
        if (appId !== account.appId) throw new Reject(401, 'APPID_MISMATCH');
        fields = parseWechatXml(message);
      }
      const openIdQ = q(req, 'openid');
      if (openIdQ !== undefined && openIdQ !== fields.FromUserName) throw new Reject(400, 'OPENID_MISMATCH');
      // ToUserName is the official account the citizen wrote to; a push for another account is not ours.
      if (account.originalId && fields.ToUserName !== account.originalId) throw new Reject(400, 'WRONG_ACCOUNT');

      const rawRef = deps.rawStore
        ? await deps.rawStore.save({ channel: 'wechat', channelAccount: account.appId, contentType: 'application/xml', body })
        : undefined;
      const parsed = toInbound(fields, { appId: account.appId, receivedAt: started, rawRef, ticketNoPattern: deps.ticketNoPattern });

      const reply = (text: string) => {
        const xml = textReplyXml(parsed.openId, fields.ToUserName ?? '', Math.floor(now().getTime() / 1000), text);
        if (!key) return res.status(200).type('application/xml').send(xml);
        const ts = String(Math.floor(now().getTime() / 1000));
        const rnonce = String(randomBytes(4).readUInt32BE(0));
        const enc = encryptMessage(key, xml, account.appId);
        return res
          .status(200)
          .type('application/xml')
          .send(encryptedReplyXml(enc, wechatSignature(account.token, ts, rnonce, enc), ts, rnonce));
      };
      const success = () => res.status(200).type('text/plain').send('success');

      if (parsed.kind === 'unsupported') {
        await deps.events?.emit({
          channel: 'wechat',
          channelAccount: account.appId,
          type: 'wechat.unsupported',
          externalId: `${parsed.openId}:${fields.CreateTime}:${fields.MsgId ?? parsed.msgType}`,
          at: started.toISOString(),
          data: { msgType: parsed.msgType, rawRef },
        });
        return success();
      }
      if (parsed.kind === 'event') {
        await deps.events?.emit(parsed.event);
        if (parsed.eventName === 'subscribe') return reply(texts.welcome);
        if (parsed.eventName === 'CLICK' && parsed.eventKey === 'NEW_APPEAL') return reply(texts.newAppeal);
        if (parsed.eventName === 'CLICK' && parsed.eventKey === 'MY_APPEALS' && deps.tickets?.byOpenId) {
          return reply(texts.myAppeals(await deps.tickets.byOpenId(parsed.openId, 5)));
        }
        return success();
      }

      let appeal: ParsedInboundAppeal;
      try {
        appeal = InboundAppeal.parse(parsed.appeal);
      } catch {
        throw new Reject(400, 'BAD_MESSAGE');
      }
      const deadline = deps.replyDeadlineMs ?? 3000;
      const repliedKey = `wechat:replied:${account.appId}:${appeal.externalId}`;
      const registration = deps.intake.register(appeal);
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        registration.then(
          (r) => ({ r }),
          (err: unknown) => ({ err }),
        ),
        new Promise<'late'>((r) => {
          timer = setTimeout(r, Math.max(0, deadline - (now().getTime() - started.getTime())), 'late');
        }),
      ]);
      clearTimeout(timer);
      if (outcome === 'late') {
        // 5-second rule: answer now, send the number by customer-service message once it exists.
        registration
          .then(async (r) => {
            if (await deps.nonces.seen(repliedKey, 24 * 3600)) return;
            await deps.customerService?.sendText(account, parsed.openId, texts.received(r.ticketNo));
          })
          .catch((err: unknown) => deps.log?.warn({ code: 'LATE_REPLY_FAILED', err: String(err) }, 'wechat: late reply'));
        return success();
      }
      if ('err' in outcome) throw outcome.err;
      await deps.nonces.seen(repliedKey, 24 * 3600);
      return reply(texts.received(outcome.r.ticketNo));
    } catch (e) {
      return fail(res, e);
    }
  }

  router.get('/', verifyUrl);
  router.get('/:accountId', verifyUrl);
  router.post('/', receive);
  router.post('/:accountId', receive);
  return router;
}
