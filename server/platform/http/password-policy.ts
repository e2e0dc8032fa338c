/**
 * Staff password policy (等保 2.0 level 3 asks for complexity and length): at least 12
 * characters, at most 128, three of four character classes, not built from the username, not
 * a run or repeat, not a well-known password. Returns every reason, so a form can show them all.
 * For the account-management endpoint (none exists yet: users come from the seed and admins).
 */
export type PasswordProblem = 'too_short' | 'too_long' | 'too_few_classes' | 'contains_username' | 'repetitive' | 'common';

const COMMON = new Set([
  'password',
  'password1',
  'password123',
  '123456789012',
  'qwertyuiop12',
  'admin1234567',
  'iloveyou1234',
  'welcome12345',
  'p@ssw0rd',
  'p@ssw0rd123!',
  'passw0rd1234',
  'abc123456789',
  'woaini123456',
  'a1234567890!',
  'qwer1234!@#$',
  'zxcvbnm12345',
  '1qaz2wsx3edc',
  '1qaz@wsx3edc',
  'aa123456789!',
  'admin@123456',
  'admin@12345!',
  'rexian123456',
  'root12345678',
]);

export function checkPassword(password: string, ctx: { username?: string } = {}): { ok: boolean; problems: PasswordProblem[] } {
  const problems: PasswordProblem[] = [];
  const len = [...password].length;
  if (len < 12) problems.push('too_short');
  if (len > 128) problems.push('too_long');
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  if (classes < 3) problems.push('too_few_classes');
  const lower = password.toLowerCase();
  const user = ctx.username?.trim().toLowerCase();
  if (user && user.length >= 3 && lower.includes(user)) problems.push('contains_username');
  if (/(.)\1{3,}/.test(password) || hasRun(lower, 5)) problems.push('repetitive');
  if (COMMON.has(lower) || COMMON.has(lower.replace(/[^a-z0-9@!#$]/g, ''))) problems.push('common');
  return { ok: problems.length === 0, problems };
}

/** A straight run of `n` ascending or descending letters or digits (abcde, 54321). */
function hasRun(s: string, n: number) {
  let up = 1;
  let down = 1;
  for (let i = 1; i < s.length; i++) {
    const d = s.charCodeAt(i) - s.charCodeAt(i - 1);
    const alnum = /[a-z0-9]/.test(s[i]) && /[a-z0-9]/.test(s[i - 1]);
    up = alnum && d === 1 ? up + 1 : 1;
    down = alnum && d === -1 ? down + 1 : 1;
    if (up >= n || down >= n) return true;
  }
  return false;
}
