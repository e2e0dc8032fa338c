import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the CLI exactly as scripts call it: `npm run --silent calendar -- …`. */
const npmCalendar = (...args: string[]) => spawnSync('npm', ['run', '--silent', 'calendar', '--', ...args], { cwd: root, encoding: 'utf8' });
/** Same script without npm's start-up cost, for the many error cases. */
const tsxCalendar = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'scripts/calendar.ts', ...args], { cwd: root, encoding: 'utf8' });

describe('calendar CLI', () => {
  it('prints only the due date for add-working-days (start day not counted)', () => {
    const r = npmCalendar('add-working-days', '2025-09-30', '15');
    expect([r.status, r.stdout, r.stderr]).toEqual([0, '2025-10-28\n', '']);
    expect(tsxCalendar('add-working-days', '2025-12-31', '1').stdout).toBe('2026-01-04\n');
  });

  it('prints only true or false for is-working-day', () => {
    const r = npmCalendar('is-working-day', '2025-10-11');
    expect([r.status, r.stdout, r.stderr]).toEqual([0, 'true\n', '']);
    expect(tsxCalendar('is-working-day', '2025-10-08').stdout).toBe('false\n');
  });

  it.each([
    ['bad date', ['add-working-days', '2025-02-30', '1'], /2025-02-30/],
    ['missing year', ['add-working-days', '2026-12-31', '1'], /2027/],
    ['missing year (is-working-day)', ['is-working-day', '2027-01-04'], /2027/],
    ['negative N', ['add-working-days', '2025-09-30', '-1'], /N must be/],
    ['fractional N', ['add-working-days', '2025-09-30', '1.5'], /N must be/],
    ['missing N', ['add-working-days', '2025-09-30'], /usage/],
    ['unknown command', ['next-day', '2025-09-30'], /usage/],
  ])('exits 2 with a message on stderr and nothing on stdout: %s', (_name, args, message) => {
    const r = tsxCalendar(...args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });
});
