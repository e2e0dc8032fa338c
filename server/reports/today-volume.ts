/**
 * The supervisor wall's "today's intake (今日受理量) by channel and by category": one grouped
 * count over today's tickets, read through tickets_created_idx (a range scan of today's rows,
 * never the whole table). Tickets rather than the rollup, because a ticket's category is often
 * confirmed after registration and the wall should show where today's tickets sit now.
 */
import { sql } from 'drizzle-orm';
import type { Ctx } from '../platform/context';
import { categoriesInForce } from '../catalog/current';

export interface VolumeRow {
  key: string;
  name: string | null;
  count: number;
}

/** The China (Asia/Shanghai, UTC+8, no DST) calendar day of an instant, and its bounds. */
export function chinaDay(now: Date) {
  const day = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  const start = new Date(`${day}T00:00:00+08:00`);
  return { day, start, end: new Date(start.getTime() + 86400_000) };
}

export async function todayVolume(ctx: Ctx) {
  const { day, start, end } = chinaDay(ctx.now());
  const r = await ctx.db.execute<{ channel: string; category: string; count: number }>(sql`
    select channel, coalesce(category_code, '-') as category, count(*)::int as count
    from tickets
    where created_at >= ${start.toISOString()}::timestamptz and created_at < ${end.toISOString()}::timestamptz
    group by 1, 2`);
  const byChannel = new Map<string, number>();
  const byCategory = new Map<string, number>();
  // Filed under the tree in force (a ticket classified before today's re-import shows under its successor).
  const inForce = await categoriesInForce(
    ctx.db,
    r.rows.map((x) => x.category),
  );
  for (const x of r.rows) {
    const category = inForce.get(x.category)?.code ?? x.category;
    byChannel.set(x.channel, (byChannel.get(x.channel) ?? 0) + x.count);
    byCategory.set(category, (byCategory.get(category) ?? 0) + x.count);
  }
  const names = new Map([...inForce.values()].map((v) => [v.code, v.name]));
  const sorted = (m: Map<string, number>, name: (k: string) => string | null): VolumeRow[] =>
    [...m.entries()].map(([key, count]) => ({ key, name: name(key), count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  return {
    day,
    total: [...byChannel.values()].reduce((s, n) => s + n, 0),
    byChannel: sorted(byChannel, () => null),
    byCategory: sorted(byCategory, (k) => names.get(k) ?? null),
  };
}
