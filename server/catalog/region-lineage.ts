import { sql } from 'drizzle-orm';
import type { Queryable } from '../platform/db/client';

/**
 * The structural ancestors of a division code (行政区划代码, GB/T 2260 + the 9/12-digit street and
 * community extensions), nearest first: 440106001002 → 440106001 → 440106 → 440100 → 440000.
 * Codes are fixed-width, so a city `440100` is not a prefix of its district `440106`: the parent
 * of a 6-digit code zeroes its last non-zero pair instead.
 */
export function structuralAncestors(code: string): string[] {
  const out: string[] = [];
  let c = code;
  for (;;) {
    if (c.length === 12) c = c.slice(0, 9);
    else if (c.length === 9) c = c.slice(0, 6);
    else if (/^\d{6}$/.test(c) && c.slice(2) !== '0000') c = c.slice(4) !== '00' ? `${c.slice(0, 4)}00` : `${c.slice(0, 2)}0000`;
    else break;
    out.push(c);
  }
  return out;
}

/**
 * A region and its ancestors, nearest first (ancestor-or-self). The regions table decides where it
 * knows the code (an administrator may hang a development zone under any district); past the top
 * of what it knows, the code's structure does, so a street code nobody loaded still reaches its
 * district, city and province.
 */
export async function regionLineage(db: Queryable, code: string): Promise<string[]> {
  const res = await db.execute<{ code: string }>(sql`with recursive up(code, parent_code, depth) as (
      select code, parent_code, 0 from regions where code = ${code}
      union all select r.code, r.parent_code, up.depth + 1 from regions r join up on r.code = up.parent_code where up.depth < 8)
    select code from up order by depth`);
  const lineage = res.rows.length ? res.rows.map((r) => r.code) : [code];
  for (const a of structuralAncestors(lineage[lineage.length - 1]!)) if (!lineage.includes(a)) lineage.push(a);
  return lineage;
}
