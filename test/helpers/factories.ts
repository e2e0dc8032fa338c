import { eq, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { TestEnv } from './env';
import type { ApiClient } from './http';
import type { Actor } from '../../server/platform/context';
import { registerTicket } from '../../server/tickets/use-cases/register-ticket';
import { tickets } from '../../server/tickets/tables';

/** A ticket registered through the real intake use case (so it has its first event). */
export async function makeTicket(
  env: TestEnv,
  actor: Actor,
  over: { phone?: string; content?: string; name?: string; address?: string; externalId?: string } = {},
) {
  const r = await registerTicket(
    env.ctx(actor),
    {
      channel: 'phone',
      channelAccount: '',
      externalId: over.externalId ?? `t-${randomUUID()}`,
      citizen: { phone: over.phone ?? '13800138000', name: over.name ?? '张三丰' },
      content: { text: over.content ?? '小区楼下噪音扰民，晚上十点后仍在施工' },
      location: { address: over.address ?? '广州市天河区林和街道体育东路100号3栋' },
      attachments: [],
    },
    { appealType: 'complaint' },
  );
  return r;
}

export async function ticketState(env: TestEnv, id: string) {
  const [t] = await env.rt.db.select().from(tickets).where(eq(tickets.id, id));
  const counts = await env.rt.db.execute<{ events: number; audits: number; outbox: number }>(sql`select
    (select count(*)::int from ticket_events where ticket_id = ${id}) as events,
    (select count(*)::int from audit_log where entity_type = 'ticket' and entity_id = ${id} and action <> 'pii.read') as audits,
    (select count(*)::int from outbox where payload->>'ticketId' = ${id}) as outbox`);
  return { ticket: t, ...counts.rows[0] };
}

/** The people who take a ticket through its lifecycle over HTTP. */
export interface HandlingCrew {
  agent: ApiClient;
  dispatcher: ApiClient;
  clerk: ApiClient;
  unitId: string;
}

/**
 * A registered ticket taken through the real HTTP lifecycle to closed, on time: submit → dispatch →
 * sign → start → reply → accept (the reply deadline is moved out first, so the close is never late).
 */
export async function closeOverHttp(env: TestEnv, ticketId: string, crew: HandlingCrew) {
  const steps: [ApiClient, string, Record<string, unknown>][] = [
    [crew.agent, 'submit', { appealType: 'complaint' }],
    [crew.dispatcher, 'dispatch', { leadUnitId: crew.unitId }],
    [crew.clerk, 'sign', {}],
    [crew.clerk, 'start', {}],
    [crew.clerk, 'reply', { text: '已处理' }],
    [crew.dispatcher, 'accept-reply', {}],
  ];
  for (const [who, action, body] of steps) {
    if (action === 'sign') await env.rt.db.execute(sql`update dispatches set reply_due_at = now() + interval '10 days' where ticket_id = ${ticketId}`);
    const r = await who.action(ticketId, action, body);
    expect(r.status, `${action}: ${JSON.stringify(r.body)}`).toBe(200);
  }
}
