import { eq, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import type { TestEnv } from './env';
import type { Actor } from '../../server/platform/context';
import { registerTicket } from '../../server/tickets/use-cases/register-ticket';
import { tickets } from '../../server/tickets/tables';

/** A ticket registered through the real intake use case (so it has its first event). */
export async function makeTicket(env: TestEnv, actor: Actor, over: { phone?: string; content?: string; name?: string; address?: string; externalId?: string } = {}) {
  const r = await registerTicket(env.ctx(actor), {
    channel: 'phone', channelAccount: '', externalId: over.externalId ?? `t-${randomUUID()}`,
    citizen: { phone: over.phone ?? '13800138000', name: over.name ?? '张三丰' },
    content: { text: over.content ?? '小区楼下噪音扰民，晚上十点后仍在施工' },
    location: { address: over.address ?? '广州市天河区林和街道体育东路100号3栋' }, attachments: [],
  }, { appealType: 'complaint' });
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
