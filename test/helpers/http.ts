import { TEST_PASSWORD } from './env';

/** A logged-in staff member talking to the API the way the console does (cookie + CSRF header). */
export class ApiClient {
  cookie = '';
  csrf = '';
  constructor(
    private baseUrl: string,
    public lang: 'zh-CN' | 'en' = 'zh-CN',
  ) {}

  static async login(baseUrl: string, username: string, password = TEST_PASSWORD) {
    const c = new ApiClient(baseUrl);
    const r = await c.post('/api/auth/login', { username, password });
    if (r.status !== 200) throw new Error(`login failed: ${r.status} ${JSON.stringify(r.body)}`);
    c.csrf = r.body.data.csrfToken;
    return c;
  }

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: {
        'accept-language': this.lang,
        // FormData sets its own multipart content type (with the boundary).
        ...(body !== undefined && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' || body instanceof FormData ? body : JSON.stringify(body),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0];
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, body: json, headers: res.headers };
  }
  get(path: string) {
    return this.request('GET', path);
  }
  post(path: string, body: unknown = {}) {
    return this.request('POST', path, body);
  }
  /** multipart/form-data, as the portal's and the console's upload forms send it. */
  upload(path: string, form: FormData) {
    return this.request('POST', path, form);
  }
  /** The raw bytes and headers of a download. */
  async download(path: string) {
    const res = await fetch(this.baseUrl + path, { headers: { 'accept-language': this.lang, ...(this.cookie ? { cookie: this.cookie } : {}) } });
    return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), headers: res.headers };
  }
  action(ticketId: string, action: string, body: unknown = {}) {
    return this.post(`/api/tickets/${ticketId}/actions/${action}`, body);
  }
}
