import { translate, type Locale } from '../i18n';

/** RFC 9457 problem+json as the server sends it (docs/API.md). */
export interface Problem {
  type?: string;
  status: number;
  code?: string;
  title?: string;
  message?: string;
  detail?: string;
  requestId?: string;
  errors?: { path: string; message: string }[];
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message ?? problem.title ?? problem.code ?? `HTTP ${problem.status}`);
  }
  get code() {
    return this.problem.code;
  }
  get status() {
    return this.problem.status;
  }
}

/** status 0 = the request never got an answer (offline, server down, proxy reset). */
export const networkProblem = (): Problem => ({ status: 0, code: 'NETWORK' });

/**
 * What the user reads. The server already localizes `message` from our Accept-Language, so it wins;
 * our own dictionary covers codes when the body is not problem+json (a proxy's 502 page) or has no message.
 */
export function problemMessage(p: Problem, locale: Locale): string {
  if (p.status === 0) return translate(locale, 'problem.network');
  const own = p.code ? translate(locale, `problem.${p.code}`) : undefined;
  const ownKnown = own && own !== `problem.${p.code}` ? own : undefined;
  const base = p.message || p.title || ownKnown || translate(locale, 'problem.generic', { status: p.status });
  const fields = (p.errors ?? []).map((e) => (e.path ? `${e.path}: ${e.message}` : e.message));
  if (!fields.length) return base;
  return translate(locale, 'app.withDetails', { base, details: fields.join(translate(locale, 'app.listSep')) });
}

/** What to show for anything a request threw: the server's problem in the user's language, else the error text. */
export function errorMessage(e: unknown, locale: Locale): string {
  return e instanceof ApiError ? problemMessage(e.problem, locale) : String(e);
}

/** Turns any failed response into a Problem, whether or not its body is problem+json. */
export async function readProblem(res: Response): Promise<Problem> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    if (body && typeof body === 'object') return { ...body, status: body.status ?? res.status };
  } catch {
    // not JSON: fall through
  }
  return { status: res.status };
}
