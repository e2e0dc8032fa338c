import { getLocale } from '../i18n';
import { ApiError, networkProblem, readProblem } from './problem';
import type { Page } from './types';

let csrfToken: string | null = null;
export const setCsrfToken = (t: string | null) => {
  csrfToken = t;
};

/** Called on 401 so the shell can drop the user back to the login page. */
let onUnauthenticated: (() => void) | null = null;
export const setUnauthenticatedHandler = (fn: (() => void) | null) => {
  onUnauthenticated = fn;
};

export interface Envelope<T> {
  data: T;
  page?: Page;
}

/** `keepalive`: the request outlives the page (an action whose undo window was still open when the tab closed). */
export async function request<T>(method: string, path: string, body?: unknown, opts: { keepalive?: boolean } = {}): Promise<Envelope<T>> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': getLocale() };
  // FormData (file uploads) carries its own multipart Content-Type with the boundary.
  const form = body instanceof FormData;
  if (body !== undefined && !form) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      keepalive: opts.keepalive,
      body: body === undefined ? undefined : form ? body : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(networkProblem());
  }
  if (!res.ok) {
    const problem = await readProblem(res);
    if (res.status === 401 && problem.code === 'UNAUTHENTICATED') onUnauthenticated?.();
    throw new ApiError(problem);
  }
  if (res.status === 204) return { data: undefined as T };
  return (await res.json()) as Envelope<T>;
}

export const get = <T>(path: string) => request<T>('GET', path);
export const post = <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {});
export const put = <T>(path: string, body: unknown) => request<T>('PUT', path, body);

/** Builds `?a=1&b=x` leaving out empty values, so filters can be spread in without checks. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
