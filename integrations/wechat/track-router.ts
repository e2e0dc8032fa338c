/**
 * Citizen tracking page inside WeChat (网页授权, channels.md §1 "Citizen tracking page").
 * Mount with app.use('/h5/wechat', createWechatTrackRouter({...})):
 *   GET /track           → 302 to open.weixin.qq.com authorize (scope snsapi_base) with a one-time
 *                          `state` bound to this browser by an HttpOnly cookie
 *   GET /oauth/callback  → state check → code → openid → that OpenID's tickets (public view)
 * A bad state or a bad/reused code answers a 400 page in Chinese.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { NonceStore, PublicTicketView, TicketLookupPort } from '../shared/ports';

export interface WechatTrackRouterDeps {
  appId: string;
  /** Exchanges the code; WechatApiClient.oauthOpenId. */
  oauth: { oauthOpenId(code: string): Promise<{ ok: true; openId: string } | { ok: false; errcode: number }> };
  tickets: Required<Pick<TicketLookupPort, 'byOpenId'>>;
  /** Marks a state as used (one time). */
  nonces: NonceStore;
  /** Public URL of GET /oauth/callback as registered with WeChat (网页授权域名). */
  callbackUrl: string;
  authorizeBase?: string;
  /** The citizen-facing (filtered) timeline of a ticket; absent → the list shows status and reply only. */
  timeline?: (ticketNo: string) => Promise<{ at: string; label: string }[]>;
}

const COOKIE = 'rx_wx_state';
const esc = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(title: string, body: string) {
  return (
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${esc(title)}</title></head><body><h1>${esc(title)}</h1>${body}</body></html>`
  );
}

function cookieOf(req: Request, name: string): string | undefined {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/** Beijing time, as the citizen reads it (the server may run in UTC). */
const beijing = (iso: string) => new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

export function renderTickets(ts: PublicTicketView[], timelines = new Map<string, { at: string; label: string }[]>()): string {
  if (ts.length === 0) return page('我的诉求', '<p>您暂无诉求记录。</p>');
  return page(
    '我的诉求',
    '<ul>' +
      ts
        .map((t) => {
          const tl = timelines.get(t.ticketNo) ?? [];
          return (
            `<li><strong>${esc(t.ticketNo)}</strong> ${t.status === 'closed' ? '已办结' : '办理中'}` +
            `<p>${esc(t.description.slice(0, 200))}</p>${t.statusNotes ? `<p>最新答复：${esc(t.statusNotes)}</p>` : ''}` +
            (tl.length ? `<ol class="timeline">${tl.map((e) => `<li><time>${esc(beijing(e.at))}</time> ${esc(e.label)}</li>`).join('')}</ol>` : '') +
            '</li>'
          );
        })
        .join('') +
      '</ul>',
  );
}

export function createWechatTrackRouter(deps: WechatTrackRouterDeps): Router {
  const router = Router();
  const bad = (res: Response, msg: string) =>
    res
      .status(400)
      .type('text/html; charset=utf-8')
      .send(page('无法查询', `<p>${esc(msg)}</p>`));

  router.get('/track', (_req, res) => {
    const state = randomBytes(16).toString('hex');
    const q = new URLSearchParams({ appid: deps.appId, redirect_uri: deps.callbackUrl, response_type: 'code', scope: 'snsapi_base', state });
    res.setHeader('Set-Cookie', `${COOKIE}=${state}; HttpOnly; Secure; SameSite=Lax; Path=/h5/wechat; Max-Age=600`);
    res.redirect(302, `${deps.authorizeBase ?? 'https://open.weixin.qq.com'}/connect/oauth2/authorize?${q}#wechat_redirect`);
  });

  router.get('/oauth/callback', async (req, res) => {
    const code = typeof req.query.code === 'string' ? req.query.code : '';
    const state = typeof req.query.state === 'string' ? req.query.state : '';
    const mine = cookieOf(req, COOKIE) ?? '';
    const a = Buffer.from(state);
    const b = Buffer.from(mine);
    if (!code || !state || a.length !== b.length || !timingSafeEqual(a, b)) return bad(res, '页面已过期，请从公众号菜单重新进入。');
    if (await deps.nonces.seen(`wxoauth:state:${state}`, 600)) return bad(res, '页面已过期，请从公众号菜单重新进入。');
    res.setHeader('Set-Cookie', `${COOKIE}=; HttpOnly; Secure; SameSite=Lax; Path=/h5/wechat; Max-Age=0`);
    const r = await deps.oauth.oauthOpenId(code);
    if (!r.ok) return bad(res, '授权已失效，请从公众号菜单重新进入。');
    res.setHeader('Cache-Control', 'no-store');
    const list = await deps.tickets.byOpenId(r.openId, 20);
    const timelines = new Map(deps.timeline ? await Promise.all(list.map(async (t) => [t.ticketNo, await deps.timeline!(t.ticketNo)] as const)) : []);
    res.type('text/html; charset=utf-8').send(renderTickets(list, timelines));
  });
  return router;
}
