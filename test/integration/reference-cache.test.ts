/**
 * The per-node reference cache (holidays, SLA policies, categories; platform/reference-cache.ts)
 * across two nodes on one database and one Redis: a holiday an administrator adds over HTTP on
 * node A moves the next deadline node B computes, at once — node B's cache TTL here is ten minutes,
 * so only the change message can have refreshed it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { useTestEnv, makeUnit, makeUser, TEST_PII_KEY } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { createRuntime, type Runtime } from '../../server/platform/runtime';
import { makeCtx, type Actor } from '../../server/platform/context';
import { registerTicket } from '../../server/tickets/use-cases/register-ticket';
import { submitTicket } from '../../server/tickets/use-cases/intake-dispositions';
import { dispatchTicket } from '../../server/dispatch/use-cases/dispatch-ticket';

const nodeA = useTestEnv();
let nodeB: Runtime;
let dispatcher: Actor;
let unitId: string;

beforeAll(async () => {
  nodeB = createRuntime({
    databaseUrl: nodeA.rt.options.databaseUrl,
    redisUrl: nodeA.rt.options.redisUrl,
    queuePrefix: nodeA.prefix,
    piiKey: TEST_PII_KEY,
    poolSize: 4,
    referenceTtlMs: 600_000,
  });
  if (nodeB.redis.status !== 'ready') await new Promise((r) => nodeB.redis.once('ready', r));
  for (let i = 0; i < 100 && !nodeB.svc.refs!.subscribed; i++) await new Promise((r) => setTimeout(r, 20));
  expect(nodeB.svc.refs!.subscribed).toBe(true);
  dispatcher = (await makeUser(nodeA, 'dispatcher')).actor;
  unitId = (await makeUnit(nodeA)).id;
});
afterAll(async () => {
  await nodeB?.close();
});

/** A complaint registered, submitted and dispatched on node B at `iso` (China time); its stored reply deadline. */
async function replyDueOnB(iso: string) {
  const ctx = makeCtx({ db: nodeB.db, actor: dispatcher, log: nodeB.log, svc: nodeB.svc, now: () => new Date(iso) });
  const t = await registerTicket(
    ctx,
    {
      channel: 'phone',
      channelAccount: '',
      externalId: randomBytes(6).toString('hex'),
      citizen: { phone: '13900000002' },
      content: { text: '小区噪音扰民' },
      attachments: [],
    },
    { appealType: 'complaint' },
  );
  await submitTicket(ctx, t.ticketId, {});
  await dispatchTicket(ctx, t.ticketId, { leadUnitId: unitId, assistingUnitIds: [] });
  const [d] = (await nodeB.db.execute<{ replyDueAt: Date }>(sql`select reply_due_at as "replyDueAt" from dispatches where ticket_id = ${t.ticketId}`)).rows;
  return new Date(d.replyDueAt).toISOString();
}

describe('reference cache across nodes', () => {
  it('a holiday added through the admin API on node A moves the next deadline node B computes, without waiting for the TTL', async () => {
    const dispatchAt = '2026-03-02T10:00:00+08:00';
    const before = await replyDueOnB(dispatchAt);
    const loads = nodeB.svc.refs!.loads;
    expect(await replyDueOnB(dispatchAt)).toBe(before); // served from node B's cache: nothing read again
    expect(nodeB.svc.refs!.loads).toBe(loads);

    const { user } = await makeUser(nodeA, 'admin');
    const admin = await ApiClient.login(nodeA.baseUrl, user.username);
    const year = await admin.get('/api/admin/holidays/2026');
    expect(year.status).toBe(200);
    const rows = (year.body.data as { date: string; kind: string; name: string }[]).map(({ date, kind, name }) => ({ date, kind, name }));
    // A one-off day off on Wednesday 4 March, inside the complaint's working-day window.
    const put = await admin.request('PUT', '/api/admin/holidays/2026', { rows: [...rows, { date: '2026-03-04', kind: 'holiday', name: '临时休假' }] });
    expect(put.status).toBe(200);

    let after = before;
    const t0 = Date.now();
    while (after === before && Date.now() - t0 < 3000) {
      await new Promise((r) => setTimeout(r, 50));
      after = await replyDueOnB(dispatchAt);
    }
    // One working day fewer in the window: due one working day later (Thursday → Friday or across the weekend).
    expect(after).not.toBe(before);
    expect(new Date(after).getTime()).toBeGreaterThan(new Date(before).getTime());
    expect(Date.now() - t0).toBeLessThan(3000); // far inside node B's ten-minute TTL
  });
});
