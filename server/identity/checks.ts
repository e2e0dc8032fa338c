/**
 * Identity checks (domain.md §6). GB 11643 resident ID numbers and GB 32100 unified social
 * credit codes carry check characters; a typo is caught at intake rather than at dispatch.
 */
type Result = { ok: true; normalized: string } | { ok: false; code: string; message: { zh: string; en: string } };

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

export function validateIdNumber(input: string): Result & { birthDate?: string } {
  const s = input.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(s)) return fail('ID_NUMBER_FORMAT', '身份证号码应为18位', 'An ID number has 18 characters');
  const y = +s.slice(6, 10), m = +s.slice(10, 12), d = +s.slice(12, 14);
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || date > new Date()) {
    return fail('ID_NUMBER_BIRTHDATE', '身份证号码中的出生日期无效', 'The birth date in the ID number is not valid');
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += +s[i] * ID_WEIGHTS[i];
  if (ID_CHECK[sum % 11] !== s[17]) return fail('ID_NUMBER_CHECK_FAILED', '身份证号码校验位错误', 'The ID number check character is wrong');
  return { ok: true, normalized: s, birthDate: `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}` };
}

const CC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function validateCreditCode(input: string): Result {
  const s = input.trim().toUpperCase();
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(s)) {
    return fail('CREDIT_CODE_FORMAT', '统一社会信用代码应为18位数字或大写字母', 'A credit code has 18 digits or capital letters');
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CC_CHARS.indexOf(s[i]) * CC_WEIGHTS[i];
  const check = CC_CHARS[(31 - (sum % 31)) % 31];
  if (check !== s[17]) return fail('CREDIT_CODE_CHECK_FAILED', '统一社会信用代码校验位错误', 'The credit code check character is wrong');
  return { ok: true, normalized: s };
}

export function normalizeMobile(input: string): Result {
  const s = input.replace(/[\s\-()]/g, '').replace(/^(\+?86|0086)(?=1\d{10}$)/, '');
  if (!/^1[3-9]\d{9}$/.test(s)) return fail('PHONE_INVALID', '手机号码格式不正确', 'The mobile number is not valid');
  return { ok: true, normalized: s };
}

export const maskPhone = (p: string) => (p.length >= 7 ? `${p.slice(0, 3)}****${p.slice(-4)}` : '****');
export const maskIdNumber = (s: string) => (s.length === 18 ? `${s.slice(0, 6)}********${s.slice(-4)}` : '****');
export const maskName = (n: string) => (n ? `${[...n][0]}${'*'.repeat(Math.max(1, [...n].length - 1))}` : '');
/** Keep the place down to district/street level; hide the house number and beyond. */
export function maskAddress(a: string): string {
  const m = a.match(/^(.{0,20}?(?:区|县|旗))/) ?? a.match(/^(.{0,20}?(?:市|镇|街道|乡))/);
  return m ? `${m[1]}***` : a.length > 4 ? `${a.slice(0, 4)}***` : '***';
}

function fail(code: string, zh: string, en: string): Result {
  return { ok: false, code, message: { zh, en } };
}
