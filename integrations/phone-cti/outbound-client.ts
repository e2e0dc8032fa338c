/**
 * Pushes a callback task (回访外呼) to the CTI adapter: POST {ctiBaseUrl}/outbound-calls,
 * §0.3-signed (channels.md §2 "Callback calls"). Results come back as CallEvents carrying
 * callbackTaskId.
 */
import { signRequest } from '../shared/hmac';

export interface OutboundCallRequest {
  taskId: string;
  to: string;
  agentExtension?: string;
  survey: boolean;
}

export class CtiOutboundClient {
  constructor(private o: { baseUrl: string; keyId: string; secret: string; fetch?: typeof fetch; timeoutMs?: number }) {}

  async placeCall(req: OutboundCallRequest): Promise<{ ok: boolean; status: number }> {
    const url = new URL('outbound-calls', this.o.baseUrl.endsWith('/') ? this.o.baseUrl : this.o.baseUrl + '/');
    const body = JSON.stringify(req);
    const headers = signRequest({ keyId: this.o.keyId, secret: this.o.secret, method: 'POST', path: url.pathname + url.search, body });
    const res = await (this.o.fetch ?? fetch)(url, {
      method: 'POST',
      body,
      headers: { ...headers, 'content-type': 'application/json' },
      signal: AbortSignal.timeout(this.o.timeoutMs ?? 5000),
    });
    await res.arrayBuffer();
    return { ok: res.status >= 200 && res.status < 300, status: res.status };
  }
}
