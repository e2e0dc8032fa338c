import type { Tx } from './db/client';
import type { Ctx } from './context';

/**
 * Opens the use case's transaction and, once it has committed, wakes the outbox relay so its
 * events go out at once (the relay's sweep would find them within a second anyway). Use cases
 * that compose take `(tx, ctx, input)` and run inside the caller's; only the outermost opens one.
 */
export async function inTransaction<T>(ctx: Pick<Ctx, 'db' | 'svc'>, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const out = await ctx.db.transaction(fn);
  ctx.svc.kickOutbox();
  return out;
}
