import { sql, type SQL } from 'drizzle-orm';

/** `(v1, v2, …)` as bound parameters, for `col in ${sqlList(values)}` in raw SQL (never empty: callers pass ≥ 1). */
export const sqlList = (values: readonly string[]): SQL =>
  sql`(${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )})`;
