import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';

// Drizzle's migrator applies a migration only when its stamp (`when`) is later than the newest one a
// database has applied. A migration numbered below a released one (0014–0017 came after 0018 had
// shipped) would be skipped on every upgraded database unless its stamp is later than all released ones.
const RELEASED = ['0000', '0001', '0002', '0003', '0004', '0005', '0006', '0007', '0008', '0009', '0010', '0011', '0012', '0013', '0018'];

describe('the migration journal', () => {
  const journal = JSON.parse(readFileSync(new URL('./migrations/meta/_journal.json', import.meta.url), 'utf8')) as { entries: { tag: string; when: number }[] };
  it('stamps every migration added since the last release later than every released one, so an upgrade applies it', () => {
    const released = journal.entries.filter((e) => RELEASED.includes(e.tag.slice(0, 4)));
    const added = journal.entries.filter((e) => !RELEASED.includes(e.tag.slice(0, 4)));
    expect(released).toHaveLength(RELEASED.length);
    const newestReleased = Math.max(...released.map((e) => e.when));
    expect(added.filter((e) => e.when <= newestReleased).map((e) => e.tag)).toEqual([]);
  });
  it('gives every migration its own stamp', () => {
    expect(new Set(journal.entries.map((e) => e.when)).size).toBe(journal.entries.length);
  });
});
