/**
 * Tags (标签, categories.md §2): a managed list beside the category tree (place & time, who,
 * nature, governance); a ticket carries many. The agent sets them; the change is a ticket event
 * (timeline, audit and outbox in one transaction), and reports group tickets by them.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../../platform/context';
import type { Db } from '../../platform/db/client';
import { recordAdminChange } from '../../platform/events/admin-change';
import { problem } from '../../platform/http/problems';
import { inTransaction } from '../../platform/transaction';
import { lockTicket } from '../../tickets/guard';
import { recordEvent } from '../../tickets/events';
import { TAG_KINDS, tags, ticketTags } from '../tables';

export const TagInput = z.strictObject({ name: z.string().trim().min(1).max(30), kind: z.enum(TAG_KINDS), active: z.boolean().default(true) });
export const SetTicketTagsInput = z.strictObject({ tags: z.array(z.string().regex(/^[a-z0-9_]{1,40}$/)).max(20) });

export async function listTags(db: Db, all = false) {
  return db
    .select({ code: tags.code, name: tags.name, kind: tags.kind, active: tags.active })
    .from(tags)
    .where(all ? undefined : eq(tags.active, true))
    .orderBy(asc(tags.kind), asc(tags.code));
}

/** The administrator adds, renames or retires a tag (retired tags stay on old tickets, offered no more). */
export async function saveTag(ctx: Ctx, code: string, input: z.infer<typeof TagInput>) {
  return inTransaction(ctx, async (tx) => {
    const [before] = await tx.select({ name: tags.name, kind: tags.kind, active: tags.active }).from(tags).where(eq(tags.code, code)).for('update');
    const [row] = await tx
      .insert(tags)
      .values({ code, ...input })
      .onConflictDoUpdate({ target: tags.code, set: input })
      .returning();
    await recordAdminChange(tx, ctx, {
      entity: 'tag',
      id: code,
      action: 'saved',
      ...(before ? { before } : {}),
      after: { name: row.name, kind: row.kind, active: row.active },
      audit: input,
    });
    return row;
  });
}

export async function tagsOfTicket(db: Db, ticketId: string) {
  return db
    .select({ code: tags.code, name: tags.name, kind: tags.kind })
    .from(ticketTags)
    .innerJoin(tags, eq(tags.code, ticketTags.tagCode))
    .where(eq(ticketTags.ticketId, ticketId))
    .orderBy(asc(tags.kind), asc(tags.code));
}

/** Replaces the ticket's tags with the given ones (active tags only); a no-op change records nothing. */
export async function setTicketTags(ctx: Ctx, ticketId: string, input: z.infer<typeof SetTicketTagsInput>) {
  const wanted = [...new Set(input.tags)].sort();
  await inTransaction(ctx, async (tx) => {
    const ticket = await lockTicket(tx, ticketId);
    const before = (await tx.select({ code: ticketTags.tagCode }).from(ticketTags).where(eq(ticketTags.ticketId, ticket.id))).map((r) => r.code).sort();
    // Only tags being added must be in use: a retired tag stays on the tickets that already carry it.
    const added = wanted.filter((c) => !before.includes(c));
    if (added.length) {
      const known = await tx
        .select({ code: tags.code })
        .from(tags)
        .where(and(inArray(tags.code, added), eq(tags.active, true)));
      const missing = added.filter((c) => !known.some((k) => k.code === c));
      if (missing.length) throw problem('TAG_NOT_FOUND', missing.join(', '));
    }
    if (before.join() === wanted.join()) return;
    await tx.delete(ticketTags).where(eq(ticketTags.ticketId, ticket.id));
    const at = ctx.now();
    const by = ctx.actor.kind === 'staff' ? ctx.actor.id : null;
    if (wanted.length) await tx.insert(ticketTags).values(wanted.map((tagCode) => ({ ticketId: ticket.id, tagCode, addedBy: by, addedAt: at })));
    await recordEvent(tx, ctx, ticket.id, { type: 'ticket.tagged', data: { tags: wanted, previous: before } });
  });
}

/** Tickets registered in [from, to) per tag (a ticket counts once under each of its tags). */
export async function tagCounts(db: Db, q: { from: Date; to: Date }) {
  const r = await db.execute<{ code: string; name: string; kind: string; tickets: number }>(sql`select g.code, g.name, g.kind,
      count(t.id)::int as tickets
    from tags g left join ticket_tags x on x.tag_code = g.code
    left join tickets t on t.id = x.ticket_id and t.created_at >= ${q.from} and t.created_at < ${q.to}
    group by g.code, g.name, g.kind order by g.kind, g.code`);
  return r.rows;
}
