import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { ReferenceCache } from './reference-cache';

const log = pino({ level: 'silent' });

describe('reference cache', () => {
  it('serves a loaded value until the TTL, then loads again', async () => {
    let t = 0;
    const cache = new ReferenceCache({ ttlMs: 1000, log, now: () => t });
    let n = 0;
    const load = async () => ++n;
    expect(await cache.get('holidays', 'all', load)).toBe(1);
    t = 999;
    expect(await cache.get('holidays', 'all', load)).toBe(1);
    t = 1000;
    expect(await cache.get('holidays', 'all', load)).toBe(2);
  });

  it('drops only the kind that changed', async () => {
    const cache = new ReferenceCache({ log });
    let n = 0;
    const load = async () => ++n;
    await cache.get('holidays', 'all', load);
    await cache.get('categories', '0101', load);
    await cache.changed('holidays');
    expect(await cache.get('holidays', 'all', load)).toBe(3);
    expect(await cache.get('categories', '0101', load)).toBe(2);
  });

  it('does not keep rows read while a change arrived (they may predate it), nor a failed load', async () => {
    const cache = new ReferenceCache({ log });
    let release!: (v: string) => void;
    const slow = cache.get(
      'sla_policies',
      'active',
      () =>
        new Promise<string>((r) => {
          release = r;
        }),
    );
    cache.invalidate('sla_policies'); // an admin change commits while the read is running
    release('old rows');
    expect(await slow).toBe('old rows'); // the caller that started before the change gets what it read
    expect(await cache.get('sla_policies', 'active', async () => 'new rows')).toBe('new rows');

    await expect(
      cache.get('units', 'all', async () => {
        throw new Error('connection lost');
      }),
    ).rejects.toThrow('connection lost');
    expect(await cache.get('units', 'all', async () => 'units')).toBe('units');
  });
});
