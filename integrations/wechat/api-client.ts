/**
 * Outbound WeChat API (channels.md §1 "Outbound"): stable access_token with a shared cache,
 * customer-service text (客服消息) and template messages (模板消息). Base URL is configurable
 * so tests point it at a loopback stub. Logs carry errcode only, never the token.
 */
import type { Clock } from '../shared/ports';

/** Shared token cache (Redis in production, so all processes use one token). */
export interface TokenCache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  del(key: string): Promise<void>;
}

export type WechatSendResult =
  | { ok: true; msgid?: string }
  /** retryLater: quota (45009/45047); fallback: send by template or SMS instead (45015 and other errors). */
  | { ok: false; errcode: number; retryLater: boolean; fallback: boolean };

export interface WechatApiClientOptions {
  appId: string;
  appSecret: string;
  tokens: TokenCache;
  baseUrl?: string;
  fetch?: typeof fetch;
  now?: Clock;
  timeoutMs?: number;
  log?: { warn(obj: object, msg: string): void };
}

/** access_token errors: invalid credential / invalid token / token expired → refresh once and retry. */
const TOKEN_ERRORS = new Set([40001, 40014, 42001]);
/** Daily quota reached / out-of-window limits that pass with time. */
export const QUOTA_ERRORS = new Set([45009, 45047]);

export class WechatApiClient {
  private base: string;
  private http: typeof fetch;
  constructor(private o: WechatApiClientOptions) {
    this.base = (o.baseUrl ?? 'https://api.weixin.qq.com').replace(/\/$/, '');
    this.http = o.fetch ?? fetch;
  }

  private cacheKey() {
    return `wechat:token:${this.o.appId}`;
  }

  /**
   * A valid access_token. Cached until 5 minutes before `expires_in` (our rule). `force`
   * asks stable_token for a fresh one (force_refresh, limited per day by WeChat), used only
   * after WeChat itself said the token is invalid.
   */
  async accessToken(force = false): Promise<string> {
    if (!force) {
      const cached = await this.o.tokens.get(this.cacheKey());
      if (cached) return cached;
    }
    const body = await this.postJson('/cgi-bin/stable_token', {
      grant_type: 'client_credential',
      appid: this.o.appId,
      secret: this.o.appSecret,
      ...(force ? { force_refresh: true } : {}),
    });
    if (typeof body.access_token !== 'string' || !body.access_token) {
      this.o.log?.warn({ errcode: body.errcode }, 'wechat: stable_token failed');
      throw new Error(`stable_token failed: errcode ${String(body.errcode)}`);
    }
    const ttl = Math.max(60, Number(body.expires_in ?? 7200) - 300);
    await this.o.tokens.set(this.cacheKey(), body.access_token, ttl);
    return body.access_token;
  }

  /** 客服消息 text, only valid inside the 48 h interaction window (45015 outside it → fallback). */
  sendCustomText(openId: string, content: string): Promise<WechatSendResult> {
    return this.call('/cgi-bin/message/custom/send', { touser: openId, msgtype: 'text', text: { content } });
  }

  /** 模板消息. Final delivery arrives later as the TEMPLATESENDJOBFINISH event (match on msgid). */
  sendTemplate(input: { openId: string; templateId: string; url?: string; data: Record<string, string> }): Promise<WechatSendResult> {
    const data = Object.fromEntries(Object.entries(input.data).map(([k, v]) => [k, { value: v }]));
    return this.call('/cgi-bin/message/template/send', { touser: input.openId, template_id: input.templateId, ...(input.url ? { url: input.url } : {}), data });
  }

  /**
   * 获取临时素材 GET /cgi-bin/media/get: the bytes of a MediaId from an image/voice/video message
   * (kept 3 days by WeChat). Errors come back as JSON with errcode instead of the file.
   */
  async getMedia(mediaId: string): Promise<{ ok: true; contentType: string; body: Buffer } | { ok: false; errcode: number }> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken(attempt > 0);
      const res = await this.http(`${this.base}/cgi-bin/media/get?access_token=${encodeURIComponent(token)}&media_id=${encodeURIComponent(mediaId)}`, {
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 15000),
      });
      // A 5xx or a proxy's HTML page is neither a file nor an errcode: throw, the job retries later.
      if (!res.ok) throw new Error(`wechat api HTTP ${res.status}`);
      const contentType = res.headers.get('content-type') ?? 'application/octet-stream';
      const body = Buffer.from(await res.arrayBuffer());
      if (!/json|text\/plain/.test(contentType)) return { ok: true, contentType, body };
      let errcode = -1;
      try {
        errcode = Number((JSON.parse(body.toString('utf8')) as { errcode?: number }).errcode ?? -1);
      } catch {
        /* not JSON */
      }
      this.o.log?.warn({ errcode, path: '/cgi-bin/media/get' }, 'wechat: api error');
      if (TOKEN_ERRORS.has(errcode) && attempt === 0) {
        await this.o.tokens.del(this.cacheKey());
        continue;
      }
      return { ok: false, errcode };
    }
  }

  /**
   * 网页授权: exchanges an OAuth `code` (single use, 5 min) for the user's openid.
   * GET /sns/oauth2/access_token?appid&secret&code&grant_type=authorization_code.
   */
  async oauthOpenId(code: string): Promise<{ ok: true; openId: string } | { ok: false; errcode: number }> {
    const q = new URLSearchParams({ appid: this.o.appId, secret: this.o.appSecret, code, grant_type: 'authorization_code' });
    const res = await this.http(`${this.base}/sns/oauth2/access_token?${q}`, { signal: AbortSignal.timeout(this.o.timeoutMs ?? 5000) });
    const body = (await res.json().catch(() => ({}))) as { openid?: string; errcode?: number };
    if (typeof body.openid === 'string' && body.openid) return { ok: true, openId: body.openid };
    this.o.log?.warn({ errcode: body.errcode }, 'wechat: oauth code exchange failed');
    return { ok: false, errcode: Number(body.errcode ?? -1) };
  }

  private async call(path: string, payload: object): Promise<WechatSendResult> {
    let token = await this.accessToken();
    for (let attempt = 0; ; attempt++) {
      const body = await this.postJson(`${path}?access_token=${encodeURIComponent(token)}`, payload);
      const errcode = Number(body.errcode ?? 0);
      if (errcode === 0) return { ok: true, ...(body.msgid !== undefined ? { msgid: String(body.msgid) } : {}) };
      this.o.log?.warn({ errcode, path }, 'wechat: api error');
      if (TOKEN_ERRORS.has(errcode) && attempt === 0) {
        await this.o.tokens.del(this.cacheKey());
        token = await this.accessToken(true);
        continue;
      }
      return { ok: false, errcode, retryLater: QUOTA_ERRORS.has(errcode), fallback: !QUOTA_ERRORS.has(errcode) };
    }
  }

  private async postJson(pathAndQuery: string, payload: object): Promise<Record<string, unknown>> {
    const res = await this.http(`${this.base}${pathAndQuery}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(this.o.timeoutMs ?? 5000),
    });
    if (!res.ok) throw new Error(`wechat api HTTP ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  }
}

/** Adapts the client to the router's customer-service port (late ticket-number message). */
export function customerServiceFrom(clientFor: (appId: string) => WechatApiClient) {
  return {
    sendText: (account: { appId: string }, openId: string, text: string) => clientFor(account.appId).sendCustomText(openId, text),
  };
}
