import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { Writable } from 'node:stream';
import { every } from './background';
import { backgroundFailures, counterValue } from './metrics';

describe('background loops', () => {
  it('a failing round is logged with the loop name and counted, and the loop goes on', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _enc, cb) {
          lines.push(JSON.parse(String(chunk)));
          cb();
        },
      }),
    );
    const before = await counterValue(backgroundFailures, { loop: 'test-loop' });
    let rounds = 0;
    const stop = every(log, 'test-loop', 20, async () => {
      rounds += 1;
      throw new Error('cannot extract elements from a scalar');
    });
    await new Promise((r) => setTimeout(r, 150));
    await stop();
    expect(rounds).toBeGreaterThan(1);
    expect(await counterValue(backgroundFailures, { loop: 'test-loop' })).toBe(before + rounds);
    expect(lines[0]).toMatchObject({ loop: 'test-loop', err: 'cannot extract elements from a scalar', level: 50 });
  });
});
