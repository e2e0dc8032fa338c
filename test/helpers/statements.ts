import pg from 'pg';

const originalQuery = pg.Client.prototype.query;

/**
 * Records every statement sent through node-postgres, grouped by client and transaction (a relay's BEGIN/COMMIT
 * count as the relay's), until `stopCountingStatements()` or the test file's afterEach restores the driver.
 */
export function countStatements(): string[][] {
  const groups: string[][] = [];
  const open = new Map<pg.Client, string[]>();
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const q = args[0] as string | { text: string };
    const text = (typeof q === 'string' ? q : q.text).replace(/\s+/g, ' ').trim();
    let g = open.get(this);
    if (!g) groups.push((g = []));
    g.push(text);
    if (/^begin/i.test(text)) open.set(this, g);
    if (/^(commit|rollback)/i.test(text)) open.delete(this);
    return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof pg.Client.prototype.query;
  return groups;
}

export function stopCountingStatements() {
  pg.Client.prototype.query = originalQuery;
}
