/**
 * Personal-data spans (个人信息) in free text: mobile and landline numbers, resident ID numbers
 * (GB 11643) and street / household addresses, so the server can mask them before showing a
 * ticket to a unit or writing a log line (domain.md §6).
 *
 * Recall matters more than precision here: masking a harmless number costs little, leaking a
 * citizen's phone number does not. So an 18-character ID-shaped string with a wrong check
 * character is still reported (valid: false) and masked.
 */

export type PiiKind = 'mobile' | 'landline' | 'idNumber' | 'address';

export interface PiiSpan {
  kind: PiiKind;
  /** UTF-16 offsets into the original text, end exclusive (String.prototype.slice). */
  start: number;
  end: number;
  text: string;
  /** For ID numbers: whether the GB 11643 check character and birth date are right. */
  valid?: boolean;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** True when an 18-character ID number has a plausible birth date and the right GB 11643
 * check character (ISO 7064 MOD 11-2). */
export function isValidIdNumber(id: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(id)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * ID_WEIGHTS[i];
  if (ID_CHECK[sum % 11] !== id[17].toUpperCase()) return false;
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  return y >= 1900 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

// Digits may be written full-width (１３８…); \uFF10-\uFF19 are accepted wherever \d is.
const D = '[0-9\\uFF10-\\uFF19]';
const NOT_DIGIT_BEFORE = `(?<![0-9\\uFF10-\\uFF19A-Za-z])`;
const NOT_DIGIT_AFTER = `(?![0-9\\uFF10-\\uFF19])`;

const PATTERNS: { kind: PiiKind; re: RegExp }[] = [
  // 18-char ID first so its digits are not also read as a phone number.
  { kind: 'idNumber', re: new RegExp(`${NOT_DIGIT_BEFORE}${D}{17}[0-9\\uFF10-\\uFF19Xx]${NOT_DIGIT_AFTER}`, 'g') },
  // Mobile: 11 digits starting 1[3-9], optional +86 and -/space groups (138-1234-5678).
  { kind: 'mobile', re: new RegExp(`${NOT_DIGIT_BEFORE}(?:\\+?86[- ]?)?[1１][3-9３-９]${D}(?:[- ]?${D}{4}){2}${NOT_DIGIT_AFTER}`, 'g') },
  // Landline with area code: 0731-12345678, (0731)1234567, 0731 1234567, optional extension.
  { kind: 'landline', re: new RegExp(`${NOT_DIGIT_BEFORE}(?:[(（]0${D}{2,3}[)）]|0${D}{2,3}[- ]?)${D}{7,8}(?:[-转]${D}{1,5})?${NOT_DIGIT_AFTER}`, 'g') },
  // Bare 7–8 digit numbers only right after a phone word (电话/座机/热线/tel), where they are
  // almost surely a number to call, not an amount or a date.
  // (A leading phone word and a capture group rather than a lookbehind: V8 tries a lookbehind at
  // every position, which made this the slowest pattern.)
  { kind: 'landline', re: new RegExp(`(?:电话|座机|联系方式|号码|tel|Tel|TEL)[:：是为 ]{0,3}(${D}{7,8})${NOT_DIGIT_AFTER}`, 'gd') },
];

// Household-level locator: a door number on a road, or building/unit/room numbers. Only the
// locator identifies a household; the estate or road name in front of it is added by
// extendAddressLeft so the mask covers "联丰路米兰春天G2栋320室", not just "G2栋320室".
const NUM = '[0-9A-Za-z０-９一二三四五六七八九十百零-]+';
const ADDRESS_CORE = new RegExp(
  `(?:(?:路|街|大道|巷|胡同|弄|道)(?:[一二三四五六七八九十0-9]+段)?${NUM}号(?:院|楼)?(?:${NUM}(?:栋|幢|号楼|单元|楼|层|室|号))*` +
    `|${NUM}(?:栋|幢|号楼|单元)(?:${NUM}(?:栋|幢|号楼|单元|楼|层|室|号))*(?:[0-9]{2,5}(?:室|房)?)?` +
    `|${NUM}(?:组|队)${NUM}号)`,
  'g',
);
// Words after which an address begins ("家住…", "位于…").
const ADDRESS_LEAD = /(?:住在|家住|住址|地址|位于|居住|在|于|是|：|:)/g;

function extendAddressLeft(text: string, start: number): number {
  let from = start;
  while (from > 0 && start - from < 16 && /[\u4e00-\u9fa5A-Za-z0-9０-９]/.test(text[from - 1])) from--;
  const lead = text.slice(from, start);
  let cut = 0;
  for (const m of lead.matchAll(ADDRESS_LEAD)) cut = m.index! + m[0].length;
  return from + cut;
}

/** Finds personal-data spans, non-overlapping, sorted by position. Earlier patterns win ties. */
export function extractPii(text: string): PiiSpan[] {
  if (!text) return [];
  const found: PiiSpan[] = [];
  const taken: [number, number][] = [];
  const overlaps = (s: number, e: number) => taken.some(([a, b]) => s < b && a < e);
  const hasDigit = /[0-9\uFF10-\uFF19]/.test(text); // every phone and ID pattern needs one
  for (const { kind, re } of PATTERNS) {
    if (!hasDigit) break;
    // exec on the shared regex rather than matchAll, which clones the regex on every call.
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m[0] === '') re.lastIndex++; // as matchAll does after an empty match
      // With a capture group (flag d) the span is the group, else the whole match.
      const [start, end] = m.indices?.[1] ?? [m.index!, m.index! + m[0].length];
      const found_ = text.slice(start, end);
      if (end === start || overlaps(start, end)) continue;
      const span: PiiSpan = { kind, start, end, text: found_ };
      if (kind === 'idNumber') span.valid = isValidIdNumber(found_.replace(/[\uFF10-\uFF19]/g, (c) => String(c.charCodeAt(0) - 0xff10)));
      found.push(span);
      taken.push([start, end]);
    }
  }
  ADDRESS_CORE.lastIndex = 0;
  // Every address locator ends in one of these characters; most texts can skip the scan.
  const addressPossible = /[号栋幢元]/.test(text);
  for (let m = addressPossible ? ADDRESS_CORE.exec(text) : null; m; m = ADDRESS_CORE.exec(text)) {
    if (m[0] === '') ADDRESS_CORE.lastIndex++;
    const end = m.index! + m[0].length;
    // A bare "3栋" or "5号" alone is too weak; require at least two numbered parts or a road.
    if (!/(路|街|道|巷|弄|胡同)/.test(m[0]) && (m[0].match(/[0-9０-９一二三四五六七八九十]+/g)?.length ?? 0) < 2) continue;
    const start = extendAddressLeft(text, m.index!);
    if (overlaps(start, end)) continue;
    found.push({ kind: 'address', start, end, text: text.slice(start, end) });
    taken.push([start, end]);
  }
  return found.sort((a, b) => a.start - b.start);
}

/**
 * Replaces personal data with masks the agent can still read: phone numbers keep their first 3
 * and last 4 digits (138****5678, the usual Chinese convention), ID numbers their first 6 and
 * last 4 (the region and a check the citizen recognises), addresses become 【地址】.
 */
export function maskPii(text: string): string {
  const spans = extractPii(text);
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + maskSpan(s);
    at = s.end;
  }
  return out + text.slice(at);
}

function maskSpan(s: PiiSpan): string {
  const chars = [...s.text];
  if (s.kind === 'address') return '【地址】';
  // Landlines keep the area code (if any) and the last 2 digits: the subscriber number is the
  // personal part.
  const areaCode = s.text.match(/^[(（]?0\d{2,3}/)?.[0].length ?? 0;
  const keepHead = s.kind === 'idNumber' ? 6 : s.kind === 'mobile' ? (s.text.startsWith('+') ? 0 : 3) : areaCode;
  const keepTail = s.kind === 'landline' ? 2 : 4;
  if (chars.length <= keepHead + keepTail) return '*'.repeat(chars.length);
  return chars.slice(0, keepHead).join('') + '*'.repeat(chars.length - keepHead - keepTail) + chars.slice(-keepTail).join('');
}

/** Alias kept for the wording (`maskText`). */
export const maskText = maskPii;
