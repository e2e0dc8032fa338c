import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../platform/context';
import { clusterMessages, type Message } from './hotspot-cluster';

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const HotspotQuery = z
  .strictObject({
    from: Day,
    to: Day,
    /** Region prefix: 6 digits = a district, longer = a street. */
    region: z
      .string()
      .regex(/^\d{2,12}$/)
      .optional(),
    threshold: z.coerce.number().min(0.1).max(0.9).default(0.3),
    minSize: z.coerce.number().int().min(2).max(100).default(3),
    format: z.enum(['json', 'xlsx']).default('json'),
  })
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['from'] });

/** Tickets compared per place: the district part of the region code. */
const MAX_MESSAGES = 20_000;

export async function hotspots(ctx: Ctx, q: z.infer<typeof HotspotQuery>) {
  const r = await ctx.db.execute<{ id: string; number: string; title: string; content: string; place: string; current: boolean }>(sql`
    with p as (select ${q.from}::date as f, (${q.to}::date + 1) as t)
    select tk.id, tk.number, tk.title, tk.content, coalesce(left(tk.region_code, 6), '-') as place,
      tk.created_at >= (p.f::timestamp at time zone 'Asia/Shanghai') as current
    from tickets tk, p
    where tk.created_at >= ((p.f - (p.t - p.f))::timestamp at time zone 'Asia/Shanghai')
      and tk.created_at < (p.t::timestamp at time zone 'Asia/Shanghai')
      and tk.status not in ('merged')
      ${q.region ? sql`and tk.region_code like ${`${q.region}%`}` : sql``}
    order by tk.created_at desc limit ${MAX_MESSAGES}`);
  const msgs: Message[] = r.rows.map((x) => ({ id: x.number, place: x.place, title: x.title, text: x.content, current: x.current }));
  const clusters = clusterMessages(msgs, { threshold: q.threshold, minSize: q.minSize });
  return {
    from: q.from,
    to: q.to,
    messages: msgs.length,
    truncated: msgs.length === MAX_MESSAGES,
    method: `MinHash over character 3-shingles (64 hashes, LSH 32×2), Jaccard ≥ ${q.threshold}, per district; growth vs. the previous period of equal length`,
    clusters: clusters.map((c) => ({
      regionCode: c.place,
      count: c.count,
      previousCount: c.previousCount,
      growth: c.growth,
      terms: c.terms,
      representatives: c.representatives,
    })),
  };
}
