/**
 * Group commit for intake (issue 18): appeals arriving together share one transaction, yet each is
 * stored exactly once with its event, audit, outbox, rollup and same-matter rows; a member that
 * fails inside the group costs the others nothing; a replay within the group gets the same ticket.
 * Real PostgreSQL and Redis, the app in process with a wide window so concurrent calls meet.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { useTestEnv, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { countStatements, stopCountingStatements } from '../helpers/statements';
import { registerTicket, type RegisterResult } from '../../server/tickets/use-cases/register-ticket';
import { foldRollupDeltas } from '../../server/reports/rollup';
import { intakeGroupFallbacks } from '../../server/platform/metrics';
import type { ParsedInboundAppeal } from '../../integrations/inbound-appeal';
import type { Ctx } from '../../server/platform/context';

const env = useTestEnv({ intakeGroupWindowMs: 100 });

const appeal = (externalId: string, phone: string, text = `${externalId}：小区门口路灯坏了一个月，晚上出行不便，请尽快维修`): ParsedInboundAppeal => ({
  channel: 'web',
  channelAccount: 'group-test',
  externalId,
  citizen: { phone },
  content: { text },
  attachments: [],
});

/** Per ticket: its rows beside the ticket, and the transaction that wrote it (xmin). */
async function stored(ids: string[]) {
  const r = await env.rt.db.execute<{
    id: string;
    version: number;
    tx: string;
    events: number;
    audits: number;
    outbox: number;
    markers: number;
    signatures: number;
    citizen_id: string | null;
    contacts: number;
  }>(sql`
    select t.id, t.version, t.xmin::text as tx, t.citizen_id,
      (select count(*)::int from ticket_events e where e.ticket_id = t.id and e.type = 'ticket.registered' and e.seq = 1) as events,
      (select count(*)::int from audit_log a where a.entity_id = t.id::text and a.action = 'ticket.registered') as audits,
      (select count(*)::int from outbox o where o.topic = 'ticket.registered' and o.payload->>'ticketId' = t.id::text
        and (o.payload->>'version')::int = 1) as outbox,
      (select count(*)::int from report_rollup_pending p where p.ticket_id = t.id and p.seq = 1) as markers,
      (select count(*)::int from ticket_same_matter s where s.ticket_id = t.id) as signatures,
      (select count(*)::int from citizen_contacts c where c.citizen_id = t.citizen_id) as contacts
    from tickets t where t.id = any(${`{${ids.join(',')}}`}::uuid[])`);
  return r.rows;
}

afterEach(() => {
  stopCountingStatements();
});

const fallbacks = async () => (await intakeGroupFallbacks.get()).values[0]?.value ?? 0;

describe('intake group commit', () => {
  it('registers concurrent appeals over HTTP in shared transactions, each once with its event, audit, outbox and rollup rows', async () => {
    const { user } = await makeUser(env, 'agent');
    const api = await ApiClient.login(env.baseUrl, user.username);
    const N = 16;
    const before = await fallbacks();
    const answers = await Promise.all([
      ...Array.from({ length: N }, (_, i) =>
        api.post('/api/tickets', {
          callerPhone: `1371111${String(1000 + i)}`,
          content: `第${i}号来电：小区门口路灯坏了一个月，晚上出行不便`,
          regionCode: '440106',
        }),
      ),
      // A caller who fails validation is refused alone; the group never sees the appeal.
      api.post('/api/tickets', { callerPhone: '13711119999', content: '身份证号写错了的来电', idNumber: '110101199001011234' }),
    ]);
    const refused = answers.pop()!;
    expect(refused.status).toBe(400);
    expect(refused.body.code ?? refused.body.type).toMatch(/ID_NUMBER_INVALID/i);
    expect(answers.map((a) => a.status)).toEqual(Array(N).fill(201));
    const ids = answers.map((a) => a.body.data.id as string);
    expect(new Set(ids).size).toBe(N);
    expect(new Set(answers.map((a) => a.body.data.number as string)).size).toBe(N);

    const rows = await stored(ids);
    expect(rows).toHaveLength(N);
    for (const r of rows) {
      expect({
        version: r.version,
        events: r.events,
        audits: r.audits,
        outbox: r.outbox,
        markers: r.markers,
        signatures: r.signatures,
        contacts: r.contacts,
      }).toEqual({
        version: 1,
        events: 1,
        audits: 1,
        outbox: 1,
        markers: 1,
        signatures: 1,
        contacts: 1,
      });
    }
    expect(new Set(rows.map((r) => r.citizen_id)).size).toBe(N);
    // Fewer commits than appeals: they shared transactions.
    expect(new Set(rows.map((r) => r.tx)).size).toBeLessThan(N);
    expect(await fallbacks()).toBe(before);

    // The rollup counts each registration once.
    await foldRollupDeltas(env.rt.db);
    const rolled = await env.rt.db.execute<{ n: number }>(
      sql`select coalesce(sum(received), 0)::int as n from report_rollups where dim = 'region' and key = '440106'`,
    );
    expect(rolled.rows[0].n).toBe(N);

    // The audit row names the agent and the request that registered the ticket.
    const audit = await env.rt.db.execute<{ actor_id: string; request_id: string | null }>(
      sql`select actor_id, request_id from audit_log where action = 'ticket.registered' and entity_id = ${ids[0]}`,
    );
    expect(audit.rows[0].actor_id).toBe(user.id);
    expect(audit.rows[0].request_id).toBeTruthy();
  });

  it('answers a replay within the same group, and one group later, with the same ticket', async () => {
    const { user } = await makeUser(env, 'agent');
    const api = await ApiClient.login(env.baseUrl, user.username);
    const callId = `dup-${randomUUID()}`;
    const same = { callerPhone: '13722223333', content: '同一通电话提交了三次：楼上漏水到我家', callId };
    const answers = await Promise.all([
      api.post('/api/tickets', same),
      api.post('/api/tickets', { callerPhone: '13722224444', content: '另一位来电：公交站牌被撞倒了' }),
      api.post('/api/tickets', same),
      api.post('/api/tickets', same),
    ]);
    const replays = [answers[0], answers[2], answers[3]];
    expect(replays.map((a) => a.status).sort()).toEqual([200, 200, 201]);
    expect(new Set(replays.map((a) => a.body.data.id)).size).toBe(1);
    expect(answers[1].status).toBe(201);

    const later = await api.post('/api/tickets', same);
    expect(later.status).toBe(200);
    expect(later.body.data.id).toBe(answers[0].body.data.id);
    const count = await env.rt.db.execute<{ n: number; events: number }>(sql`
      select count(*)::int as n, (select count(*)::int from ticket_events e join tickets t on t.id = e.ticket_id
        where t.external_id = ${`call-${callId}`}) as events
      from tickets where external_id = ${`call-${callId}`}`);
    expect(count.rows[0]).toEqual({ n: 1, events: 1 });

    // Within one group for certain (same tick): three pushes of one appeal and one other.
    const ctx: Ctx = env.ctx({ kind: 'system', name: 'group-test' });
    const ext = `push-${randomUUID()}`;
    const results = await Promise.all([
      registerTicket(ctx, appeal(ext, '13733330001')),
      registerTicket(ctx, appeal(ext, '13733330001')),
      registerTicket(ctx, appeal(`other-${randomUUID()}`, '13733330002')),
      registerTicket(ctx, appeal(ext, '13733330001')),
    ]);
    const pushes = [results[0], results[1], results[3]];
    expect(pushes.map((r) => r.duplicate)).toEqual([false, true, true]);
    expect(new Set(pushes.map((r) => r.ticketId)).size).toBe(1);
    const rows = await stored([results[0].ticketId, results[2].ticketId]);
    expect(rows.map((r) => r.events)).toEqual([1, 1]);
    expect(rows[0].tx).toBe(rows[1].tx); // one transaction
  });

  it('keeps the rest of a group when one member fails inside its transaction, registering each alone', async () => {
    const ctx: Ctx = env.ctx({ kind: 'system', name: 'group-test' });
    const before = await fallbacks();
    const tag = randomUUID().slice(0, 8);
    // The portal stores an appeal's files in the ticket's transaction; here that write breaks a foreign key.
    const brokenFiles = async (tx: Parameters<NonNullable<Parameters<typeof registerTicket>[3]>>[0]) => {
      await tx.execute(sql`insert into ticket_same_matter (ticket_id, band_keys, signature, created_at) values (${randomUUID()}, '{1}', '\\x00', now())`);
    };
    const settled = await Promise.allSettled([
      registerTicket(ctx, appeal(`${tag}-1`, '13744440001')),
      registerTicket(ctx, appeal(`${tag}-2`, '13744440002')),
      registerTicket(ctx, appeal(`${tag}-bad`, '13744440003'), {}, brokenFiles),
      registerTicket(ctx, appeal(`${tag}-3`, '13744440001')), // the first caller again: the same citizen
      registerTicket(ctx, appeal(`${tag}-4`, '13744440004')),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(((settled[2] as PromiseRejectedResult).reason as { cause?: { code?: string } }).cause?.code).toBe('23503'); // foreign key violation
    expect(await fallbacks()).toBe(before + 1);

    const ok = settled.filter((s): s is PromiseFulfilledResult<RegisterResult> => s.status === 'fulfilled').map((s) => s.value);
    expect(ok.every((r) => !r.duplicate && r.created)).toBe(true);
    const rows = await stored(ok.map((r) => r.ticketId));
    expect(rows).toHaveLength(4);
    for (const r of rows) expect([r.events, r.audits, r.outbox, r.markers]).toEqual([1, 1, 1, 1]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(ok[0].ticketId)!.citizen_id).toBe(byId.get(ok[2].ticketId)!.citizen_id);
    const bad = await env.rt.db.execute<{ n: number }>(sql`select count(*)::int as n from tickets where external_id = ${`${tag}-bad`}`);
    expect(bad.rows[0].n).toBe(0);
    // One caller, one citizen, one contact row: the failed group left nothing behind.
    const contacts = await env.rt.db.execute<{ n: number }>(
      sql`select count(*)::int as n from citizen_contacts where value_hash = ${ctx.svc.pii.hash('phone', '13744440001')}`,
    );
    expect(contacts.rows[0].n).toBe(1);
  });

  it('files a first-time caller who calls twice in one group under one citizen', async () => {
    const ctx: Ctx = env.ctx({ kind: 'system', name: 'group-test' });
    const tag = randomUUID().slice(0, 8);
    const [a, b] = await Promise.all([registerTicket(ctx, appeal(`${tag}-a`, '13755550001')), registerTicket(ctx, appeal(`${tag}-b`, '13755550001'))]);
    const rows = await stored([a.ticketId, b.ticketId]);
    expect(rows[0].tx).toBe(rows[1].tx);
    expect(rows[0].citizen_id).toBe(rows[1].citizen_id);
    expect(rows[0].contacts).toBe(1);
  });

  it('sends one set of statements for the whole group: a burst of new callers costs six statements, not six each', async () => {
    const ctx: Ctx = env.ctx({ kind: 'system', name: 'group-test' });
    const tag = randomUUID().slice(0, 8);
    await registerTicket(ctx, appeal(`${tag}-warm`, '13766660000')); // the day's sequence exists
    const sent = countStatements();
    const N = 16;
    const results = await Promise.all(Array.from({ length: N }, (_, i) => registerTicket(ctx, appeal(`${tag}-${i}`, `137666${String(60001 + i)}`))));
    stopCountingStatements();
    expect(new Set(results.map((r) => r.ticketId)).size).toBe(N);
    // The outbox relay, woken by the commit, runs statements of its own on its own connection.
    const intake = sent.filter((qs) => !qs.some((q) => /\boutbox\b/.test(q) && !/^with v/.test(q))).flat();
    expect(intake.filter((q) => /^begin/i.test(q))).toHaveLength(1);
    expect(intake.length).toBeLessThanOrEqual(6);
  });
});
