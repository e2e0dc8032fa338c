import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkPassword } from '../../server/platform/http/password-policy';

describe('password policy', () => {
  it('accepts strong passwords', () => {
    for (const p of ['Test-passw0rd!', 'Rexian#12345-hotline'.replace('12345', '1357'), '热线Gz-2025!safe', 'correct Horse 9 battery']) {
      expect(checkPassword(p, { username: 'zhangsan' }), p).toEqual({ ok: true, problems: [] });
    }
  });
  it('names every reason a password is refused', () => {
    expect(checkPassword('Ab1!').problems).toContain('too_short');
    expect(checkPassword('alllowercaseletters').problems).toEqual(['too_few_classes']);
    expect(checkPassword('Zhangsan-2025!', { username: 'zhangsan' }).problems).toEqual(['contains_username']);
    expect(checkPassword('Aaaa-bbbb-1111!').problems).toEqual(['repetitive']);
    expect(checkPassword('Xk!abcdef9-Q').problems).toEqual(['repetitive']);
    expect(checkPassword('1qaz@WSX3edc').problems).toEqual(['common']);
    expect(checkPassword('P@ssw0rd123!').problems).toEqual(['common']);
    expect(checkPassword('x'.repeat(129) + 'A1!').problems).toContain('too_long');
  });
  it('never accepts anything shorter than 12 or with fewer than three classes (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (p) => {
        const r = checkPassword(p);
        if ([...p].length < 12) expect(r.ok).toBe(false);
        if (!/\d/.test(p) && !/[^A-Za-z0-9]/.test(p)) expect(r.ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});
