/**
 * Sending side: delivers one envelope to a peer, §0.3-signed with our platform id as key id.
 * The outbox worker calls this in seq order per order and acts on `outcome` (channels.md §7):
 * retry with backoff, or fail for good (422: illegal transition / unknown type → alert).
 */
import { signRequest } from '../shared/hmac';
import type { Envelope } from './messages';

export type DeliveryOutcome =
  { outcome: 'delivered'; status: 'accepted' | 'duplicate' } | { outcome: 'retry'; code: string } | { outcome: 'failed'; code: string };

export class ExchangeClient {
  constructor(private o: { selfPlatformId: string; secret: string; fetch?: typeof fetch; timeoutMs?: number; now?: () => Date }) {}

  async deliver(peerBaseUrl: string, env: Envelope): Promise<DeliveryOutcome> {
    const base = peerBaseUrl.endsWith('/') ? peerBaseUrl : `${peerBaseUrl}/`;
    const url = new URL(env.type === 'order.pushed' ? 'orders' : `orders/${encodeURIComponent(env.orderId)}/messages`, base);
    const body = JSON.stringify(env);
    const headers = signRequest({
      keyId: this.o.selfPlatformId,
      secret: this.o.secret,
      method: 'POST',
      path: url.pathname + url.search,
      body,
      timestamp: this.o.now ? Math.floor(this.o.now().getTime() / 1000) : undefined,
    });
    let res: Response;
    try {
      res = await (this.o.fetch ?? fetch)(url, {
        method: 'POST',
        body,
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
        headers: { ...headers, 'content-type': 'application/json', 'x-exchange-version': '1' },
      });
    } catch {
      return { outcome: 'retry', code: 'NETWORK' };
    }
    const json = (await res.json().catch(() => ({}))) as { status?: 'accepted' | 'duplicate'; code?: string; reason?: { code?: string; message?: string } };
    if (res.status === 200 && (json.status === 'accepted' || json.status === 'duplicate')) return { outcome: 'delivered', status: json.status };
    const code = json.code ?? `HTTP_${res.status}`;
    // SEQUENCE_GAP: an earlier message is still on its way; 5xx/429: the peer is struggling.
    if (code === 'SEQUENCE_GAP' || res.status >= 500 || res.status === 429) return { outcome: 'retry', code };
    // STALE_REQUEST after a long outage is fixed by re-signing on the next attempt.
    if (code === 'STALE_REQUEST' || code === 'REPLAYED') return { outcome: 'retry', code };
    // The peer's reason (what its ticket refused and why) is kept with the failed message for the operator.
    return { outcome: 'failed', code: json.reason?.message ? `${code}: ${json.reason.code ?? ''} ${json.reason.message}`.slice(0, 500) : code };
  }
}
