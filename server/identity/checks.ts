/**
 * Identity checks (身份校验) and masking (脱敏) for citizens and companies. Pure.
 * - Citizen ID number (居民身份证号码): GB 11643-1999, ISO 7064 MOD 11-2 check character.
 * - Unified social credit code (统一社会信用代码): GB 32100-2015, MOD 31 check character, with the
 *   embedded organisation code (组织机构代码) checked per GB 11714-1997.
 * - Mobile and landline numbers normalised to one form, so matching a returning caller works.
 * Results never throw: the UI shows `message.zh` / `message.en` next to the field.
 */

/** Bilingual message for a failed check. */
export interface CheckMessage {
  zh: string;
  en: string;
}

/** A failed check with a stable code. */
export interface CheckFailure<Code extends string> {
  ok: false;
  code: Code;
  message: CheckMessage;
}

const fail = <C extends string>(code: C, zh: string, en: string): CheckFailure<C> => ({ ok: false, code, message: { zh, en } });

// ---------- GB 11643-1999 citizen ID number ----------

/** Result of {@link validateIdNumber}. */
export type IdNumberResult =
  | { ok: true; normalized: string; birthDate: string; sex: 'male' | 'female' }
  | CheckFailure<'ID_NUMBER_FORMAT' | 'ID_NUMBER_CHECK_FAILED' | 'ID_NUMBER_BIRTHDATE'>;

// GB 11643 weights W_i = 2^(17-i) mod 11, i = 0…16; check = ID_CHECK[(Σ a_i·W_i) mod 11].
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';
// First two digits: province-level codes of GB/T 2260, plus 81/82/83 (Hong Kong, Macao, Taiwan
// residence permits, which use the same 18-character layout).
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
]);

/** ISO 7064 MOD 11-2 check character of the first 17 digits of an ID number (GB 11643). */
export function idNumberCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

/**
 * Validates an 18-character citizen ID number (GB 11643-1999). Spaces are removed and a
 * lower-case `x` is accepted. The old 15-digit numbers (replaced in 2013) are a format error.
 * `today` (default now) bounds the birth date: nobody is born in the future.
 */
export function validateIdNumber(input: string, opts: { today?: Date } = {}): IdNumberResult {
  const s = String(input ?? '')
    .replace(/\s+/g, '')
    .toUpperCase();
  if (!/^\d{17}[\dX]$/.test(s) || !PROVINCES.has(Number(s.slice(0, 2)))) {
    return fail('ID_NUMBER_FORMAT', '身份证号码格式不正确，应为18位', 'The ID number must be 18 characters: 17 digits and a digit or X');
  }
  // The birth date first: when it is impossible, pointing at it helps more than "check failed".
  const y = Number(s.slice(6, 10));
  const m = Number(s.slice(10, 12));
  const d = Number(s.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  const today = (opts.today ?? new Date()).getTime() + 8 * 3_600_000; // compare as Shanghai dates
  if (y < 1850 || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d || birth.getTime() > today) {
    return fail('ID_NUMBER_BIRTHDATE', '身份证号码中的出生日期无效', 'The birth date in the ID number is not a valid date');
  }
  if (idNumberCheckChar(s) !== s[17]) {
    return fail('ID_NUMBER_CHECK_FAILED', '身份证号码校验位不正确，请核对', 'The ID number check character does not match; please re-check it');
  }
  // GB 11643: the 17th digit (sequence code) is odd for men, even for women.
  return { ok: true, normalized: s, birthDate: `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`, sex: Number(s[16]) % 2 === 1 ? 'male' : 'female' };
}

// ---------- GB 32100-2015 unified social credit code ----------

/** Result of {@link validateCreditCode}. */
export type CreditCodeResult =
  | { ok: true; normalized: string; registrationAuthority: string; divisionCode: string; organizationCode: string }
  | CheckFailure<'CREDIT_CODE_FORMAT' | 'CREDIT_CODE_CHECK_FAILED' | 'CREDIT_CODE_ORG_CODE_CHECK_FAILED'>;

/** GB 32100 character set: digits and 21 upper-case letters (no I, O, S, V, Z), value = position. */
export const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
// Weights W_i = 3^i mod 31, i = 0…16.
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
// Position 1, registration authority (登记管理部门): 1 机构编制 … 9 市场监管, A 中央军委改革和编制办公室, N 农业, Y 其他.
const AUTHORITIES = '123456789ANY';
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** MOD 31 check character of the first 17 characters of a credit code (GB 32100). */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CODE_CHARSET.indexOf(first17[i]) * CREDIT_WEIGHTS[i];
  return CREDIT_CODE_CHARSET[(31 - (sum % 31)) % 31];
}

/** MOD 11 check character of an 8-character organisation code body (GB 11714): digits 0–9, letters A=10…Z=35. */
export function organizationCodeCheckChar(body8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += parseInt(body8[i], 36) * ORG_WEIGHTS[i];
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/**
 * Validates an 18-character unified social credit code (GB 32100-2015): charset, registration
 * authority, 6-digit division code, MOD 31 check character, and the embedded 9-character
 * organisation code (positions 9–17, GB 11714). Pass `checkOrganizationCode: false` for legacy
 * data whose embedded code predates GB 11714 checking; the MOD 31 check is always applied.
 */
export function validateCreditCode(input: string, opts: { checkOrganizationCode?: boolean } = {}): CreditCodeResult {
  const s = String(input ?? '')
    .replace(/\s+/g, '')
    .toUpperCase();
  const charsOk = s.length === 18 && [...s].every((c) => CREDIT_CODE_CHARSET.includes(c));
  if (!charsOk || !AUTHORITIES.includes(s[0]) || !/^\d{6}$/.test(s.slice(2, 8))) {
    return fail(
      'CREDIT_CODE_FORMAT',
      '统一社会信用代码格式不正确，应为18位数字或大写字母（不含I、O、S、V、Z）',
      'The credit code must be 18 digits or capital letters (no I, O, S, V, Z)',
    );
  }
  if (creditCodeCheckChar(s) !== s[17]) {
    return fail('CREDIT_CODE_CHECK_FAILED', '统一社会信用代码校验位不正确，请核对', 'The credit code check character does not match; please re-check it');
  }
  if (opts.checkOrganizationCode !== false && organizationCodeCheckChar(s.slice(8, 16)) !== s[16]) {
    return fail(
      'CREDIT_CODE_ORG_CODE_CHECK_FAILED',
      '统一社会信用代码中的组织机构代码校验不正确',
      'The organisation code inside the credit code does not check out',
    );
  }
  return { ok: true, normalized: s, registrationAuthority: s[0], divisionCode: s.slice(2, 8), organizationCode: s.slice(8, 17) };
}

// ---------- Phone numbers ----------

/** Result of {@link normalizeMobile} and {@link normalizeLandline}. */
export type PhoneResult = { ok: true; normalized: string } | CheckFailure<'PHONE_INVALID'>;

const PHONE_SEPARATORS = /[\s\-().（）]/g;

/** Strips separators and a country prefix (`+86`, `0086`; a bare `86` only when 13 digits remain). */
function stripCountry(raw: string): string {
  const s = String(raw ?? '').replace(PHONE_SEPARATORS, '');
  if (s.startsWith('+86')) return s.slice(3);
  if (s.startsWith('0086')) return s.slice(4);
  return s;
}

/**
 * Normalises a mainland mobile number to its 11 digits `1[3-9]xxxxxxxxx`: removes spaces, dashes,
 * brackets and dots, and a `+86`, `0086` or `86` prefix. One form per number, so a caller is matched
 * whatever way the agent or channel wrote it.
 */
export function normalizeMobile(input: string): PhoneResult {
  let s = stripCountry(input);
  if (s.length === 13 && s.startsWith('86')) s = s.slice(2);
  return /^1[3-9]\d{9}$/.test(s)
    ? { ok: true, normalized: s }
    : fail('PHONE_INVALID', '手机号码不正确，应为11位', 'The mobile number must be 11 digits starting with 13–19');
}

/**
 * Normalises a mainland landline to `0AA-LLLLLLLL` / `0AAA-LLLLLLL`: area code (010 and 02x are three
 * digits with the 0, others four) and a 7–8 digit local number not starting with 0 or 1. A number
 * without area code takes `defaultAreaCode` (the centre's own, e.g. `020`) when given.
 */
export function normalizeLandline(input: string, opts: { defaultAreaCode?: string } = {}): PhoneResult {
  const bad = fail('PHONE_INVALID', '固定电话号码不正确', 'The landline number is not valid');
  const raw = String(input ?? '').replace(PHONE_SEPARATORS, '');
  let s = stripCountry(raw);
  if (s !== raw && !s.startsWith('0')) s = `0${s}`; // international form drops the trunk 0
  if (!/^\d+$/.test(s)) return bad;
  if (!s.startsWith('0')) {
    if (!opts.defaultAreaCode || !/^0\d{2,3}$/.test(opts.defaultAreaCode)) return bad;
    s = opts.defaultAreaCode + s;
  }
  const areaLength = /^0(10|2\d)/.test(s) ? 3 : 4;
  const area = s.slice(0, areaLength);
  const local = s.slice(areaLength);
  return /^[2-9]\d{6,7}$/.test(local) ? { ok: true, normalized: `${area}-${local}` } : bad;
}

// ---------- Masking (脱敏) for presenters ----------

const stars = (n: number) => '*'.repeat(Math.max(0, n));

/** `13812345678` → `138****5678`; a landline keeps its area code and last 4 digits. */
export function maskPhone(phone: string): string {
  const s = String(phone ?? '');
  const dash = s.indexOf('-');
  if (dash > 0) return `${s.slice(0, dash + 1)}${stars(s.length - dash - 5)}${s.slice(-4)}`;
  if (s.length <= 7) return `${stars(s.length - 2)}${s.slice(-2)}`;
  return `${s.slice(0, 3)}${stars(s.length - 7)}${s.slice(-4)}`;
}

/** `11010519491231002X` → `110***********002X`: hides the birth date and most of the region. */
export function maskIdNumber(id: string): string {
  const s = String(id ?? '');
  return s.length < 8 ? stars(s.length) : `${s.slice(0, 3)}${stars(s.length - 7)}${s.slice(-4)}`;
}

/** `张三丰` → `张**`, `张三` → `张*`: keeps the first character only. */
export function maskName(name: string): string {
  const chars = Array.from(String(name ?? '').trim());
  return chars.length <= 1 ? stars(chars.length) : chars[0] + stars(chars.length - 1);
}

// Province/city/district/street levels, each a short run of Chinese characters ending in its suffix.
// 区 and 市 also end words that are not divisions (小区 compound, 社区 community, 超市 supermarket):
// those would keep exactly the part that identifies a home, so they never end a level.
const NOT_DIVISION_QU = '(?<![小社园校景片厂营矿])';
const NOT_DIVISION_SHI = '(?<![超菜夜门集])';
const ADDRESS_LEVELS = [
  /^[\u4e00-\u9fa5]{1,7}?(?:省|自治区|特别行政区)/,
  new RegExp(`^[\\u4e00-\\u9fa5]{1,10}?(?:自治州|地区|盟|${NOT_DIVISION_SHI}市)`),
  new RegExp(`^[\\u4e00-\\u9fa5]{1,10}?(?:${NOT_DIVISION_QU}区|县|旗|${NOT_DIVISION_SHI}市)`),
  /^[\u4e00-\u9fa5]{1,10}?(?:街道|镇|乡|苏木)/,
];

/**
 * Keeps the administrative part of an address and replaces the rest (road, number, building,
 * room) with `***`. Default `level: 'district'` keeps province/city/district (区/县/旗, or a
 * county-level 市); `'street'` also keeps the street or town (街道/镇/乡), for roles that route by it.
 * An address with nothing recognisable below province level is hidden entirely: better too little
 * than a house number.
 * `广州市天河区林和街道体育东路100号` → `广州市天河区***` (street: `广州市天河区林和街道***`).
 */
export function maskAddress(address: string, opts: { level?: 'district' | 'street' } = {}): string {
  const levels = opts.level === 'street' ? ADDRESS_LEVELS : ADDRESS_LEVELS.slice(0, 3);
  let rest = String(address ?? '').trim();
  let kept = '';
  for (const re of levels) {
    const m = re.exec(rest);
    if (!m) continue;
    kept += m[0];
    rest = rest.slice(m[0].length);
  }
  const endsAtDivision = /(?:区|县|旗|市|街道|镇|乡|苏木)$/.test(kept) && !/^[\u4e00-\u9fa5]{1,10}(?:省|自治区|特别行政区)$/.test(kept);
  if (!endsAtDivision) return '***';
  return rest.length > 0 ? `${kept}***` : kept;
}
