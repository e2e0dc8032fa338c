/**
 * What of an error may go into a log line. A database error carries the values of the failed
 * statement: Drizzle's message is "Failed query: … params: 13812345678,…", PostgreSQL's `detail`
 * says "Key (value_hash)=(…) already exists" and its message "invalid input syntax for type uuid:
 * "…"". Those are citizens' data, so a database error is logged by its codes only (SQLSTATE,
 * constraint, table, column) — enough to find the bug, nothing of the person.
 */
type ErrLike = {
  name?: unknown;
  message?: unknown;
  stack?: unknown;
  code?: unknown;
  constraint?: unknown;
  table?: unknown;
  column?: unknown;
  severity?: unknown;
  routine?: unknown;
  cause?: unknown;
};

const SQLSTATE = /^[0-9A-Z]{5}$/;
// Phone, ID and other long digit runs, for the messages that are not database errors.
const LONG_DIGITS = /\d[\d\s-]{5,}\d/g;

function databaseError(err: unknown): ErrLike | null {
  let e = err as ErrLike | undefined;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++, e = e.cause as ErrLike | undefined) {
    if (
      (typeof e.code === 'string' && SQLSTATE.test(e.code) && (e.severity !== undefined || e.routine !== undefined)) ||
      e.name === 'DrizzleQueryError' ||
      e.name === 'DatabaseError'
    ) {
      // The driver's error (with the SQLSTATE) is the cause of Drizzle's wrapper.
      const inner = (e.cause as ErrLike | undefined) ?? e;
      return typeof inner.code === 'string' ? inner : e;
    }
  }
  return null;
}

export function errorForLog(err: unknown): Record<string, unknown> {
  if (typeof err === 'string') return { message: err.replace(LONG_DIGITS, '[digits]') };
  const db = databaseError(err);
  if (db) {
    const pick = (k: keyof ErrLike) => (typeof db[k] === 'string' ? { [k]: db[k] } : {});
    return { name: 'DatabaseError', ...pick('code'), ...pick('constraint'), ...pick('table'), ...pick('column'), ...pick('routine') };
  }
  const e = err as ErrLike;
  const message = typeof e?.message === 'string' ? e.message.replace(LONG_DIGITS, '[digits]') : undefined;
  // The stack's first line repeats the message: only the frames.
  const frames = typeof e?.stack === 'string' ? e.stack.split('\n').slice(1, 6).join('\n') : undefined;
  return {
    name: typeof e?.name === 'string' ? e.name : typeof err,
    ...(message ? { message } : {}),
    ...(frames ? { stack: frames } : {}),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
  };
}
